import { PaperClipOutlined, SendOutlined, SmileOutlined } from '@ant-design/icons';
import { type Attachment, ChannelLimits } from '@zhibu/shared';
import { App, Button, Checkbox, Mentions, Popover, Space, Tag } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newClientId } from '../../api/client-id';
import { getSocket } from '../../realtime/socket';
import { uploadAttachment } from './api';
import { EmojiPicker } from './MessageItem';
import { sendMessage } from './realtime';

interface Props {
  channelId: string;
  members: ReadonlyArray<{ id: string; displayName: string }>;
  threadRootId?: string;
  disabled?: boolean;
  placeholder?: string;
}

const ALL = '__all__';

/** The message box: @mentions (people and @所有人), emoji, files, Enter to send, Shift+Enter for a new line. */
export function Composer({ channelId, members, threadRootId, disabled, placeholder }: Props) {
  const { t } = useTranslation(['channels', 'errors']);
  const { message: toast } = App.useApp();
  const [text, setText] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const [alsoToChannel, setAlsoToChannel] = useState(false);
  const [sending, setSending] = useState(false);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const picked = useRef(new Map<string, string>());
  const lastTyping = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const allLabel = t('channels:mentionAll');

  const toWire = (value: string) => {
    let out = value.replaceAll(`@${allLabel}`, '<@all>');
    // Longest names first, so "@王小明" is not taken for "@王小".
    const names = [...picked.current.entries()].sort((a, b) => b[0].length - a[0].length);
    for (const [name, id] of names) out = out.replaceAll(`@${name}`, `<@${id}>`);
    return out;
  };

  const send = async () => {
    const wire = toWire(text);
    if ((wire.trim() === '' && files.length === 0) || sending) return;
    if (wire.length > ChannelLimits.messageMaxChars) {
      toast.error(t('channels:errors.MESSAGE_TOO_LONG'));
      return;
    }
    setSending(true);
    const ack = await sendMessage({
      channelId,
      clientId: newClientId(),
      text: wire,
      ...(threadRootId ? { threadRootId, alsoToChannel } : {}),
      ...(files.length > 0 ? { attachmentIds: files.map((f) => f.id) } : {}),
    });
    setSending(false);
    if (ack.ok) {
      setText('');
      setFiles([]);
      picked.current.clear();
    } else {
      toast.error(t([`channels:errors.${ack.error.code}`, `errors:${ack.error.code}`, 'errors:UNKNOWN']));
    }
  };

  const onChange = (value: string) => {
    setText(value);
    const now = Date.now();
    if (now - lastTyping.current > 2000) {
      lastTyping.current = now;
      getSocket().emit('typing', threadRootId ? { channelId, threadRootId } : { channelId });
    }
  };

  const onFiles = async (list: FileList | null) => {
    if (!list) return;
    for (const file of [...list].slice(0, ChannelLimits.attachmentsPerMessage - files.length)) {
      if (file.size > ChannelLimits.attachmentMaxBytes) {
        toast.error(t('channels:errors.ATTACHMENT_TOO_LARGE'));
        continue;
      }
      try {
        const uploaded = await uploadAttachment(channelId, file);
        setFiles((f) => [...f, uploaded]);
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'UNKNOWN';
        toast.error(t([`channels:errors.${code}`, `errors:${code}`, 'errors:UNKNOWN']));
      }
    }
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <div className="zb-chat-composer" data-testid="composer">
      {files.length > 0 && (
        <Space wrap size={4} style={{ marginBottom: 4 }}>
          {files.map((f) => (
            <Tag key={f.id} closable onClose={() => setFiles((all) => all.filter((x) => x.id !== f.id))}>
              {f.name}
            </Tag>
          ))}
        </Space>
      )}
      <Mentions
        autoSize={{ minRows: 1, maxRows: 8 }}
        value={text}
        disabled={disabled}
        placeholder={placeholder ?? t('channels:composerPlaceholder')}
        onChange={onChange}
        onSelect={(option) => {
          if (option.key && option.key !== ALL && typeof option.value === 'string')
            picked.current.set(option.value, option.key);
        }}
        options={[
          { key: ALL, value: allLabel, label: `@${allLabel}` },
          ...members.map((m) => ({ key: m.id, value: m.displayName, label: m.displayName })),
        ]}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            // Mentions handles Enter itself while its option list is open.
            const open = document.querySelector('.ant-mentions-dropdown:not(.ant-mentions-dropdown-hidden)');
            if (!open) {
              e.preventDefault();
              void send();
            }
          }
        }}
        aria-label={t('channels:composerPlaceholder')}
      />
      <div className="zb-chat-composer-bar">
        <Space size={4}>
          <Popover
            open={emojiOpen}
            onOpenChange={setEmojiOpen}
            trigger="click"
            content={
              <EmojiPicker
                onPick={(e) => {
                  setText((x) => x + e);
                  setEmojiOpen(false);
                }}
              />
            }
          >
            <Button
              type="text"
              icon={<SmileOutlined />}
              aria-label={t('channels:emoji')}
              disabled={disabled}
            />
          </Popover>
          <Button
            type="text"
            icon={<PaperClipOutlined />}
            aria-label={t('channels:attach')}
            disabled={disabled}
            onClick={() => fileInput.current?.click()}
          />
          <input ref={fileInput} type="file" multiple hidden onChange={(e) => void onFiles(e.target.files)} />
          {threadRootId && (
            <Checkbox checked={alsoToChannel} onChange={(e) => setAlsoToChannel(e.target.checked)}>
              {t('channels:alsoToChannel')}
            </Checkbox>
          )}
        </Space>
        <Button
          type="primary"
          icon={<SendOutlined />}
          loading={sending}
          disabled={disabled}
          onClick={() => void send()}
        >
          {t('channels:send')}
        </Button>
      </div>
    </div>
  );
}
