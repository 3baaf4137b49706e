import { App, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../api/errors';
import { useAuth } from '../auth/AuthContext';

/**
 * The signed-in user's own e-mail address, used for the daily digest of unread reminders. An empty field
 * removes it. Strings live with the grid area (the digest is sent by the grid workers).
 */
export function EmailModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(['grid', 'common']);
  const { user, updateMe } = useAuth();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<{ email?: string }>();
  const [saving, setSaving] = useState(false);
  const save = async ({ email }: { email?: string }) => {
    setSaving(true);
    try {
      await updateMe({ email: email?.trim() ? email.trim() : null });
      message.success(t('common:saved'));
      onClose();
    } catch (error) {
      message.error(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('digestEmail.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('digestEmail.hint')}</Typography.Paragraph>
      <Form
        form={form}
        name="my-email"
        layout="vertical"
        initialValues={{ email: user?.email ?? '' }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item
          name="email"
          label={t('digestEmail.label')}
          rules={[{ type: 'email', message: t('digestEmail.invalid') }, { max: 254 }]}
        >
          <Input type="email" inputMode="email" autoComplete="email" data-testid="my-email" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
