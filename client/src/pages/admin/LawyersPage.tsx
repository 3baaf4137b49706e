import { PlusOutlined } from '@ant-design/icons';
import type { Lawyer } from '@zhibu/shared';
import { Button, Form, Input, Select, Space, Switch, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../../api/org';
import { ConfirmLink } from '../../components/ConfirmLink';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { UserPicker } from '../../components/UserPicker';
import { useCursorPages } from '../../components/useCursorPages';
import { useSave } from '../../components/useSave';
import { TagsInput } from './selects';

interface Values {
  userId?: string;
  firm: string;
  specialties?: string[];
  available?: boolean;
}

/** 律师库: volunteer lawyers who answer routed legal questions. */
export default function LawyersPage() {
  const { t } = useTranslation(['admin', 'common']);
  const [available, setAvailable] = useState<boolean | undefined>();
  const [editing, setEditing] = useState<Lawyer | 'new' | null>(null);
  const pages = useCursorPages([...orgKeys.lawyers, { available }], (cursor) =>
    orgApi.lawyers({ available, limit: 20, cursor }),
  );
  const toggle = useSave((l: Lawyer) => orgApi.updateLawyer(l.id, { available: !l.available }), {
    invalidate: orgKeys.lawyers,
  });
  const remove = useSave((l: Lawyer) => orgApi.removeLawyer(l.id), { invalidate: orgKeys.lawyers });

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <Select
          allowClear
          placeholder={t('fields.available')}
          value={available === undefined ? undefined : String(available)}
          onChange={(v?: string) => setAvailable(v === undefined ? undefined : v === 'true')}
          style={{ width: 140 }}
          options={[
            { value: 'true', label: t('availability.available') },
            { value: 'false', label: t('availability.unavailable') },
          ]}
        />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('new.lawyer')}
        </Button>
      </Space>
      <PagedTable<Lawyer>
        pages={pages}
        columns={[
          { key: 'name', title: t('fields.name'), dataIndex: 'displayName' },
          { key: 'firm', title: t('fields.firm'), dataIndex: 'firm' },
          {
            key: 'specialties',
            title: t('fields.specialties'),
            render: (_, l) => (
              <Space size={[4, 4]} wrap>
                {l.specialties.map((s) => (
                  <Tag key={s}>{s}</Tag>
                ))}
              </Space>
            ),
          },
          {
            key: 'available',
            title: t('fields.available'),
            render: (_, l) => (
              <Switch
                size="small"
                checked={l.available}
                loading={toggle.isPending && toggle.variables?.id === l.id}
                onChange={() => toggle.mutate(l)}
              />
            ),
          },
          {
            key: 'actions',
            title: t('common:actions'),
            render: (_, l) => (
              <Space>
                <Button size="small" type="link" onClick={() => setEditing(l)}>
                  {t('common:edit')}
                </Button>
                <ConfirmLink
                  title={t('confirmRemovePerson', { name: l.displayName })}
                  onConfirm={() => remove.mutate(l)}
                >
                  {t('common:remove')}
                </ConfirmLink>
              </Space>
            ),
          },
        ]}
      />
      <LawyerModal editing={editing} onClose={() => setEditing(null)} />
    </>
  );
}

function LawyerModal({ editing, onClose }: { editing: Lawyer | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<Values>();
  const existing = editing && editing !== 'new' ? editing : null;
  const save = useSave(
    async (v: Values) => {
      const body = { firm: v.firm.trim(), specialties: v.specialties ?? [], available: v.available ?? true };
      if (existing) await orgApi.updateLawyer(existing.id, body);
      else if (v.userId) await orgApi.createLawyer({ userId: v.userId, ...body });
    },
    { invalidate: orgKeys.lawyers, success: t('common:saved'), onDone: onClose },
  );
  return (
    <FormModal<Values>
      open={editing !== null}
      title={existing ? t('edit.lawyer') : t('new.lawyer')}
      onClose={onClose}
      form={form}
      name="lawyer"
      onFinish={(v) => save.mutate(v)}
      saving={save.isPending}
      valuesOnOpen={() =>
        existing
          ? { firm: existing.firm, specialties: existing.specialties, available: existing.available }
          : { available: true }
      }
    >
      {editing === 'new' && (
        <Form.Item
          name="userId"
          label={t('fields.user')}
          rules={[{ required: true, message: t('pickUser') }]}
        >
          <UserPicker allowClear={false} />
        </Form.Item>
      )}
      <Form.Item
        name="firm"
        label={t('fields.firm')}
        rules={[{ required: true, whitespace: true, max: 80, message: t('rules.firm') }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="specialties" label={t('fields.specialties')} extra={t('hints.tags')}>
        <TagsInput placeholder={t('placeholders.specialties')} />
      </Form.Item>
      <Form.Item name="available" label={t('fields.available')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  );
}
