import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreatedInvitation, CreateInvitationBody, Invitation, InvitationState } from '@zhibu/shared';
import { InvitationStates } from '@zhibu/shared';
import {
  Alert,
  App,
  Button,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { orgApi, orgKeys } from '../../api/org';
import { CursorPager } from '../../components/CursorPager';
import { useCursorPages } from '../../components/useCursorPages';
import { formatDateTime } from '../../time/dayjs';
import { BranchSelect, RoleTag, StatusTag, useRoleOptions, useStatusOptions } from './selects';
import { useBranchParam } from './useBranchParam';

const STATE_COLORS: Record<InvitationState, string> = {
  pending: 'processing',
  accepted: 'success',
  revoked: 'default',
  expired: 'warning',
};

/** 邀请成员: create a single-use link (shown once, to copy), list the branch's invitations, revoke. */
export default function InvitationsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const [branchId, setBranchId] = useBranchParam();
  const [state, setState] = useState<InvitationState | undefined>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();

  const pages = useCursorPages(
    orgKeys.invitations(branchId ?? '', { state }),
    (cursor) => orgApi.invitations(branchId ?? '', { state, limit: 20, cursor }),
    { enabled: Boolean(branchId) },
  );

  const revoke = useMutation({
    mutationFn: (i: Invitation) => orgApi.revokeInvitation(i.branchId, i.id),
    onSuccess: () => {
      message.success(t('invitationRevoked'));
      return client.invalidateQueries({ queryKey: ['org', 'invitations'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const link = created ? new URL(created.path, window.location.origin).toString() : '';

  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <BranchSelect value={branchId} onChange={setBranchId} />
        <Select
          allowClear
          placeholder={t('fields.state')}
          value={state}
          onChange={setState}
          style={{ width: 140 }}
          options={InvitationStates.map((s) => ({ value: s, label: t(`invitationStates.${s}`) }))}
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={!branchId}
          onClick={() => setCreating(true)}
          data-testid="new-invitation"
        >
          {t('inviteMember')}
        </Button>
      </Space>
      {!branchId ? (
        <Empty description={t('noBranch')} />
      ) : (
        <>
          <Table<Invitation>
            rowKey="id"
            size="middle"
            loading={pages.loading}
            dataSource={pages.items}
            pagination={false}
            scroll={{ x: 800 }}
            locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : undefined }}
            data-testid="invitations-table"
            columns={[
              { key: 'name', title: t('fields.invitee'), dataIndex: 'displayName' },
              { key: 'role', title: t('fields.role'), render: (_, i) => <RoleTag role={i.role} /> },
              { key: 'status', title: t('fields.status'), render: (_, i) => <StatusTag status={i.status} /> },
              {
                key: 'state',
                title: t('fields.state'),
                render: (_, i) => <Tag color={STATE_COLORS[i.state]}>{t(`invitationStates.${i.state}`)}</Tag>,
              },
              { key: 'created', title: t('fields.createdAt'), render: (_, i) => formatDateTime(i.createdAt) },
              { key: 'expires', title: t('fields.expiresAt'), render: (_, i) => formatDateTime(i.expiresAt) },
              {
                key: 'actions',
                title: t('common:actions'),
                render: (_, i) =>
                  i.state === 'pending' && (
                    <Popconfirm
                      title={t('confirmRevoke', { name: i.displayName })}
                      onConfirm={() => revoke.mutate(i)}
                      okText={t('common:confirm')}
                      cancelText={t('common:cancel')}
                    >
                      <Button size="small" type="link" danger>
                        {t('revoke')}
                      </Button>
                    </Popconfirm>
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
      {branchId && (
        <CreateInvitationModal
          branchId={branchId}
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
          }}
        />
      )}
      <Modal
        open={created !== null}
        title={t('invitationCreated')}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t('common:confirm')}
          </Button>
        }
      >
        <Alert type="info" showIcon title={t('invitationLinkOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph copyable={{ text: link }} code data-testid="invitation-link">
          {link}
        </Typography.Paragraph>
        {created && (
          <Typography.Text type="secondary">
            {t('fields.expiresAt')}：{formatDateTime(created.invitation.expiresAt)}
          </Typography.Text>
        )}
      </Modal>
    </>
  );
}

function CreateInvitationModal({
  branchId,
  open,
  onClose,
  onCreated,
}: {
  branchId: string;
  open: boolean;
  onClose: () => void;
  onCreated: (created: CreatedInvitation) => void;
}) {
  const { t } = useTranslation(['admin', 'common', 'auth']);
  const [form] = Form.useForm<CreateInvitationBody>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const roleOptions = useRoleOptions();
  const statusOptions = useStatusOptions();
  const groups = useQuery({ queryKey: orgKeys.groups(branchId), queryFn: () => orgApi.groups(branchId) });

  const create = useMutation({
    mutationFn: (v: CreateInvitationBody) => {
      const body: CreateInvitationBody = {
        displayName: v.displayName.trim(),
        role: v.role,
        status: v.status,
      };
      if (v.mobile?.trim()) body.mobile = v.mobile.trim();
      if (v.username?.trim()) body.username = v.username.trim();
      if (v.employer?.trim()) body.employer = v.employer.trim();
      if (v.industry?.trim()) body.industry = v.industry.trim();
      if (v.region?.trim()) body.region = v.region.trim();
      if (v.groupId) body.groupId = v.groupId;
      return orgApi.createInvitation(branchId, body);
    },
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: ['org', 'invitations'] });
      form.resetFields();
      onCreated(created);
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  return (
    <Modal
      open={open}
      title={t('inviteMember')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('createInvitation')}
      cancelText={t('common:cancel')}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form<CreateInvitationBody>
        form={form}
        name="invitation"
        layout="vertical"
        initialValues={{ role: 'member', status: 'full' }}
        onFinish={(v) => create.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="displayName"
          label={t('fields.invitee')}
          rules={[{ required: true, whitespace: true, max: 40, message: t('auth:displayNameRule') }]}
        >
          <Input autoFocus data-testid="invitee-name" />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item
            name="mobile"
            label={t('auth:mobileOptional')}
            rules={[{ pattern: /^1[3-9][0-9]{9}$/, message: t('auth:mobileRule') }]}
            style={{ flex: 1 }}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="username"
            label={t('fields.suggestedUsername')}
            rules={[{ pattern: /^[A-Za-z0-9_.-]{3,32}$/, message: t('auth:usernameRule') }]}
            style={{ flex: 1 }}
          >
            <Input />
          </Form.Item>
        </div>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="role" label={t('fields.role')} style={{ flex: 1 }}>
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item name="status" label={t('fields.status')} style={{ flex: 1 }}>
            <Select options={statusOptions} />
          </Form.Item>
        </div>
        <Form.Item name="groupId" label={t('fields.group')}>
          <Select
            allowClear
            options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
          />
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
