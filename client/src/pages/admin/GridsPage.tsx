import { PlusOutlined } from '@ant-design/icons';
import type { Grid } from '@zhibu/shared';
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
import { GridAreaButton, GridAreaModal } from './GridAreaModal';
import { CommitteeSelect, NameItem, SearchByName, useCommittees } from './selects';

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
  const [areaOf, setAreaOf] = useState<Grid | null>(null);
  const committees = useCommittees();
  const committeeName = (id: string) => committees.data?.items.find((c) => c.id === id)?.name ?? '—';
  const pages = useCursorPages([...orgKeys.grids, { q }], (cursor) =>
    orgApi.grids({ q: q || undefined, limit: 20, cursor }),
  );

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <SearchByName onSearch={setQ} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('new.grid')}
        </Button>
      </Space>
      <PagedTable<Grid>
        pages={pages}
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
                <GridAreaButton onClick={() => setAreaOf(g)} />
              </Space>
            ),
          },
        ]}
      />
      <GridModal editing={editing} onClose={() => setEditing(null)} />
      <GridAreaModal grid={areaOf} onClose={() => setAreaOf(null)} />
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

function GridModal({ editing, onClose }: { editing: Grid | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const [form] = Form.useForm<Values>();
  const existing = editing && editing !== 'new' ? editing : null;
  const save = useSave(
    async (v: Values) => {
      const common = { name: v.name.trim(), area: v.area?.trim() ?? '', leaderId: v.leaderId ?? null };
      if (existing) await orgApi.updateGrid(existing.id, common);
      else await orgApi.createGrid({ ...common, committeeId: v.committeeId });
    },
    { invalidate: orgKeys.grids, success: t('common:saved'), onDone: onClose },
  );
  return (
    <FormModal<Values>
      open={editing !== null}
      title={existing ? t('edit.grid') : t('new.grid')}
      onClose={onClose}
      form={form}
      name="grid"
      onFinish={(v) => save.mutate(v)}
      saving={save.isPending}
      valuesOnOpen={() =>
        existing
          ? {
              name: existing.name,
              committeeId: existing.committeeId,
              area: existing.area,
              leaderId: existing.leaderId,
            }
          : undefined
      }
    >
      <NameItem />
      {editing === 'new' && (
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
        <UserPicker currentLabel={existing?.leaderName ?? undefined} />
      </Form.Item>
    </FormModal>
  );
}
