import type { RegisterResidentBody } from '@zhibu/shared';
import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useErrorMessage } from '../../api/errors';
import { api } from '../../api/http';
import { useAuth } from '../../auth/AuthContext';
import { homePath } from '../../routes';
import { AuthCard } from '../AuthCard';
import { passwordRules, usernameRules } from '../formRules';

interface RegisterForm {
  username: string;
  displayName: string;
  mobile?: string;
  password: string;
  confirm: string;
}

/** Residents register themselves (role resident: they may report grid issues). */
export function RegisterPage() {
  const { t } = useTranslation('auth');
  const { login } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: RegisterForm) => {
    setBusy(true);
    setError(null);
    const body: RegisterResidentBody = {
      username: values.username.trim(),
      displayName: values.displayName.trim(),
      password: values.password,
      ...(values.mobile?.trim() ? { mobile: values.mobile.trim() } : {}),
    };
    try {
      await api('/api/v1/auth/register', { method: 'POST', body, auth: false });
      const user = await login(body.username, body.password);
      message.success(t('registered'));
      void navigate(homePath(user.role), { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('registerTitle')} subtitle={t('registerSubtitle')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<RegisterForm> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="username" label={t('username')} rules={usernameRules(t)} extra={t('usernameHint')}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('displayName')}
          rules={[{ required: true, whitespace: true, max: 40, message: t('displayNameRule') }]}
        >
          <Input autoComplete="name" />
        </Form.Item>
        <Form.Item
          name="mobile"
          label={t('mobileOptional')}
          rules={[{ pattern: /^1[3-9][0-9]{9}$/, message: t('mobileRule') }]}
        >
          <Input autoComplete="tel" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={passwordRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('confirmPassword')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('required') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('password')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('register')}
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, textAlign: 'center' }}>
        <Link to="/login">{t('backToLogin')}</Link>
      </Typography.Paragraph>
    </AuthCard>
  );
}
