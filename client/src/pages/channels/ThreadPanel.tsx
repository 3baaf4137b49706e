import type { Message } from '@zhibu/shared';
import { Button, Divider, Drawer, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { channelsApi } from './api';
import { Composer } from './Composer';
import { MessageItem } from './MessageItem';
import { useTyping } from './realtime';
import { useChat } from './store';

interface Props {
  rootId: string;
  channelId: string;
  me: string;
  names: ReadonlyMap<string, string>;
  members: ReadonlyArray<{ id: string; displayName: string }>;
  canPost: boolean;
  canModerate: boolean;
  onClose: () => void;
  onShowEdits: (id: string) => void;
}

/** A thread: its root, replies in order (live), follow / unfollow, and a reply box. */
export function ThreadPanel(props: Props) {
  const { rootId, me, names } = props;
  const { t } = useTranslation('channels');
  const store = useChat();
  const [root, setRoot] = useState<Message | null>(null);
  const [following, setFollowing] = useState(false);
  const typing = useTyping(props.channelId, rootId, me);

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per thread; the store and callbacks are stable enough
  useEffect(() => {
    let alive = true;
    store.openThread(rootId).then(
      (view) => {
        if (!alive) return;
        setRoot(view.root);
        setFollowing(view.following);
      },
      () => props.onClose(),
    );
    return () => {
      alive = false;
      store.closeThread(rootId);
    };
  }, [rootId]);

  const replies = store.thread(rootId) ?? [];
  const liveRoot = store.view(props.channelId)?.messages.find((m) => m.id === rootId) ?? root;

  return (
    <Drawer
      open
      onClose={props.onClose}
      width={480}
      title={t('thread')}
      destroyOnHidden
      data-testid="thread-panel"
    >
      {!liveRoot ? (
        <Spin />
      ) : (
        <>
          <MessageItem {...props} message={liveRoot} inThread />
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography.Text type="secondary">{t('replies', { count: replies.length })}</Typography.Text>
            <Button
              size="small"
              onClick={async () => setFollowing((await channelsApi.follow(rootId, !following)).following)}
            >
              {following ? t('unfollow') : t('follow')}
            </Button>
          </div>
          <Divider style={{ margin: '8px 0' }} />
          {replies.map((m) => (
            <MessageItem key={m.id} {...props} message={m} inThread />
          ))}
          {typing.length > 0 && (
            <Typography.Text type="secondary">
              {t('typing', { names: typing.map((u) => names.get(u) ?? t('someone')).join('、') })}
            </Typography.Text>
          )}
          {props.canPost && (
            <Composer
              channelId={props.channelId}
              members={props.members}
              threadRootId={rootId}
              placeholder={t('replyPlaceholder')}
            />
          )}
        </>
      )}
    </Drawer>
  );
}
