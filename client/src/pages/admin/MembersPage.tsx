import { useQuery } from '@tanstack/react-query';
import type { BranchRole, MemberStatus, Membership, UpdateMemberBody } from '@zhibu/shared';
import { Button, Empty, Form, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../../api/org';
import { ConfirmLink } from '../../components/ConfirmLink';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { useCursorPages } from '../../components/useCursorPages';
import { useSave } from '../../components/useSave';
import { formatDate } from '../../time/dayjs';
import { MemberFields } from './MemberFields';
import { BranchSelect, RoleTag, StatusTag, useRoleOptions, useStatusOptions } from './selects';
import { useBranchParam } from './useBranchParam';

interface Filters {
  role?: BranchRole;
  status?: MemberStatus;
  industry?: string;
  region?: string;
}

/** 党员管理: the members of one branch, filtered and paginated, with role/status edits and removal. */
export default function MembersPage() {
  const { t } = useTranslation(['admin', 'common']);
  const [branchId, setBranchId] = useBranchParam();
  const [filters, setFilters] = useState<Filters>({});
  const [editing, setEditing] = useState<Membership | null>(null);
  const roleOptions = useRoleOptions();
  const statusOptions = useStatusOptions();

  const pages = useCursorPages(
    orgKeys.members(branchId ?? '', filters),
    (cursor) => orgApi.members(branchId ?? '', { ...filters, limit: 20, cursor }),
    { enabled: Boolean(branchId) },
  );
  const groups = useQuery({
    queryKey: orgKeys.groups(branchId ?? ''),
    queryFn: () => orgApi.groups(branchId ?? ''),
    enabled: Boolean(branchId),
  });
  const groupName = (id: string | null) => groups.data?.items.find((g) => g.id === id)?.name ?? '—';

  const remove = useSave((m: Membership) => orgApi.removeMember(m.branchId, m.userId), {
    invalidate: ['org', 'members'],
    success: t('memberRemoved'),
  });

  const [filterForm] = Form.useForm<Filters>();

  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <BranchSelect value={branchId} onChange={setBranchId} />
        <Form<Filters>
          form={filterForm}
          name="memberFilters"
          layout="inline"
          onFinish={(v) =>
            setFilters({
              role: v.role,
              status: v.status,
              industry: v.industry?.trim() || undefined,
              region: v.region?.trim() || undefined,
            })
          }
        >
          <Form.Item name="role">
            <Select
              allowClear
              aria-label={t('fields.role')}
              placeholder={t('fields.role')}
              options={roleOptions}
              style={{ width: 120 }}
            />
          </Form.Item>
          <Form.Item name="status">
            <Select
              allowClear
              placeholder={t('fields.status')}
              options={statusOptions}
              style={{ width: 140 }}
            />
          </Form.Item>
          <Form.Item name="industry">
            <Input
              allowClear
              aria-label={t('fields.industry')}
              placeholder={t('fields.industry')}
              style={{ width: 120 }}
            />
          </Form.Item>
          <Form.Item name="region">
            <Input
              allowClear
              aria-label={t('fields.region')}
              placeholder={t('fields.region')}
              style={{ width: 120 }}
            />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('common:search')}
            </Button>
            <Button
              onClick={() => {
                filterForm.resetFields();
                setFilters({});
              }}
            >
              {t('common:reset')}
            </Button>
          </Space>
        </Form>
      </Space>
      {!branchId ? (
        <Empty description={t('noBranch')} />
      ) : (
        <PagedTable<Membership>
          pages={pages}
          scroll={{ x: 900 }}
          data-testid="members-table"
          columns={[
            { key: 'name', title: t('fields.name'), dataIndex: 'displayName', fixed: 'left', width: 120 },
            {
              key: 'role',
              title: t('fields.role'),
              render: (_, m) => <RoleTag role={m.role} />,
              width: 100,
            },
            {
              key: 'status',
              title: t('fields.status'),
              render: (_, m) => <StatusTag status={m.status} />,
              width: 120,
            },
            { key: 'employer', title: t('fields.employer'), dataIndex: 'employer', ellipsis: true },
            { key: 'industry', title: t('fields.industry'), dataIndex: 'industry' },
            { key: 'region', title: t('fields.region'), dataIndex: 'region' },
            { key: 'group', title: t('fields.group'), render: (_, m) => groupName(m.groupId) },
            {
              key: 'joined',
              title: t('fields.joinedAt'),
              render: (_, m) => formatDate(m.joinedAt),
              width: 110,
            },
            {
              key: 'actions',
              title: t('common:actions'),
              fixed: 'right',
              width: 140,
              render: (_, m) => (
                <Space>
                  <Button size="small" type="link" onClick={() => setEditing(m)}>
                    {t('common:edit')}
                  </Button>
                  <ConfirmLink
                    title={t('confirmRemoveMember', { name: m.displayName })}
                    onConfirm={() => remove.mutate(m)}
                  >
                    {t('common:remove')}
                  </ConfirmLink>
                </Space>
              ),
            },
          ]}
        />
      )}
      <EditMemberModal member={editing} groups={groups.data?.items ?? []} onClose={() => setEditing(null)} />
    </>
  );
}

function EditMemberModal({
  member,
  groups,
  onClose,
}: {
  member: Membership | null;
  groups: { id: string; name: string }[];
  onClose: () => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<UpdateMemberBody>();
  const save = useSave(
    (body: UpdateMemberBody) => {
      if (!member) throw new Error('no member');
      return orgApi.updateMember(member.branchId, member.userId, body);
    },
    { invalidate: ['org', 'members'], success: t('common:saved'), onDone: onClose },
  );
  return (
    <FormModal<UpdateMemberBody>
      open={member !== null}
      title={member ? t('editMember', { name: member.displayName }) : ''}
      onClose={onClose}
      form={form}
      name="editMember"
      requiredMark
      onFinish={(v) =>
        save.mutate({
          ...v,
          employer: v.employer?.trim() ?? '',
          industry: v.industry?.trim() ?? '',
          region: v.region?.trim() ?? '',
          groupId: v.groupId ?? null,
        })
      }
      saving={save.isPending}
      resetOnOpen={false}
      valuesOnOpen={() =>
        member
          ? {
              role: member.role,
              status: member.status,
              employer: member.employer,
              industry: member.industry,
              region: member.region,
              groupId: member.groupId,
            }
          : undefined
      }
    >
      <MemberFields groups={groups} />
    </FormModal>
  );
}
