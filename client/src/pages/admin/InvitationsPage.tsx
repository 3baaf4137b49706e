import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import type { CreatedInvitation, CreateInvitationBody, Invitation, InvitationState } from '@zhibu/shared';
import { InvitationStates } from '@zhibu/shared';
import { Alert, Button, Empty, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../../api/org';
import { ConfirmLink } from '../../components/ConfirmLink';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { useCursorPages } from '../../components/useCursorPages';
import { useSave } from '../../components/useSave';
import { formatDateTime } from '../../time/dayjs';
import { MemberFields } from './MemberFields';
import { BranchSelect, RoleTag, StatusTag } from './selects';
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

  const pages = useCursorPages(
    orgKeys.invitations(branchId ?? '', { state }),
    (cursor) => orgApi.invitations(branchId ?? '', { state, limit: 20, cursor }),
    { enabled: Boolean(branchId) },
  );

  const revoke = useSave((i: Invitation) => orgApi.revokeInvitation(i.branchId, i.id), {
    invalidate: ['org', 'invitations'],
    success: t('invitationRevoked'),
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
        <PagedTable<Invitation>
          pages={pages}
          scroll={{ x: 800 }}
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
                  <ConfirmLink
                    title={t('confirmRevoke', { name: i.displayName })}
                    onConfirm={() => revoke.mutate(i)}
                  >
                    {t('revoke')}
                  </ConfirmLink>
                ),
            },
          ]}
        />
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
  const groups = useQuery({ queryKey: orgKeys.groups(branchId), queryFn: () => orgApi.groups(branchId) });

  const create = useSave(
    (v: CreateInvitationBody) => {
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
    {
      invalidate: ['org', 'invitations'],
      onDone: (created) => {
        form.resetFields();
        onCreated(created);
      },
    },
  );

  return (
    <FormModal<CreateInvitationBody>
      open={open}
      title={t('inviteMember')}
      onClose={onClose}
      form={form}
      name="invitation"
      okText={t('createInvitation')}
      initialValues={{ role: 'member', status: 'full' }}
      onFinish={(v) => create.mutate(v)}
      saving={create.isPending}
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
      <MemberFields groups={groups.data?.items ?? []} />
    </FormModal>
  );
}
