import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import type { ChannelKind, ChannelSummary } from '@zhibu/shared';
import { Badge, Button, Menu, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { PresenceDot } from '../../components/PresenceDot';
import { NewChannelModal } from './Dialogs';

const ORDER: ChannelKind[] = ['announcement', 'branch', 'group', 'topic', 'groupDm', 'dm'];

/** Channels grouped by kind, each with its unread count and a red badge for mentions. */
export function ChannelSidebar({
  channels,
  activeId,
  names,
  me,
}: {
  channels: ChannelSummary[];
  activeId?: string;
  names: (c: ChannelSummary) => string;
  /** The signed-in user: a DM shows the other person's presence. */
  me?: string;
}) {
  const { t } = useTranslation('channels');
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const groups = ORDER.map((kind) => ({ kind, items: channels.filter((c) => c.kind === kind) })).filter(
    (g) => g.items.length > 0,
  );
  return (
    <div className="zb-chat-sidebar" data-testid="channel-list">
      <Space style={{ padding: '8px 12px', width: '100%', justifyContent: 'space-between' }}>
        <Typography.Text strong>{t('title')}</Typography.Text>
        <Space size={4}>
          <Button
            size="small"
            icon={<SearchOutlined />}
            aria-label={t('search')}
            onClick={() => navigate('/channels/search')}
          />
          <Button
            size="small"
            icon={<PlusOutlined />}
            aria-label={t('newChannel')}
            onClick={() => setCreating(true)}
          />
        </Space>
      </Space>
      <Menu
        mode="inline"
        selectedKeys={activeId ? [activeId] : []}
        onClick={({ key }) => navigate(`/channels/${key}`)}
        items={groups.map((g) => ({
          type: 'group' as const,
          key: g.kind,
          label: t(`kind.${g.kind}`),
          children: g.items.map((c) => ({
            key: c.id,
            label: (
              <span className="zb-chat-channel-item" data-channel-id={c.id} data-kind={c.kind}>
                <span className={c.unread > 0 ? 'zb-chat-unread-name' : undefined}>
                  {c.kind === 'dm' && <DmPresence channel={c} me={me} />}
                  {c.kind === 'dm' || c.kind === 'groupDm' ? '' : '# '}
                  {names(c)}
                </span>
                {c.mentions > 0 ? (
                  <Badge
                    count={c.mentions}
                    size="small"
                    title={t('mentionsBadge', { count: c.mentions })}
                    data-testid="mention-badge"
                  />
                ) : c.unread > 0 ? (
                  <Badge
                    count={c.unread}
                    size="small"
                    color="#8c8c8c"
                    overflowCount={99}
                    title={t('unreadBadge', { count: c.unread })}
                    data-testid="unread-badge"
                  />
                ) : null}
              </span>
            ),
          })),
        }))}
      />
      {creating && <NewChannelModal onClose={() => setCreating(false)} />}
    </div>
  );
}

function DmPresence({ channel, me }: { channel: ChannelSummary; me?: string }) {
  const other = channel.memberIds.find((id) => id !== me);
  return other ? <PresenceDot userId={other} /> : null;
}
