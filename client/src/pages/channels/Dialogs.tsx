import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelSummary, UpdateChannelBody } from '@zhibu/shared';
import {
  App,
  Button,
  Drawer,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Switch,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../time/dayjs';
import { channelKeys, channelsApi } from './api';
import { BranchSelect, useLeadableBranches } from './BranchSelect';
import { MessageText } from './MessageText';
import { PeopleSelect } from './PeopleSelect';
import { chat } from './store';

export function EditHistoryModal({
  messageId,
  names,
  onClose,
}: {
  messageId: string;
  names: ReadonlyMap<string, string>;
  onClose: () => void;
}) {
  const { t } = useTranslation('channels');
  const edits = useQuery({
    queryKey: channelKeys.edits(messageId),
    queryFn: () => channelsApi.edits(messageId),
  });
  return (
    <Modal open title={t('editHistory')} onCancel={onClose} footer={null}>
      <Timeline
        items={(edits.data?.items ?? []).map((e) => ({
          children: (
            <div>
              <Typography.Text type="secondary">
                v{e.version} · {formatDateTime(e.at)}
              </Typography.Text>
              <div>
                <MessageText text={e.text} names={names} />
              </div>
            </div>
          ),
        }))}
      />
    </Modal>
  );
}

export function PinsDrawer({
  channelId,
  names,
  onClose,
  onJump,
}: {
  channelId: string;
  names: ReadonlyMap<string, string>;
  onClose: () => void;
  onJump: (seq: number) => void;
}) {
  const { t } = useTranslation('channels');
  const pins = useQuery({
    queryKey: channelKeys.pins(channelId),
    queryFn: () => channelsApi.pins(channelId),
  });
  return (
    <Drawer open onClose={onClose} title={t('pinnedList')} width={420}>
      <List
        loading={pins.isLoading}
        dataSource={pins.data?.items ?? []}
        locale={{ emptyText: t('noPins') }}
        renderItem={(m) => (
          <List.Item
            actions={
              m.seq !== null
                ? [
                    <Button key="jump" size="small" onClick={() => onJump(m.seq!)}>
                      {t('jump')}
                    </Button>,
                  ]
                : []
            }
          >
            <List.Item.Meta
              title={`${m.authorName} · ${formatDateTime(m.createdAt)}`}
              description={<MessageText text={m.text} names={names} />}
            />
          </List.Item>
        )}
      />
    </Drawer>
  );
}

export function SettingsModal({ channel, onClose }: { channel: ChannelSummary; onClose: () => void }) {
  const { t } = useTranslation(['channels', 'errors']);
  const { message: toast } = App.useApp();
  const [form] = Form.useForm<UpdateChannelBody>();
  const save = useMutation({
    mutationFn: (body: UpdateChannelBody) => channelsApi.update(channel.id, body),
    onSuccess: () => {
      void chat.loadList();
      onClose();
    },
    onError: (e: { code?: string }) => toast.error(t([`errors:${e.code ?? 'UNKNOWN'}`, 'errors:UNKNOWN'])),
  });
  return (
    <Modal
      open
      title={t('channels:settings')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          name: channel.name,
          topic: channel.topic,
          archived: channel.archived,
          slowModeSeconds: channel.slowModeSeconds,
          mentionAll: channel.mentionAll,
        }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="name" label={t('channels:name')} rules={[{ required: true, max: 60 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="topic" label={t('channels:topic')} rules={[{ max: 500 }]}>
          <Input.TextArea autoSize />
        </Form.Item>
        <Form.Item name="slowModeSeconds" label={t('channels:slowMode')}>
          <InputNumber min={0} max={3600} addonAfter={t('channels:seconds')} />
        </Form.Item>
        <Form.Item name="mentionAll" label={t('channels:mentionAllPolicy')}>
          <Radio.Group
            options={(['leaders', 'members', 'nobody'] as const).map((p) => ({
              value: p,
              label: t(`channels:policy.${p}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="archived" label={t('channels:archived')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function NewChannelModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['channels', 'errors']);
  const { message: toast } = App.useApp();
  const navigate = useNavigate();
  const { user } = useAuth();
  const me = user?.id ?? '';
  const [kind, setKind] = useState<'dm' | 'groupDm' | 'topic'>('dm');
  const [name, setName] = useState('');
  const [people, setPeople] = useState<string[]>([]);
  const [branchIds, setBranchIds] = useState<string[]>([]);
  const [person, setPerson] = useState<string | undefined>(undefined);
  const branches = useLeadableBranches('');
  const create = useMutation({
    mutationFn: async () =>
      kind === 'dm'
        ? channelsApi.openDm(person ?? '')
        : channelsApi.create({
            kind,
            name: name.trim(),
            memberIds: people,
            ...(kind === 'topic' && branchIds.length > 0 ? { branchIds } : {}),
          }),
    onSuccess: async (c) => {
      await chat.loadList();
      onClose();
      navigate(`/channels/${c.id}`);
    },
    onError: (e: { code?: string }) => toast.error(t([`errors:${e.code ?? 'UNKNOWN'}`, 'errors:UNKNOWN'])),
  });
  return (
    <Modal
      open
      title={t('channels:newChannel')}
      onCancel={onClose}
      onOk={() => create.mutate()}
      okButtonProps={{ disabled: kind === 'dm' ? !person : name.trim() === '' }}
      confirmLoading={create.isPending}
    >
      <Form layout="vertical">
        <Form.Item label={t('channels:kindLabel')}>
          <Radio.Group
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            options={[
              { value: 'dm', label: t('channels:kind.dm') },
              { value: 'groupDm', label: t('channels:kind.groupDm') },
              { value: 'topic', label: t('channels:kind.topic') },
            ]}
          />
        </Form.Item>
        {kind === 'dm' ? (
          <Form.Item label={t('channels:person')}>
            <PeopleSelect value={person} onChange={setPerson} excludeIds={[me]} data-testid="dm-person" />
          </Form.Item>
        ) : (
          <>
            <Form.Item label={t('channels:name')} required htmlFor="new-channel-name">
              <Input
                id="new-channel-name"
                value={name}
                maxLength={60}
                onChange={(e) => setName(e.target.value)}
              />
            </Form.Item>
            {kind === 'topic' && branches.leadsAny && (
              <Form.Item label={t('channels:topicBranches')} extra={t('channels:topicBranchesHint')}>
                <BranchSelect value={branchIds} onChange={setBranchIds} />
              </Form.Item>
            )}
            <Form.Item
              label={kind === 'topic' ? t('channels:invitedPeople') : t('channels:people')}
              extra={kind === 'topic' ? t('channels:invitedPeopleHint') : undefined}
            >
              <PeopleSelect
                multiple
                value={people}
                onChange={setPeople}
                excludeIds={[me]}
                data-testid="channel-people"
              />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

export function ReportsDrawer({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('channels');
  const client = useQueryClient();
  const reports = useQuery({ queryKey: channelKeys.reports, queryFn: () => channelsApi.reports() });
  const resolve = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'hide' | 'dismiss' }) =>
      channelsApi.resolve(id, action),
    onSuccess: () => client.invalidateQueries({ queryKey: channelKeys.reports }),
  });
  return (
    <Drawer open onClose={onClose} title={t('reviewQueue')} width={520}>
      <List
        loading={reports.isLoading}
        dataSource={reports.data?.items ?? []}
        locale={{ emptyText: t('noReports') }}
        renderItem={(r) => (
          <List.Item
            actions={[
              <Button
                key="hide"
                danger
                size="small"
                onClick={() => resolve.mutate({ id: r.message.id, action: 'hide' })}
              >
                {t('hide')}
              </Button>,
              <Button
                key="dismiss"
                size="small"
                onClick={() => resolve.mutate({ id: r.message.id, action: 'dismiss' })}
              >
                {t('dismiss')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={`${r.channelName} · ${r.message.authorName} · ${formatDateTime(r.createdAt)}`}
              description={
                <>
                  <Typography.Paragraph style={{ marginBottom: 4 }}>{r.message.text}</Typography.Paragraph>
                  <Typography.Text type="secondary">
                    {t('reason')}: {r.reason}
                  </Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
    </Drawer>
  );
}
