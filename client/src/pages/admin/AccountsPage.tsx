import { PlusOutlined } from '@ant-design/icons';
import { type AccountRole, AccountRoles, type CreateUserBody, type User } from '@zhibu/shared';
import { Button, Form, Input, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usersApi } from '../../api/users';
import { useAuth } from '../../auth/AuthContext';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { useCursorPages } from '../../components/useCursorPages';
import { useSave } from '../../components/useSave';
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
      <PagedTable<User>
        pages={pages}
        columns={[
          { key: 'name', title: t('fields.name'), dataIndex: 'displayName' },
          { key: 'username', title: t('fields.username'), render: (_, u) => u.username ?? '—' },
          { key: 'mobile', title: t('fields.mobile'), render: (_, u) => u.mobile ?? '—' },
          { key: 'email', title: t('fields.email'), render: (_, u) => u.email ?? '—' },
          {
            key: 'role',
            title: t('fields.accountRole'),
            render: (_, u) => <Tag color={ROLE_COLORS[u.role]}>{t(`accountRoles.${u.role}`)}</Tag>,
          },
          { key: 'created', title: t('fields.createdAt'), render: (_, u) => formatDate(u.createdAt) },
        ]}
      />
      <CreateAccountModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function CreateAccountModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common', 'auth']);
  const [form] = Form.useForm<CreateUserBody>();
  const create = useSave(
    (v: CreateUserBody) =>
      usersApi.create({
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        password: v.password,
        role: v.role ?? 'user',
        ...(v.mobile?.trim() ? { mobile: v.mobile.trim() } : {}),
        ...(v.email?.trim() ? { email: v.email.trim() } : {}),
      }),
    {
      invalidate: ['users'],
      success: (created) => t('accountCreated', { name: created.displayName }),
      onDone: () => {
        form.resetFields();
        onClose();
      },
    },
  );
  return (
    <FormModal<CreateUserBody>
      open={open}
      title={t('new.account')}
      onClose={onClose}
      form={form}
      name="account"
      initialValues={{ role: 'user' }}
      onFinish={(v) => create.mutate(v)}
      saving={create.isPending}
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
      <Form.Item
        name="email"
        label={t('fields.emailOptional')}
        extra={t('fields.emailHint')}
        rules={[{ type: 'email', message: t('fields.emailRule') }, { max: 254 }]}
      >
        <Input type="email" autoComplete="off" />
      </Form.Item>
      <Form.Item name="password" label={t('fields.initialPassword')} rules={passwordRules(t)}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="role" label={t('fields.accountRole')}>
        <Select options={AccountRoles.map((r) => ({ value: r, label: t(`accountRoles.${r}`) }))} />
      </Form.Item>
    </FormModal>
  );
}
