import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Lawyer } from '@zhibu/shared';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { orgApi, orgKeys } from '../../api/org';
import { CursorPager } from '../../components/CursorPager';
import { UserPicker } from '../../components/UserPicker';
import { useCursorPages } from '../../components/useCursorPages';
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
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const pages = useCursorPages([...orgKeys.lawyers, { available }], (cursor) =>
    orgApi.lawyers({ available, limit: 20, cursor }),
  );
  const refresh = () => client.invalidateQueries({ queryKey: orgKeys.lawyers });
  const toggle = useMutation({
    mutationFn: (l: Lawyer) => orgApi.updateLawyer(l.id, { available: !l.available }),
    onSuccess: refresh,
    onError: (e) => message.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (l: Lawyer) => orgApi.removeLawyer(l.id),
    onSuccess: refresh,
    onError: (e) => message.error(errorMessage(e)),
  });

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
      <Table<Lawyer>
        rowKey="id"
        size="middle"
        loading={pages.loading}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : undefined }}
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
                <Popconfirm
                  title={t('confirmRemovePerson', { name: l.displayName })}
                  onConfirm={() => remove.mutate(l)}
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
      <LawyerModal editing={editing} onClose={() => setEditing(null)} />
    </>
  );
}

function LawyerModal({ editing, onClose }: { editing: Lawyer | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const save = useMutation({
    mutationFn: async (v: Values) => {
      const body = { firm: v.firm.trim(), specialties: v.specialties ?? [], available: v.available ?? true };
      if (editing && editing !== 'new') await orgApi.updateLawyer(editing.id, body);
      else if (v.userId) await orgApi.createLawyer({ userId: v.userId, ...body });
    },
    onSuccess: async () => {
      message.success(t('common:saved'));
      await client.invalidateQueries({ queryKey: orgKeys.lawyers });
      onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const isNew = editing === 'new';
  return (
    <Modal
      open={editing !== null}
      title={isNew ? t('new.lawyer') : t('edit.lawyer')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common:save')}
      cancelText={t('common:cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (!open) return;
        form.resetFields();
        if (editing && editing !== 'new')
          form.setFieldsValue({
            firm: editing.firm,
            specialties: editing.specialties,
            available: editing.available,
          });
        else form.setFieldsValue({ available: true });
      }}
    >
      <Form<Values>
        form={form}
        name="lawyer"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        requiredMark={false}
      >
        {isNew && (
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
      </Form>
    </Modal>
  );
}
