import { FlagOutlined, PushpinOutlined, SettingOutlined, TeamOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import type { ChannelSummary } from '@zhibu/shared';
import { Alert, Button, Space, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { channelKeys, channelsApi } from './api';
import { Composer } from './Composer';
import { EditHistoryModal, PinsDrawer, ReportsDrawer, SettingsModal } from './Dialogs';
import { MembersDrawer } from './MembersDrawer';
import { MessageList } from './MessageList';
import { useTyping } from './realtime';
import { useChat } from './store';
import { ThreadPanel } from './ThreadPanel';

/** One channel: header, messages, typing line, composer, thread panel and the channel's drawers. */
export function ChannelView({ channel, me, title }: { channel: ChannelSummary; me: string; title: string }) {
  const { t } = useTranslation('channels');
  const store = useChat();
  const [params, setParams] = useSearchParams();
  const [edits, setEdits] = useState<string | null>(null);
  const [drawer, setDrawer] = useState<'pins' | 'settings' | 'reports' | 'members' | null>(null);
  const threadId = params.get('thread');
  const jumpSeq = params.get('seq') ? Number(params.get('seq')) : undefined;
  const typing = useTyping(channel.id, null, me);

  const members = useQuery({
    queryKey: channelKeys.members(channel.id),
    queryFn: () => channelsApi.members(channel.id),
    staleTime: 60_000,
  });
  const memberList = members.data?.items ?? [];
  const names = useMemo(() => new Map(memberList.map((m) => [m.id, m.displayName])), [memberList]);

  useEffect(() => {
    void store.open(channel.id, jumpSeq && Number.isFinite(jumpSeq) ? jumpSeq : undefined);
  }, [channel.id, jumpSeq, store]);

  const view = store.view(channel.id);
  const onSeenBottom = useCallback(() => store.markRead(channel.id), [store, channel.id]);
  const openThread = useCallback(
    (rootId: string) =>
      setParams((p) => {
        const next = new URLSearchParams(p);
        next.set('thread', rootId);
        return next;
      }),
    [setParams],
  );
  const closeThread = () =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.delete('thread');
      return next;
    });

  return (
    <div className="zb-chat-main">
      <div className="zb-chat-header">
        <div>
          <Typography.Title level={5} style={{ margin: 0 }} data-testid="channel-title">
            {title}
          </Typography.Title>
          {channel.topic && <Typography.Text type="secondary">{channel.topic}</Typography.Text>}
        </div>
        <Space>
          <Tooltip title={t('memberList')}>
            <Button
              icon={<TeamOutlined />}
              onClick={() => setDrawer('members')}
              aria-label={t('memberList')}
              data-testid="open-members"
            />
          </Tooltip>
          <Tooltip title={t('pinnedList')}>
            <Button
              icon={<PushpinOutlined />}
              onClick={() => setDrawer('pins')}
              aria-label={t('pinnedList')}
            />
          </Tooltip>
          {channel.canModerate && (
            <>
              <Tooltip title={t('reviewQueue')}>
                <Button
                  icon={<FlagOutlined />}
                  onClick={() => setDrawer('reports')}
                  aria-label={t('reviewQueue')}
                />
              </Tooltip>
              {channel.kind !== 'dm' && (
                <Tooltip title={t('settings')}>
                  <Button
                    icon={<SettingOutlined />}
                    onClick={() => setDrawer('settings')}
                    aria-label={t('settings')}
                  />
                </Tooltip>
              )}
            </>
          )}
        </Space>
      </div>
      {!store.connected && (
        <Alert type="warning" banner showIcon message={t('reconnecting')} data-testid="reconnecting" />
      )}
      {channel.archived && <Alert type="info" banner message={t('archivedNotice')} />}
      <MessageList
        messages={view?.messages ?? []}
        hasOlder={view?.hasOlder ?? false}
        hasNewer={view?.hasNewer ?? false}
        loading={view?.loading ?? true}
        highlightSeq={jumpSeq}
        onLoadOlder={() => store.loadOlder(channel.id)}
        onLoadNewer={() => store.loadNewer(channel.id)}
        onSeenBottom={onSeenBottom}
        names={names}
        me={me}
        canPost={channel.canPost}
        canModerate={channel.canModerate}
        onOpenThread={openThread}
        onShowEdits={setEdits}
      />
      <div className="zb-chat-typing">
        {typing.length > 0 &&
          t('typing', { names: typing.map((u) => names.get(u) ?? t('someone')).join('、') })}
      </div>
      {channel.canPost ? (
        <Composer channelId={channel.id} members={memberList.filter((m) => m.id !== me)} />
      ) : (
        <Typography.Text type="secondary" className="zb-chat-readonly">
          {channel.archived ? t('archivedNotice') : t('readOnly')}
        </Typography.Text>
      )}
      {threadId && /^[0-9a-f]{24}$/.test(threadId) && (
        <ThreadPanel
          rootId={threadId}
          channelId={channel.id}
          me={me}
          names={names}
          members={memberList.filter((m) => m.id !== me)}
          canPost={channel.canPost}
          canModerate={channel.canModerate}
          onClose={closeThread}
          onShowEdits={setEdits}
        />
      )}
      {edits && <EditHistoryModal messageId={edits} names={names} onClose={() => setEdits(null)} />}
      {drawer === 'pins' && (
        <PinsDrawer
          channelId={channel.id}
          names={names}
          onClose={() => setDrawer(null)}
          onJump={(seq) => {
            setDrawer(null);
            setParams({ seq: String(seq) });
          }}
        />
      )}
      {drawer === 'settings' && <SettingsModal channel={channel} onClose={() => setDrawer(null)} />}
      {drawer === 'reports' && <ReportsDrawer onClose={() => setDrawer(null)} />}
      {drawer === 'members' && (
        <MembersDrawer
          members={memberList}
          me={me}
          loading={members.isLoading}
          onClose={() => setDrawer(null)}
        />
      )}
    </div>
  );
}
