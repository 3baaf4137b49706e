import { PlusOutlined } from '@ant-design/icons';
import type { Department } from '@zhibu/shared';
import { Button, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgApi, orgKeys } from '../../api/org';
import { FormModal } from '../../components/FormModal';
import { PagedTable } from '../../components/PagedTable';
import { PeopleDrawer } from '../../components/PeopleDrawer';
import { UserPicker } from '../../components/UserPicker';
import { useCursorPages } from '../../components/useCursorPages';
import { useSave } from '../../components/useSave';
import { NameItem, SearchByName } from './selects';

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

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <SearchByName onSearch={setQ} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('new.department')}
        </Button>
      </Space>
      <PagedTable<Department>
        pages={pages}
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
      <DepartmentModal editing={editing} onClose={() => setEditing(null)} />
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

function DepartmentModal({ editing, onClose }: { editing: Department | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<Values>();
  const existing = editing && editing !== 'new' ? editing : null;
  const save = useSave(
    async (v: Values) => {
      const body = {
        name: v.name.trim(),
        description: v.description?.trim() ?? '',
        headUserId: v.headUserId ?? null,
      };
      if (existing) await orgApi.updateDepartment(existing.id, body);
      else await orgApi.createDepartment(body);
    },
    { invalidate: orgKeys.departments, success: t('common:saved'), onDone: onClose },
  );
  return (
    <FormModal<Values>
      open={editing !== null}
      title={existing ? t('edit.department') : t('new.department')}
      onClose={onClose}
      form={form}
      name="department"
      onFinish={(v) => save.mutate(v)}
      saving={save.isPending}
      valuesOnOpen={() =>
        existing
          ? { name: existing.name, description: existing.description, headUserId: existing.headUserId }
          : undefined
      }
    >
      <NameItem />
      <Form.Item name="description" label={t('fields.description')} rules={[{ max: 500 }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="headUserId" label={t('fields.head')}>
        <UserPicker currentLabel={existing?.headName ?? undefined} />
      </Form.Item>
    </FormModal>
  );
}
