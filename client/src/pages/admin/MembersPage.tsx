import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BranchRole, MemberStatus, Membership, UpdateMemberBody } from '@zhibu/shared';
import { App, Button, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { orgApi, orgKeys } from '../../api/org';
import { CursorPager } from '../../components/CursorPager';
import { useCursorPages } from '../../components/useCursorPages';
import { formatDate } from '../../time/dayjs';
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
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();

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

  const remove = useMutation({
    mutationFn: (m: Membership) => orgApi.removeMember(m.branchId, m.userId),
    onSuccess: () => {
      message.success(t('memberRemoved'));
      return client.invalidateQueries({ queryKey: ['org', 'members'] });
    },
    onError: (e) => message.error(errorMessage(e)),
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
        <>
          <Table<Membership>
            rowKey="id"
            size="middle"
            loading={pages.loading}
            dataSource={pages.items}
            pagination={false}
            scroll={{ x: 900 }}
            locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : undefined }}
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
                    <Popconfirm
                      title={t('confirmRemoveMember', { name: m.displayName })}
                      onConfirm={() => remove.mutate(m)}
                      okText={t('common:confirm')}
                      cancelText={t('common:cancel')}
                    >
                      <Button size="small" type="link" danger>
                        {t('common:remove')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
          <CursorPager
            page={pages.page}
            hasPrev={pages.hasPrev}
            hasNext={pages.hasNext}
            total={pages.total}
            onPrev={pages.prev}
            onNext={pages.next}
          />
        </>
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
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const roleOptions = useRoleOptions();
  const statusOptions = useStatusOptions();
  const save = useMutation({
    mutationFn: (body: UpdateMemberBody) => {
      if (!member) throw new Error('no member');
      return orgApi.updateMember(member.branchId, member.userId, body);
    },
    onSuccess: async () => {
      message.success(t('common:saved'));
      await client.invalidateQueries({ queryKey: ['org', 'members'] });
      onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Modal
      open={member !== null}
      title={member ? t('editMember', { name: member.displayName }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (open && member)
          form.setFieldsValue({
            role: member.role,
            status: member.status,
            employer: member.employer,
            industry: member.industry,
            region: member.region,
            groupId: member.groupId,
          });
      }}
    >
      <Form<UpdateMemberBody>
        form={form}
        name="editMember"
        layout="vertical"
        onFinish={(v) =>
          save.mutate({
            ...v,
            employer: v.employer?.trim() ?? '',
            industry: v.industry?.trim() ?? '',
            region: v.region?.trim() ?? '',
            groupId: v.groupId ?? null,
          })
        }
      >
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="role" label={t('fields.role')} style={{ flex: 1 }}>
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item name="status" label={t('fields.status')} style={{ flex: 1 }}>
            <Select options={statusOptions} />
          </Form.Item>
        </div>
        <Form.Item name="groupId" label={t('fields.group')}>
          <Select allowClear options={groups.map((g) => ({ value: g.id, label: g.name }))} />
        </Form.Item>
        <Form.Item name="employer" label={t('fields.employer')} rules={[{ max: 80 }]}>
          <Input />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="industry" label={t('fields.industry')} rules={[{ max: 40 }]} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
          <Form.Item name="region" label={t('fields.region')} rules={[{ max: 40 }]} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  );
}
