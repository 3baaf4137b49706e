import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Form, Input, Result, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useErrorMessage } from '../../api/errors';
import { refreshSession } from '../../api/http';
import { orgApi } from '../../api/org';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../time/dayjs';
import { AuthCard } from '../AuthCard';
import { passwordRules, usernameRules } from '../formRules';

interface AcceptForm {
  username: string;
  displayName: string;
  password: string;
  confirm: string;
}

/** `/invite/:token`: shows the branch, lets the invitee choose a username and password, then signs in. */
export function InvitePage() {
  const { token = '' } = useParams();
  const { t } = useTranslation(['auth', 'common']);
  const { user, login } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => orgApi.previewInvitation(token),
    retry: false,
  });

  if (preview.isLoading) {
    return (
      <AuthCard title={t('inviteTitle')}>
        <Skeleton active />
      </AuthCard>
    );
  }
  const invitation = preview.data;
  if (invitation?.state !== 'pending' || invitation.expired) {
    return (
      <AuthCard title={t('inviteTitle')}>
        <Result
          status="warning"
          subTitle={t('inviteInvalid')}
          extra={<Link to="/login">{t('backToLogin')}</Link>}
          data-testid="invite-invalid"
        />
      </AuthCard>
    );
  }

  const done = () => {
    message.success(t('inviteAccepted', { branch: invitation.branchName }));
    void navigate('/', { replace: true });
  };

  const acceptNew = async (values: AcceptForm) => {
    setBusy(true);
    setError(null);
    try {
      const username = values.username.trim();
      await orgApi.acceptInvitation(
        token,
        { username, password: values.password, displayName: values.displayName.trim() },
        false,
      );
      await login(username, values.password);
      done();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const acceptSignedIn = async () => {
    setBusy(true);
    setError(null);
    try {
      await orgApi.acceptInvitation(token, {}, true);
      // A resident who joins a branch becomes a member: new tokens carry the new role.
      await refreshSession();
      done();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title={t('inviteTitle')}
      subtitle={t('inviteSubtitle', { inviter: invitation.inviterName, branch: invitation.branchName })}
    >
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'branch', label: t('admin:branch'), children: invitation.branchName },
          { key: 'for', label: t('inviteFor'), children: invitation.displayName },
          { key: 'expires', label: t('inviteExpires'), children: formatDateTime(invitation.expiresAt) },
        ]}
        data-testid="invite-details"
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {user ? (
        <Button type="primary" block loading={busy} onClick={() => void acceptSignedIn()}>
          {t('inviteAcceptSignedIn')}
        </Button>
      ) : (
        <Form<AcceptForm>
          layout="vertical"
          onFinish={acceptNew}
          requiredMark={false}
          initialValues={{ username: invitation.username ?? '', displayName: invitation.displayName }}
        >
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
            {t('inviteAccept')}
          </Button>
        </Form>
      )}
    </AuthCard>
  );
}
