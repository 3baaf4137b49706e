import { Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRoleOptions, useStatusOptions } from './selects';

/**
 * The member fields shared by the invitation form and the member edit form: role and status, party group,
 * employer, industry and region (the limits match the server's schema).
 */
export function MemberFields({ groups }: { groups: readonly { id: string; name: string }[] }) {
  const { t } = useTranslation('admin');
  const roleOptions = useRoleOptions();
  const statusOptions = useStatusOptions();
  return (
    <>
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
    </>
  );
}
