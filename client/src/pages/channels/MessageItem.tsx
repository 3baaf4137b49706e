import { CommentOutlined, MoreOutlined, PushpinFilled, SmileOutlined } from '@ant-design/icons';
import type { Message } from '@zhibu/shared';
import { App, Avatar, Button, Dropdown, Input, Popover, Space, Tag, Tooltip, Typography } from 'antd';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PresenceDot } from '../../components/PresenceDot';
import { formatDateTime, fromNow, inUserZone } from '../../time/dayjs';
import { Attachments } from './Attachments';
import { channelsApi } from './api';
import { MessageText } from './MessageText';
import { emitAck } from './realtime';

export const EMOJIS = ['👍', '❤️', '😂', '🎉', '👏', '🙏', '💪', '🤔', '✅', '🌹', '🔥', '😄'];

export interface MessageItemProps {
  message: Message;
  names: ReadonlyMap<string, string>;
  me: string;
  canPost: boolean;
  canModerate: boolean;
  highlighted?: boolean;
  inThread?: boolean;
  onOpenThread?: (rootId: string) => void;
  onShowEdits?: (messageId: string) => void;
}

function useErrorText() {
  const { t } = useTranslation(['channels', 'errors']);
  return (code: string) => t([`channels:errors.${code}`, `errors:${code}`, 'errors:UNKNOWN']);
}

export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <div className="zb-chat-emoji-grid">
      {EMOJIS.map((e) => (
        <button key={e} type="button" className="zb-chat-emoji" onClick={() => onPick(e)}>
          {e}
        </button>
      ))}
    </div>
  );
}

/** One message: author, time, text, files, reactions, thread summary, and what the user may do with it. */
export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { message: m, names, me, canPost, canModerate } = props;
  const { t } = useTranslation('channels');
  const { message: toast, modal } = App.useApp();
  const errorText = useErrorText();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.text);
  const [picking, setPicking] = useState(false);
  const mine = m.authorId === me;
  const gone = m.deletedAt !== null || (m.hidden && !canModerate);

  const run = async (event: string, payload: unknown) => {
    const ack = await emitAck(event, payload);
    if (!ack.ok) toast.error(errorText(ack.error.code));
    return ack.ok;
  };
  const react = (emoji: string) => {
    setPicking(false);
    const already = m.reactions.find((r) => r.emoji === emoji)?.userIds.includes(me);
    void run(already ? 'reaction:remove' : 'reaction:add', { messageId: m.id, emoji });
  };
  const saveEdit = async () => {
    if (draft.trim() === '' || draft === m.text) return setEditing(false);
    if (await run('message:edit', { messageId: m.id, text: draft })) setEditing(false);
  };
  const report = () => {
    let reason = '';
    modal.confirm({
      title: t('reportTitle'),
      content: (
        <Input.TextArea
          maxLength={500}
          onChange={(e) => (reason = e.target.value)}
          placeholder={t('reportReason')}
        />
      ),
      onOk: async () => {
        if (!reason.trim()) return;
        await channelsApi.report(m.id, reason.trim());
        toast.success(t('reported'));
      },
    });
  };

  const menu = [
    !props.inThread && m.threadRootId === null ? { key: 'thread', label: t('replyInThread') } : null,
    canPost && !gone ? { key: m.pinned ? 'unpin' : 'pin', label: m.pinned ? t('unpin') : t('pin') } : null,
    mine && !gone ? { key: 'edit', label: t('edit') } : null,
    m.version > 1 || (m.deletedAt && canModerate) ? { key: 'history', label: t('editHistory') } : null,
    (mine || canModerate) && !m.deletedAt ? { key: 'delete', label: t('delete'), danger: true } : null,
    canModerate && !m.hidden && !m.deletedAt ? { key: 'hide', label: t('hide') } : null,
    !mine && !gone ? { key: 'report', label: t('report') } : null,
    canModerate && !mine ? { key: 'mute', label: t('muteAuthor') } : null,
  ].filter((x): x is NonNullable<typeof x> => x !== null);

  const onMenu = ({ key }: { key: string }) => {
    if (key === 'thread') props.onOpenThread?.(m.id);
    else if (key === 'pin') void run('pin:add', { messageId: m.id });
    else if (key === 'unpin') void run('pin:remove', { messageId: m.id });
    else if (key === 'edit') {
      setDraft(m.text);
      setEditing(true);
    } else if (key === 'history') props.onShowEdits?.(m.id);
    else if (key === 'delete')
      modal.confirm({
        title: t('deleteConfirm'),
        okButtonProps: { danger: true },
        onOk: () => run('message:delete', { messageId: m.id }),
      });
    else if (key === 'hide') void channelsApi.hide(m.id).catch(() => toast.error(errorText('FORBIDDEN')));
    else if (key === 'report') report();
    else if (key === 'mute')
      void channelsApi
        .mute(m.channelId, m.authorId, 60)
        .then(() => toast.success(t('muted')))
        .catch(() => toast.error(errorText('FORBIDDEN')));
  };

  const created = inUserZone(m.createdAt);
  return (
    <div
      className={`zb-chat-message${props.highlighted ? ' zb-chat-highlight' : ''}`}
      data-message-id={m.id}
      data-seq={m.seq ?? ''}
    >
      <span className="zb-chat-avatar-wrap">
        <Avatar size={32} className="zb-chat-avatar">
          {(m.authorName || '?').slice(-2)}
        </Avatar>
        {!mine && <PresenceDot userId={m.authorId} overlay />}
      </span>
      <div className="zb-chat-body">
        <div className="zb-chat-meta">
          <Typography.Text strong>{m.authorName || t('someone')}</Typography.Text>
          <Tooltip title={formatDateTime(m.createdAt)}>
            <Typography.Text type="secondary" className="zb-chat-time">
              {created.format('HH:mm')}
            </Typography.Text>
          </Tooltip>
          {m.editedAt && !m.deletedAt && <Typography.Text type="secondary">{t('edited')}</Typography.Text>}
          {m.pinned && <PushpinFilled className="zb-chat-pin" title={t('pinned')} />}
          {m.alsoToChannel && m.threadRootId && <Tag>{t('fromThread')}</Tag>}
        </div>
        {m.deletedAt ? (
          <Typography.Text type="secondary" italic>
            {t('deleted')}
          </Typography.Text>
        ) : m.hidden && !canModerate ? (
          <Typography.Text type="secondary" italic>
            {t('hidden')}
          </Typography.Text>
        ) : editing ? (
          <Space.Compact style={{ width: '100%' }}>
            <Input.TextArea
              autoSize
              value={draft}
              maxLength={4000}
              onChange={(e) => setDraft(e.target.value)}
              onPressEnter={(e) => {
                if (!e.shiftKey) {
                  e.preventDefault();
                  void saveEdit();
                }
              }}
            />
            <Button type="primary" onClick={() => void saveEdit()}>
              {t('save')}
            </Button>
            <Button onClick={() => setEditing(false)}>{t('cancel')}</Button>
          </Space.Compact>
        ) : (
          <div className={m.hidden ? 'zb-chat-hidden-text' : undefined}>
            <MessageText text={m.text} names={names} />
            <Attachments files={m.attachments} />
          </div>
        )}
        {m.reactions.length > 0 && (
          <Space size={4} wrap className="zb-chat-reactions">
            {m.reactions.map((r) => (
              <Tooltip key={r.emoji} title={r.userIds.map((u) => names.get(u) ?? t('someone')).join('、')}>
                <Button
                  size="small"
                  type={r.userIds.includes(me) ? 'primary' : 'default'}
                  ghost={r.userIds.includes(me)}
                  onClick={() => react(r.emoji)}
                  aria-label={`${r.emoji} ${r.count}`}
                >
                  {r.emoji} {r.count}
                </Button>
              </Tooltip>
            ))}
          </Space>
        )}
        {!props.inThread && m.thread && m.thread.replyCount > 0 && (
          <Button
            type="link"
            size="small"
            icon={<CommentOutlined />}
            onClick={() => props.onOpenThread?.(m.id)}
            className="zb-chat-thread-link"
          >
            {t('replies', { count: m.thread.replyCount })}
            {m.thread.lastReplyAt ? ` · ${fromNow(m.thread.lastReplyAt)}` : ''}
          </Button>
        )}
      </div>
      {!gone && (
        <div className="zb-chat-actions">
          <Popover
            open={picking}
            onOpenChange={setPicking}
            trigger="click"
            content={<EmojiPicker onPick={react} />}
          >
            <Button size="small" type="text" icon={<SmileOutlined />} aria-label={t('react')} />
          </Popover>
          {!props.inThread && m.threadRootId === null && (
            <Button
              size="small"
              type="text"
              icon={<CommentOutlined />}
              aria-label={t('replyInThread')}
              onClick={() => props.onOpenThread?.(m.id)}
            />
          )}
          {menu.length > 0 && (
            <Dropdown menu={{ items: menu, onClick: onMenu }} trigger={['click']}>
              <Button size="small" type="text" icon={<MoreOutlined />} aria-label={t('more')} />
            </Dropdown>
          )}
        </div>
      )}
    </div>
  );
});
