import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Department } from '@zhibu/shared';
import { App, Button, Form, Input, Modal, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { orgApi, orgKeys } from '../../api/org';
import { CursorPager } from '../../components/CursorPager';
import { UserPicker } from '../../components/UserPicker';
import { useCursorPages } from '../../components/useCursorPages';
import { PeopleDrawer } from './PeopleDrawer';

interface Values {
  name: string;
  description?: string;
  headUserId?: string | null;
}

/** 职能部门: departments that receive routed grid issues, their head and staff. */
export default function DepartmentsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const [staffOf, setStaffOf] = useState<Department | null>(null);
  const pages = useCursorPages([...orgKeys.departments, { q }], (cursor) =>
    orgApi.departments({ q: q || undefined, limit: 20, cursor }),
  );
  const errorMessage = useErrorMessage();

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search
          allowClear
          placeholder={t('searchByName')}
          onSearch={(v) => setQ(v.trim())}
          style={{ width: 240 }}
        />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('new.department')}
        </Button>
      </Space>
      <Table<Department>
        rowKey="id"
        size="middle"
        loading={pages.loading}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : undefined }}
        columns={[
          { key: 'name', title: t('fields.name'), dataIndex: 'name' },
          { key: 'description', title: t('fields.description'), dataIndex: 'description', ellipsis: true },
          { key: 'head', title: t('fields.head'), render: (_, d) => d.headName ?? '—' },
          {
            key: 'actions',
            title: t('common:actions'),
            render: (_, d) => (
              <Space>
                <Button size="small" type="link" onClick={() => setEditing(d)}>
                  {t('common:edit')}
                </Button>
                <Button size="small" type="link" onClick={() => setStaffOf(d)}>
                  {t('staff')}
                </Button>
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
      <DepartmentModal
        editing={editing}
        headLabel={editing && editing !== 'new' ? (editing.headName ?? undefined) : undefined}
        onClose={() => setEditing(null)}
      />
      <PeopleDrawer
        title={staffOf ? t('staffOf', { name: staffOf.name }) : ''}
        open={staffOf !== null}
        onClose={() => setStaffOf(null)}
        queryKey={orgKeys.departmentStaff(staffOf?.id ?? '')}
        load={() => orgApi.departmentStaff(staffOf?.id ?? '')}
        add={(userId) => orgApi.addDepartmentStaff(staffOf?.id ?? '', { userId })}
        remove={(userId) => orgApi.removeDepartmentStaff(staffOf?.id ?? '', userId)}
      />
    </>
  );
}

function DepartmentModal({
  editing,
  headLabel,
  onClose,
}: {
  editing: Department | 'new' | null;
  headLabel?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const save = useMutation({
    mutationFn: async (v: Values) => {
      const body = {
        name: v.name.trim(),
        description: v.description?.trim() ?? '',
        headUserId: v.headUserId ?? null,
      };
      if (editing && editing !== 'new') await orgApi.updateDepartment(editing.id, body);
      else await orgApi.createDepartment(body);
    },
    onSuccess: async () => {
      message.success(t('common:saved'));
      await client.invalidateQueries({ queryKey: orgKeys.departments });
      onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Modal
      open={editing !== null}
      title={editing === 'new' ? t('new.department') : t('edit.department')}
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
            name: editing.name,
            description: editing.description,
            headUserId: editing.headUserId,
          });
      }}
    >
      <Form<Values>
        form={form}
        name="department"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="name"
          label={t('fields.name')}
          rules={[{ required: true, whitespace: true, max: 60, message: t('rules.name') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('fields.description')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item name="headUserId" label={t('fields.head')}>
          <UserPicker currentLabel={headLabel} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
