import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type CreateDocumentBody,
  type DocumentKind,
  DocumentKinds,
  type DocumentStatus,
  DocumentStatuses,
  type DocumentSummary,
} from '@zhibu/shared';
import { App, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useErrorMessage } from '../../api/errors';
import { orgApi, orgKeys } from '../../api/org';
import { formatDateTime } from '../../time/dayjs';
import { BranchSelect } from '../admin/selects';
import { docKeys, documentsApi } from './api';

const statusColor = { draft: 'blue', submitted: 'gold', approved: 'green', archived: 'default' } as const;

function CreateDocumentModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation('documents');
  const [form] = Form.useForm<CreateDocumentBody>();
  const kind = Form.useWatch('kind', form) as DocumentKind | undefined;
  const branchId = Form.useWatch('branchId', form) as string | undefined;
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const groups = useQuery({
    queryKey: orgKeys.groups(branchId ?? ''),
    queryFn: () => orgApi.groups(branchId ?? ''),
    enabled: kind === 'reflection' && !!branchId,
  });
  const create = useMutation({
    mutationFn: (values: CreateDocumentBody) =>
      documentsApi.create({
        kind: values.kind,
        title: values.title,
        ...(values.kind === 'minutes' ? { branchId: values.branchId } : { groupId: values.groupId }),
      }),
    onSuccess: (doc) => {
      void client.invalidateQueries({ queryKey: docKeys.all });
      onClose();
      form.resetFields();
      void navigate(`/documents/${doc.id}`);
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Modal
      open={open}
      title={t('create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'minutes' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="kind" label={t('fields.kind')} rules={[{ required: true }]}>
          <Select options={DocumentKinds.map((k) => ({ value: k, label: t(`kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="branchId" label={t('fields.branch')} rules={[{ required: true }]}>
          <BranchSelect onChange={(v) => form.setFieldValue('branchId', v)} />
        </Form.Item>
        {kind === 'reflection' && (
          <Form.Item name="groupId" label={t('fields.group')} rules={[{ required: true }]}>
            <Select
              loading={groups.isLoading}
              options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
            />
          </Form.Item>
        )}
        <Form.Item name="title" label={t('fields.title')} rules={[{ required: true, max: 120 }]}>
          <Input data-testid="doc-create-title" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The archive: minutes and reflections the user may read, filtered, searchable, paginated. */
export default function DocumentsListPage() {
  const { t } = useTranslation('documents');
  const navigate = useNavigate();
  const [kind, setKind] = useState<DocumentKind | undefined>();
  const [status, setStatus] = useState<DocumentStatus | undefined>();
  const [q, setQ] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const query = { kind, status, q, limit: 20 };
  const list = useInfiniteQuery({
    queryKey: docKeys.list(query),
    queryFn: ({ pageParam }) => documentsApi.list({ ...query, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="zb-page" data-testid="documents-list">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('title')}
        </Typography.Title>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="doc-create"
        >
          {t('create')}
        </Button>
      </Space>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder={t('fields.kind')}
          style={{ width: 140 }}
          value={kind}
          onChange={setKind}
          options={DocumentKinds.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
        />
        <Select
          allowClear
          placeholder={t('fields.status')}
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={DocumentStatuses.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <Input.Search
          allowClear
          placeholder={t('searchPlaceholder')}
          onSearch={(v) => setQ(v.trim() || undefined)}
          style={{ width: 260 }}
          data-testid="doc-search"
        />
      </Space>
      <Table<DocumentSummary>
        rowKey="id"
        loading={list.isLoading}
        dataSource={items}
        pagination={false}
        onRow={(doc) => ({
          onClick: () => void navigate(`/documents/${doc.id}`),
          style: { cursor: 'pointer' },
        })}
        columns={[
          {
            title: t('fields.title'),
            dataIndex: 'title',
            render: (v: string) => <Typography.Link>{v}</Typography.Link>,
          },
          {
            title: t('fields.kind'),
            dataIndex: 'kind',
            width: 120,
            render: (k: DocumentKind) => t(`kind.${k}`),
          },
          {
            title: t('fields.status'),
            dataIndex: 'status',
            width: 110,
            render: (s: DocumentStatus) => <Tag color={statusColor[s]}>{t(`status.${s}`)}</Tag>,
          },
          {
            title: t('fields.updatedAt'),
            dataIndex: 'updatedAt',
            width: 170,
            render: (v: string) => formatDateTime(v),
          },
        ]}
      />
      {list.hasNextPage && (
        <Button
          block
          style={{ marginTop: 12 }}
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
        >
          {t('loadMore')}
        </Button>
      )}
      <CreateDocumentModal open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
