import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { GridCategories, type GridRule, type GridRuleBody } from '@zhibu/shared';
import {
  App,
  Button,
  Card,
  Form,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { gridApi, gridKeys, useDirectory } from './api';

/** 分派规则: category × grid (× keywords) → department, in priority order, and the fallback unit (兜底). */
export default function RulesPage() {
  const { t } = useTranslation(['grid', 'common']);
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const { grids, departments, gridName, departmentName } = useDirectory();
  const [editing, setEditing] = useState<GridRule | 'new' | null>(null);
  const [form] = Form.useForm<GridRuleBody>();
  const rules = useQuery({ queryKey: gridKeys.rules, queryFn: gridApi.rules });
  const settings = useQuery({ queryKey: [...gridKeys.rules, 'settings'], queryFn: gridApi.settings });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: gridKeys.rules });
  const onError = (error: unknown) => message.error(errorMessage(error));
  const save = useMutation({
    mutationFn: (body: GridRuleBody) =>
      editing && editing !== 'new' ? gridApi.updateRule(editing.id, body) : gridApi.createRule(body),
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
    onError,
  });
  const remove = useMutation({ mutationFn: gridApi.deleteRule, onSuccess: refresh, onError });
  const fallback = useMutation({
    mutationFn: (id: string | null) => gridApi.saveSettings({ fallbackDepartmentId: id }),
    onSuccess: () => {
      refresh();
      message.success(t('common:saved'));
    },
    onError,
  });
  const depOptions = departments.map((d) => ({ value: d.id, label: d.name }));

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('rules.fallback')}>
        <Select
          allowClear
          style={{ width: 280 }}
          value={settings.data?.fallbackDepartmentId ?? undefined}
          options={depOptions}
          onChange={(v?: string) => fallback.mutate(v ?? null)}
          placeholder={t('rules.noFallback')}
        />
      </Card>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        onClick={() => {
          form.setFieldsValue({
            priority: 100,
            category: 'hazard',
            gridIds: [],
            keywords: [],
            enabled: true,
          });
          setEditing('new');
        }}
      >
        {t('rules.new')}
      </Button>
      <Table<GridRule>
        rowKey="id"
        size="middle"
        loading={rules.isLoading}
        dataSource={rules.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        scroll={{ x: true }}
        columns={[
          { key: 'priority', title: t('rules.priority'), dataIndex: 'priority' },
          { key: 'category', title: t('fields.category'), render: (_, r) => t(`category.${r.category}`) },
          {
            key: 'grids',
            title: t('rules.grids'),
            render: (_, r) =>
              r.gridIds.length === 0 ? t('rules.anyGrid') : r.gridIds.map(gridName).join('、'),
          },
          {
            key: 'keywords',
            title: t('rules.keywords'),
            render: (_, r) => r.keywords.map((k) => <Tag key={k}>{k}</Tag>),
          },
          {
            key: 'department',
            title: t('fields.department'),
            render: (_, r) => departmentName(r.departmentId),
          },
          { key: 'enabled', title: t('rules.enabled'), render: (_, r) => (r.enabled ? '✓' : '—') },
          {
            key: 'actions',
            title: t('common:actions'),
            render: (_, r) => (
              <Space>
                <Button
                  size="small"
                  type="link"
                  onClick={() => {
                    form.setFieldsValue(r);
                    setEditing(r);
                  }}
                >
                  {t('common:edit')}
                </Button>
                <Popconfirm title={t('common:areYouSure')} onConfirm={() => remove.mutate(r.id)}>
                  <Button size="small" type="link" danger>
                    {t('common:delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('rules.new') : t('common:edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: save.isPending }}
        destroyOnHidden
      >
        <Form<GridRuleBody>
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={(v) =>
            save.mutate({
              priority: v.priority,
              category: v.category,
              gridIds: v.gridIds ?? [],
              keywords: (v.keywords ?? []).map((k) => k.trim()).filter(Boolean),
              departmentId: v.departmentId,
              enabled: v.enabled ?? true,
            })
          }
        >
          <Form.Item
            name="priority"
            label={t('rules.priority')}
            extra={t('rules.priorityHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={0} max={1_000_000} />
          </Form.Item>
          <Form.Item name="category" label={t('fields.category')} rules={[{ required: true }]}>
            <Select options={GridCategories.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
          </Form.Item>
          <Form.Item name="gridIds" label={t('rules.grids')} extra={t('rules.anyGrid')}>
            <Select mode="multiple" options={grids.map((g) => ({ value: g.id, label: g.name }))} />
          </Form.Item>
          <Form.Item name="keywords" label={t('rules.keywords')} extra={t('rules.keywordsHint')}>
            <Select mode="tags" tokenSeparators={[',', '，', ' ']} />
          </Form.Item>
          <Form.Item name="departmentId" label={t('fields.department')} rules={[{ required: true }]}>
            <Select options={depOptions} />
          </Form.Item>
          <Form.Item name="enabled" label={t('rules.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
