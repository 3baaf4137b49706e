import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type AccountRole, AccountRoles, type CreateUserBody, type User } from '@zhibu/shared';
import { App, Button, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { usersApi } from '../../api/users';
import { useAuth } from '../../auth/AuthContext';
import { CursorPager } from '../../components/CursorPager';
import { useCursorPages } from '../../components/useCursorPages';
import { formatDate } from '../../time/dayjs';
import { passwordRules, usernameRules } from '../formRules';

const ROLE_COLORS: Record<AccountRole, string> = { admin: 'red', user: 'blue', resident: 'default' };

/** 账号: the user directory; admins create accounts for department staff, lawyers and grid workers. */
export default function AccountsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const { user } = useAuth();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<AccountRole | undefined>();
  const [creating, setCreating] = useState(false);
  const errorMessage = useErrorMessage();
  const pages = useCursorPages(['users', 'list', { q, role }], (cursor) =>
    usersApi.list({ q: q || undefined, role, limit: 20, cursor }),
  );

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search
          allowClear
          placeholder={t('pickUser')}
          onSearch={(v) => setQ(v.trim())}
          style={{ width: 240 }}
        />
        <Select
          allowClear
          placeholder={t('fields.accountRole')}
          value={role}
          onChange={setRole}
          style={{ width: 140 }}
          options={AccountRoles.map((r) => ({ value: r, label: t(`accountRoles.${r}`) }))}
        />
        {user?.role === 'admin' && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('new.account')}
          </Button>
        )}
      </Space>
      <Table<User>
        rowKey="id"
        size="middle"
        loading={pages.loading}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : undefined }}
        columns={[
          { key: 'name', title: t('fields.name'), dataIndex: 'displayName' },
          { key: 'username', title: t('fields.username'), render: (_, u) => u.username ?? '—' },
          { key: 'mobile', title: t('fields.mobile'), render: (_, u) => u.mobile ?? '—' },
          {
            key: 'role',
            title: t('fields.accountRole'),
            render: (_, u) => <Tag color={ROLE_COLORS[u.role]}>{t(`accountRoles.${u.role}`)}</Tag>,
          },
          { key: 'created', title: t('fields.createdAt'), render: (_, u) => formatDate(u.createdAt) },
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
      <CreateAccountModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateAccountModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common', 'auth']);
  const [form] = Form.useForm<CreateUserBody>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const create = useMutation({
    mutationFn: (v: CreateUserBody) =>
      usersApi.create({
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        password: v.password,
        role: v.role ?? 'user',
        ...(v.mobile?.trim() ? { mobile: v.mobile.trim() } : {}),
      }),
    onSuccess: async (created) => {
      message.success(t('accountCreated', { name: created.displayName }));
      await client.invalidateQueries({ queryKey: ['users'] });
      form.resetFields();
      onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Modal
      open={open}
      title={t('new.account')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form<CreateUserBody>
        form={form}
        name="account"
        layout="vertical"
        initialValues={{ role: 'user' }}
        onFinish={(v) => create.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="displayName"
          label={t('auth:displayName')}
          rules={[{ required: true, whitespace: true, max: 40, message: t('auth:displayNameRule') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="username"
          label={t('auth:username')}
          rules={usernameRules(t)}
          extra={t('auth:usernameHint')}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="mobile"
          label={t('auth:mobileOptional')}
          rules={[{ pattern: /^1[3-9][0-9]{9}$/, message: t('auth:mobileRule') }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="password" label={t('fields.initialPassword')} rules={passwordRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('fields.accountRole')}>
          <Select options={AccountRoles.map((r) => ({ value: r, label: t(`accountRoles.${r}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
