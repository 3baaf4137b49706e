import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  type GridActionBody,
  GridCategories,
  type GridCategory,
  type GridIssueDetail,
  type GridMe,
} from '@zhibu/shared';
import { App, Button, Form, Input, InputNumber, Modal, Rate, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../../api/errors';
import { gridApi, gridKeys, useDirectory } from './api';
import { PhotoPicker } from './photos';

type Kind = GridActionBody['action'] | 'qa';
type FormValues = Record<string, unknown>;

/** Which actions to offer (the server decides; this only hides what would be refused). */
function offered(issue: GridIssueDetail, me: GridMe, userId: string): Kind[] {
  const t = issue.target;
  const handler =
    me.isAdmin ||
    (t?.kind === 'department' && t.departmentId !== null && me.departmentIds.includes(t.departmentId)) ||
    (t?.kind === 'lawyer' && t.lawyerId === userId);
  const reporter = issue.reporterId === userId;
  const head = t?.departmentId ? me.headOfDepartments.includes(t.departmentId) : false;
  const worker = issue.gridId !== null && me.gridIds.includes(issue.gridId);
  const out: Kind[] = [];
  const s = issue.status;
  if (handler && s === 'assigned') out.push('accept');
  if (handler && (s === 'assigned' || s === 'accepted')) {
    out.push('resolve', 'requestInfo', 'return');
    if (t?.kind === 'department') out.push('handOver');
  }
  if (handler && ['assigned', 'accepted', 'awaitingInfo'].includes(s) && !issue.extensionPending)
    out.push('requestExtension');
  if (issue.extensionPending && (me.isAdmin || head)) out.push('decideExtension');
  if (reporter && s === 'awaitingInfo') out.push('provideInfo');
  if ((worker || me.isAdmin) && s === 'resolved') out.push('verify');
  if (reporter && (s === 'resolved' || s === 'verified')) out.push('rate');
  if (me.isAdmin && (s === 'dispatch' || s === 'awaitingRouting')) out.push('dispatch');
  if (s !== 'closed' && (handler || reporter || worker)) out.push('reply');
  if (t?.kind === 'lawyer' && t.lawyerId === userId && ['resolved', 'verified', 'closed'].includes(s))
    out.push('qa');
  return out;
}

const isCategory = (v: string): v is GridCategory => (GridCategories as readonly string[]).includes(v);

function toBody(kind: GridActionBody['action'], v: FormValues): GridActionBody {
  const str = (k: string) => String(v[k] ?? '').trim();
  switch (kind) {
    case 'accept':
      return { action: 'accept' };
    case 'requestInfo':
      return { action: 'requestInfo', question: str('text') };
    case 'provideInfo':
      return { action: 'provideInfo', answer: str('text') };
    case 'return':
      return { action: 'return', reason: str('text') };
    case 'requestExtension':
      return { action: 'requestExtension', workingDays: Number(v.workingDays ?? 1), reason: str('text') };
    case 'decideExtension':
      return { action: 'decideExtension', approved: Boolean(v.approved) };
    case 'handOver':
      return {
        action: 'handOver',
        departmentId: str('departmentId'),
        leadDepartmentId: str('leadDepartmentId'),
        reason: str('text'),
      };
    case 'resolve':
      return {
        action: 'resolve',
        outcome: str('text'),
        ...(v.mediationSucceeded !== undefined ? { mediationSucceeded: Boolean(v.mediationSucceeded) } : {}),
      };
    case 'reply':
      return { action: 'reply', body: str('text') };
    case 'verify':
      return {
        action: 'verify',
        ok: v.ok !== false,
        comment: str('text'),
        photos: Array.isArray(v.photos) ? v.photos.filter((p): p is string => typeof p === 'string') : [],
      };
    case 'rate':
      return { action: 'rate', score: Number(v.score ?? 5), comment: str('text') };
    case 'dispatch':
      return {
        action: 'dispatch',
        departmentId: str('departmentId'),
        reason: str('text'),
        ...(typeof v.category === 'string' && isCategory(v.category) ? { category: v.category } : {}),
      };
  }
}

export function ActionPanel({ issue, me, userId }: { issue: GridIssueDetail; me: GridMe; userId: string }) {
  const { t } = useTranslation(['grid', 'common']);
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const { departments } = useDirectory();
  const [open, setOpen] = useState<Kind | null>(null);
  const [form] = Form.useForm<FormValues>();
  const act = useMutation({
    mutationFn: async ({ kind, values }: { kind: Kind; values: FormValues }) => {
      if (kind === 'qa') {
        await gridApi.publishQa(issue.id, {
          question: String(values.question ?? ''),
          answer: String(values.text ?? ''),
        });
        return;
      }
      await gridApi.act(issue.id, toBody(kind, values));
    },
    onSuccess: () => {
      setOpen(null);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: gridKeys.all });
      message.success(t('common:saved'));
    },
    onError: (error) => message.error(errorMessage(error)),
  });
  const kinds = offered(issue, me, userId);
  if (kinds.length === 0) return null;
  const depOptions = departments.map((d) => ({ value: d.id, label: d.name }));
  const needsText: Kind[] = [
    'requestInfo',
    'provideInfo',
    'return',
    'requestExtension',
    'handOver',
    'resolve',
    'reply',
    'verify',
    'rate',
    'dispatch',
    'qa',
  ];

  return (
    <>
      <Space wrap data-testid="grid-actions">
        {kinds.map((k) => (
          <Button
            key={k}
            type={k === 'accept' || k === 'resolve' || k === 'rate' ? 'primary' : 'default'}
            onClick={() => (k === 'accept' ? act.mutate({ kind: k, values: {} }) : setOpen(k))}
            loading={act.isPending && open === null && k === 'accept'}
            data-testid={`grid-action-${k}`}
          >
            {t(`actions.${k}`)}
          </Button>
        ))}
      </Space>
      <Modal
        open={open !== null}
        title={open ? t(`actions.${open}`) : ''}
        onCancel={() => setOpen(null)}
        onOk={() => form.submit()}
        okButtonProps={{ loading: act.isPending, id: 'grid-action-ok' }}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(values) => open && act.mutate({ kind: open, values })}>
          {open === 'handOver' && (
            <>
              <Form.Item name="departmentId" label={t('fields.toDepartment')} rules={[{ required: true }]}>
                <Select options={depOptions} />
              </Form.Item>
              <Form.Item
                name="leadDepartmentId"
                label={t('fields.leadDepartment')}
                rules={[{ required: true }]}
              >
                <Select options={depOptions} />
              </Form.Item>
            </>
          )}
          {open === 'dispatch' && (
            <>
              <Form.Item name="departmentId" label={t('fields.department')} rules={[{ required: true }]}>
                <Select options={depOptions} />
              </Form.Item>
              <Form.Item
                name="category"
                label={t('fields.category')}
                initialValue={issue.suggestedCategory ?? undefined}
              >
                <Select
                  allowClear
                  options={GridCategories.map((c) => ({ value: c, label: t(`category.${c}`) }))}
                />
              </Form.Item>
            </>
          )}
          {open === 'requestExtension' && (
            <Form.Item
              name="workingDays"
              label={t('fields.workingDays')}
              initialValue={3}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={30} />
            </Form.Item>
          )}
          {open === 'decideExtension' && (
            <Form.Item name="approved" label={t('fields.approve')} valuePropName="checked" initialValue>
              <Switch />
            </Form.Item>
          )}
          {open === 'resolve' && issue.category === 'dispute' && (
            <Form.Item
              name="mediationSucceeded"
              label={t('fields.mediationSucceeded')}
              valuePropName="checked"
              initialValue
            >
              <Switch data-testid="grid-mediation" />
            </Form.Item>
          )}
          {open === 'verify' && (
            <>
              <Form.Item name="ok" label={t('fields.verifiedOk')} valuePropName="checked" initialValue>
                <Switch />
              </Form.Item>
              <Form.Item name="photos" label={t('fields.photos')} initialValue={[]}>
                <PhotoPicker testId="grid-verify-photo-input" />
              </Form.Item>
            </>
          )}
          {open === 'rate' && (
            <Form.Item name="score" label={t('fields.rating')} initialValue={5} rules={[{ required: true }]}>
              <Rate data-testid="grid-rate" />
            </Form.Item>
          )}
          {open === 'qa' && (
            <Form.Item
              name="question"
              label={t('fields.anonymisedQuestion')}
              initialValue={issue.title}
              rules={[{ required: true }]}
            >
              <Input.TextArea rows={2} />
            </Form.Item>
          )}
          {open && needsText.includes(open) && (
            <Form.Item
              name="text"
              label={t(`textLabel.${open}`)}
              initialValue={open === 'qa' ? (issue.outcome ?? '') : undefined}
              rules={[
                { required: open !== 'rate' && open !== 'dispatch' ? true : open === 'dispatch', max: 4000 },
              ]}
            >
              <Input.TextArea rows={3} data-testid="grid-action-text" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
