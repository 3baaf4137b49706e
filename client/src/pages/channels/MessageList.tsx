import { useVirtualizer } from '@tanstack/react-virtual';
import type { Message } from '@zhibu/shared';
import { Button, Empty, Spin } from 'antd';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageItem, type MessageItemProps } from './MessageItem';

interface Props extends Omit<MessageItemProps, 'message' | 'highlighted'> {
  messages: Message[];
  hasOlder: boolean;
  hasNewer: boolean;
  loading: boolean;
  highlightSeq?: number;
  onLoadOlder: () => Promise<void>;
  onLoadNewer: () => Promise<void>;
  /** Called while the newest message is in view (to mark the channel read). */
  onSeenBottom: () => void;
}

/**
 * The channel's messages, virtualized (only the rows in view are in the DOM, so thousands scroll
 * smoothly). Sticks to the bottom while the reader is there, loads older pages at the top, and keeps the
 * reader's place when a page is prepended.
 */
export function MessageList(props: Props) {
  const { messages, hasOlder, hasNewer, loading, highlightSeq } = props;
  const { t } = useTranslation('channels');
  const parent = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const firstId = useRef<string | null>(null);
  const lastId = useRef<string | null>(null);
  const loadingOlder = useRef(false);

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 72,
    overscan: 12,
    getItemKey: (i) => messages[i]?.id ?? i,
  });

  // Keep the place when older messages are prepended; follow new ones when the reader is at the bottom.
  useLayoutEffect(() => {
    const first = messages[0]?.id ?? null;
    const last = messages.at(-1)?.id ?? null;
    if (firstId.current && first !== firstId.current) {
      const index = messages.findIndex((m) => m.id === firstId.current);
      if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' });
    } else if (
      last !== lastId.current &&
      (atBottom || lastId.current === null) &&
      highlightSeq === undefined
    ) {
      if (messages.length > 0) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
    }
    firstId.current = first;
    lastId.current = last;
  }, [messages, atBottom, virtualizer, highlightSeq]);

  useEffect(() => {
    if (highlightSeq === undefined) return;
    const index = messages.findIndex((m) => m.seq === highlightSeq);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
  }, [highlightSeq, messages, virtualizer]);

  const { onSeenBottom } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new message at the bottom is seen, so it marks read again
  useEffect(() => {
    if (atBottom && !hasNewer && document.visibilityState === 'visible') onSeenBottom();
  }, [atBottom, hasNewer, messages.length, onSeenBottom]);

  const onScroll = () => {
    const el = parent.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (bottom !== atBottom) setAtBottom(bottom);
    if (el.scrollTop < 300 && hasOlder && !loadingOlder.current) {
      loadingOlder.current = true;
      void props.onLoadOlder().finally(() => {
        loadingOlder.current = false;
      });
    }
    if (bottom && hasNewer) void props.onLoadNewer();
  };

  if (!loading && messages.length === 0) {
    return (
      <div className="zb-chat-list">
        <Empty description={t('noMessages')} style={{ marginTop: 64 }} />
      </div>
    );
  }

  return (
    <div className="zb-chat-list-wrap">
      <div ref={parent} className="zb-chat-list" onScroll={onScroll} data-testid="message-list">
        {loading && messages.length === 0 && <Spin style={{ display: 'block', margin: 32 }} />}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const message = messages[row.index]!;
            return (
              <div
                key={row.key}
                data-index={row.index}
                ref={virtualizer.measureElement}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${row.start}px)`,
                }}
              >
                <MessageItem {...props} message={message} highlighted={message.seq === highlightSeq} />
              </div>
            );
          })}
        </div>
      </div>
      {!atBottom && (
        <Button
          className="zb-chat-jump"
          shape="round"
          onClick={() => {
            if (hasNewer) void props.onLoadNewer();
            virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
          }}
        >
          {t('jumpToLatest')}
        </Button>
      )}
    </div>
  );
}
