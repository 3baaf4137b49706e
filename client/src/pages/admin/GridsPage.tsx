import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Grid } from '@zhibu/shared';
import { App, Button, Form, Input, Modal, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { orgApi, orgKeys } from '../../api/org';
import { CursorPager } from '../../components/CursorPager';
import { UserPicker } from '../../components/UserPicker';
import { useCursorPages } from '../../components/useCursorPages';
import { PeopleDrawer } from './PeopleDrawer';
import { CommitteeSelect, useCommittees } from './selects';

interface Values {
  name: string;
  committeeId: string;
  area?: string;
  leaderId?: string | null;
}

/** 网格: grids with their leader (网格长) and workers (网格员). */
export default function GridsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Grid | 'new' | null>(null);
  const [workersOf, setWorkersOf] = useState<Grid | null>(null);
  const committees = useCommittees();
  const committeeName = (id: string) => committees.data?.items.find((c) => c.id === id)?.name ?? '—';
  const pages = useCursorPages([...orgKeys.grids, { q }], (cursor) =>
    orgApi.grids({ q: q || undefined, limit: 20, cursor }),
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
          {t('new.grid')}
        </Button>
      </Space>
      <Table<Grid>
        rowKey="id"
        size="middle"
        loading={pages.loading}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: pages.query.error ? errorMessage(pages.query.error) : undefined }}
        columns={[
          { key: 'name', title: t('fields.name'), dataIndex: 'name' },
          { key: 'committee', title: t('fields.committee'), render: (_, g) => committeeName(g.committeeId) },
          { key: 'area', title: t('fields.area'), dataIndex: 'area', ellipsis: true },
          { key: 'leader', title: t('fields.gridLeader'), render: (_, g) => g.leaderName ?? '—' },
          {
            key: 'actions',
            title: t('common:actions'),
            render: (_, g) => (
              <Space>
                <Button size="small" type="link" onClick={() => setEditing(g)}>
                  {t('common:edit')}
                </Button>
                <Button size="small" type="link" onClick={() => setWorkersOf(g)}>
                  {t('gridWorkers')}
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
      <GridModal
        editing={editing}
        leaderLabel={editing && editing !== 'new' ? (editing.leaderName ?? undefined) : undefined}
        onClose={() => setEditing(null)}
      />
      <PeopleDrawer
        title={workersOf ? t('workersOf', { name: workersOf.name }) : ''}
        open={workersOf !== null}
        onClose={() => setWorkersOf(null)}
        queryKey={orgKeys.gridWorkers(workersOf?.id ?? '')}
        load={() => orgApi.gridWorkers(workersOf?.id ?? '')}
        add={(userId) => orgApi.addGridWorker(workersOf?.id ?? '', { userId })}
        remove={(userId) => orgApi.removeGridWorker(workersOf?.id ?? '', userId)}
      />
    </>
  );
}

function GridModal({
  editing,
  leaderLabel,
  onClose,
}: {
  editing: Grid | 'new' | null;
  leaderLabel?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const save = useMutation({
    mutationFn: async (v: Values) => {
      const common = { name: v.name.trim(), area: v.area?.trim() ?? '', leaderId: v.leaderId ?? null };
      if (editing && editing !== 'new') await orgApi.updateGrid(editing.id, common);
      else await orgApi.createGrid({ ...common, committeeId: v.committeeId });
    },
    onSuccess: async () => {
      message.success(t('common:saved'));
      await client.invalidateQueries({ queryKey: orgKeys.grids });
      onClose();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const isNew = editing === 'new';
  return (
    <Modal
      open={editing !== null}
      title={isNew ? t('new.grid') : t('edit.grid')}
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
            committeeId: editing.committeeId,
            area: editing.area,
            leaderId: editing.leaderId,
          });
      }}
    >
      <Form<Values>
        form={form}
        name="grid"
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
        {isNew && (
          <Form.Item
            name="committeeId"
            label={t('fields.committee')}
            rules={[{ required: true, message: t('pickCommittee') }]}
          >
            <CommitteeSelect />
          </Form.Item>
        )}
        <Form.Item name="area" label={t('fields.area')} rules={[{ max: 200 }]}>
          <Input.TextArea rows={2} placeholder={t('placeholders.area')} />
        </Form.Item>
        <Form.Item name="leaderId" label={t('fields.gridLeader')}>
          <UserPicker currentLabel={leaderLabel} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
