import type { Ack, ChannelEvent, ChannelSummary, Message, ReadState, SyncResult } from '@zhibu/shared';
import { useSyncExternalStore } from 'react';
import { getSocket } from '../../realtime/socket';
import { channelsApi } from './api';

/** One open channel's loaded window of messages (sorted by seq) and paging state. */
export interface ChannelView {
  messages: Message[];
  hasOlder: boolean;
  hasNewer: boolean;
  loading: boolean;
}

interface ChannelEntry {
  summary: ChannelSummary;
  /** Highest event applied without a gap: catch-up asks for everything after it. */
  lastEventSeq: number;
  /** Events that arrived ahead of a gap, applied once the gap is filled. */
  ahead: Map<number, ChannelEvent>;
  /** When the current gap was first seen after a replay (null: no gap). */
  gapSince: number | null;
  view: ChannelView | null;
}

type Listener = () => void;

const upsertSorted = (list: Message[], message: Message): Message[] => {
  const i = list.findIndex((m) => m.id === message.id);
  if (i >= 0) {
    const next = list.slice();
    next[i] = message;
    return next;
  }
  const next = [...list, message];
  next.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return next;
};

/**
 * The client's chat state: channel summaries (unread, mentions), loaded message windows, open threads.
 * Live events are applied in `eventSeq` order per channel, each once; a gap (an event missed while
 * disconnected or delivered late) triggers a `sync` that replays the channel's log from the last applied
 * event, so after any reconnect the state matches the server's.
 */
class ChatStore {
  private channels = new Map<string, ChannelEntry>();
  private threads = new Map<string, Message[]>();
  private listeners = new Set<Listener>();
  private version = 0;
  private syncing = new Set<string>();
  userId = '';
  connected = true;
  listLoaded = false;

  subscribe = (listener: Listener) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getVersion = () => this.version;
  private emit() {
    this.version += 1;
    for (const l of this.listeners) l();
  }

  summaries(): ChannelSummary[] {
    return [...this.channels.values()].map((c) => c.summary);
  }
  summary(id: string): ChannelSummary | undefined {
    return this.channels.get(id)?.summary;
  }
  view(id: string): ChannelView | null {
    return this.channels.get(id)?.view ?? null;
  }
  thread(rootId: string): Message[] | undefined {
    return this.threads.get(rootId);
  }

  setConnected(connected: boolean) {
    this.connected = connected;
    this.emit();
  }

  async loadList(): Promise<void> {
    const { items } = await channelsApi.list();
    const seen = new Set<string>();
    for (const summary of items) {
      seen.add(summary.id);
      const existing = this.channels.get(summary.id);
      if (existing) {
        existing.summary = summary;
        // Never move backwards: events already applied stay applied.
        if (existing.view === null)
          existing.lastEventSeq = Math.max(existing.lastEventSeq, summary.lastEventSeq);
      } else {
        this.channels.set(summary.id, {
          summary,
          lastEventSeq: summary.lastEventSeq,
          ahead: new Map(),
          gapSince: null,
          view: null,
        });
      }
    }
    for (const id of [...this.channels.keys()]) if (!seen.has(id)) this.channels.delete(id);
    this.listLoaded = true;
    this.emit();
  }

  /** Loads the newest page (or a window around `around`) of a channel. */
  async open(id: string, around?: number): Promise<void> {
    const entry = this.channels.get(id);
    if (!entry) return;
    entry.view = { messages: entry.view?.messages ?? [], hasOlder: false, hasNewer: false, loading: true };
    this.emit();
    const page = await channelsApi.history(id, around ? { around, limit: 60 } : { limit: 50 });
    entry.view = { messages: page.items, hasOlder: page.hasOlder, hasNewer: page.hasNewer, loading: false };
    entry.summary = { ...entry.summary, lastSeq: Math.max(entry.summary.lastSeq, page.lastSeq) };
    // The page reflects every event up to page.lastEventSeq; later ones are applied (idempotently) on top.
    if (page.lastEventSeq > entry.lastEventSeq) {
      entry.lastEventSeq = page.lastEventSeq;
      for (const k of [...entry.ahead.keys()]) if (k <= page.lastEventSeq) entry.ahead.delete(k);
    }
    this.emit();
  }

  async loadOlder(id: string): Promise<void> {
    const view = this.view(id);
    const first = view?.messages[0]?.seq;
    if (!view || view.loading || !view.hasOlder || !first) return;
    view.loading = true;
    const page = await channelsApi.history(id, { before: first, limit: 50 });
    const entry = this.channels.get(id);
    if (!entry?.view) return;
    entry.view = {
      ...entry.view,
      messages: [
        ...page.items.filter((m) => !entry.view!.messages.some((x) => x.id === m.id)),
        ...entry.view.messages,
      ],
      hasOlder: page.hasOlder,
      loading: false,
    };
    this.emit();
  }

  async loadNewer(id: string): Promise<void> {
    const view = this.view(id);
    const last = view?.messages.at(-1)?.seq;
    if (!view || view.loading || !view.hasNewer || last === undefined || last === null) return;
    view.loading = true;
    const page = await channelsApi.history(id, { after: last, limit: 100 });
    const entry = this.channels.get(id);
    if (!entry?.view) return;
    let messages = entry.view.messages;
    for (const m of page.items) messages = upsertSorted(messages, m);
    entry.view = { ...entry.view, messages, hasNewer: page.hasNewer, loading: false };
    this.emit();
  }

  async openThread(rootId: string): Promise<{ root: Message; following: boolean }> {
    const view = await channelsApi.thread(rootId);
    this.threads.set(rootId, view.replies);
    this.emit();
    return { root: view.root, following: view.following };
  }
  closeThread(rootId: string) {
    this.threads.delete(rootId);
  }

  /** A message this client sent and the server acknowledged (it may arrive as an event too). */
  acknowledged(message: Message) {
    this.putMessage(message.channelId, message);
    this.emit();
  }

  readState(state: ReadState) {
    const entry = this.channels.get(state.channelId);
    if (!entry) return;
    entry.summary = {
      ...entry.summary,
      readSeq: state.readSeq,
      lastSeq: Math.max(entry.summary.lastSeq, state.lastSeq),
      unread: state.unread,
      mentions: state.mentions,
    };
    this.emit();
  }

  markRead(id: string) {
    const entry = this.channels.get(id);
    if (!entry || entry.summary.unread === 0) return;
    getSocket().emit(
      'read:mark',
      { channelId: id, seq: entry.summary.lastSeq },
      (ack: Ack<{ state: ReadState }>) => {
        if (ack.ok) this.readState(ack.state);
      },
    );
  }

  private putMessage(channelId: string, message: Message) {
    const entry = this.channels.get(channelId);
    if (message.threadRootId) {
      const replies = this.threads.get(message.threadRootId);
      if (replies) {
        const i = replies.findIndex((m) => m.id === message.id);
        const next = replies.slice();
        if (i >= 0) next[i] = message;
        else next.push(message);
        next.sort((a, b) => (a.replySeq ?? 0) - (b.replySeq ?? 0));
        this.threads.set(message.threadRootId, next);
      }
    }
    if (entry?.view && message.seq !== null) {
      const last = entry.view.messages.at(-1)?.seq ?? 0;
      // Only the live tail grows; a window in the past is completed by paging.
      if (!entry.view.hasNewer || (message.seq ?? 0) <= last)
        entry.view.messages = upsertSorted(entry.view.messages, message);
    }
  }

  private patchMessage(channelId: string, messageId: string, patch: (m: Message) => Message) {
    const entry = this.channels.get(channelId);
    if (entry?.view)
      entry.view.messages = entry.view.messages.map((m) => (m.id === messageId ? patch(m) : m));
    for (const [rootId, replies] of this.threads) {
      if (replies.some((m) => m.id === messageId))
        this.threads.set(
          rootId,
          replies.map((m) => (m.id === messageId ? patch(m) : m)),
        );
    }
  }

  private applyOne(entry: ChannelEntry, e: ChannelEvent) {
    const id = e.channelId;
    switch (e.type) {
      case 'message.created': {
        const m = e.message!;
        this.putMessage(id, m);
        if (m.threadRootId) {
          this.patchMessage(id, m.threadRootId, (root) => ({
            ...root,
            thread: {
              replyCount: (root.thread?.replyCount ?? 0) + 1,
              lastReplyAt: m.createdAt,
              participantIds: [...new Set([...(root.thread?.participantIds ?? []), m.authorId])],
            },
          }));
        }
        if (m.seq !== null) {
          const s = entry.summary;
          const mine = m.authorId === this.userId;
          const lastSeq = Math.max(s.lastSeq, m.seq);
          const readSeq = mine ? Math.max(s.readSeq, m.seq) : s.readSeq;
          const mentioned = !mine && m.seq > readSeq && (m.mentionAll || m.mentionIds.includes(this.userId));
          entry.summary = {
            ...s,
            lastSeq,
            readSeq,
            unread: Math.max(0, lastSeq - readSeq),
            mentions: mine ? 0 : s.mentions + (mentioned ? 1 : 0),
          };
        }
        break;
      }
      case 'message.edited':
      case 'message.deleted':
      case 'message.hidden':
      case 'pin.added':
      case 'pin.removed': {
        const m = e.message!;
        const pinned = e.type === 'pin.added' ? true : e.type === 'pin.removed' ? false : undefined;
        this.patchMessage(id, m.id, (old) => ({
          ...m,
          reactions: old.reactions,
          thread: old.thread,
          pinned: pinned ?? old.pinned,
        }));
        break;
      }
      case 'reaction.added':
      case 'reaction.removed': {
        const add = e.type === 'reaction.added';
        this.patchMessage(id, e.messageId!, (m) => {
          const others = m.reactions.filter((r) => r.emoji !== e.emoji);
          const current = m.reactions.find((r) => r.emoji === e.emoji);
          const users = new Set(current?.userIds ?? []);
          if (add) users.add(e.userId!);
          else users.delete(e.userId!);
          const reactions =
            users.size === 0
              ? others
              : current
                ? m.reactions.map((r) =>
                    r.emoji === e.emoji ? { ...r, count: users.size, userIds: [...users] } : r,
                  )
                : [...others, { emoji: e.emoji!, count: users.size, userIds: [...users] }];
          return { ...m, reactions };
        });
        break;
      }
      case 'channel.updated':
        if (e.channel) entry.summary = { ...entry.summary, ...e.channel };
        break;
    }
  }

  /** Applies a live (or replayed) event in order, once; asks for a replay when one is missing. */
  apply(e: ChannelEvent) {
    const entry = this.channels.get(e.channelId);
    if (!entry) return;
    if (e.eventSeq <= entry.lastEventSeq) return;
    if (e.eventSeq > entry.lastEventSeq + 1) {
      entry.ahead.set(e.eventSeq, e);
      this.scheduleSync([e.channelId]);
      return;
    }
    this.applyOne(entry, e);
    entry.lastEventSeq = e.eventSeq;
    entry.gapSince = null;
    for (
      let next = entry.ahead.get(entry.lastEventSeq + 1);
      next;
      next = entry.ahead.get(entry.lastEventSeq + 1)
    ) {
      entry.ahead.delete(next.eventSeq);
      this.applyOne(entry, next);
      entry.lastEventSeq = next.eventSeq;
    }
    this.emit();
  }

  private syncTimer: ReturnType<typeof setTimeout> | null = null;
  private scheduleSync(ids: string[]) {
    for (const id of ids) this.syncing.add(id);
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      const pending = [...this.syncing];
      this.syncing.clear();
      void this.sync(pending);
    }, 300);
  }

  /** Replays every event after the last applied one for these channels (all when none are named). */
  async sync(ids?: string[]): Promise<void> {
    const targets = (ids ?? [...this.channels.keys()]).filter((id) => this.channels.has(id));
    if (targets.length === 0) return;
    const payload = {
      channels: targets.map((id) => ({ channelId: id, afterEventSeq: this.channels.get(id)!.lastEventSeq })),
    };
    const ack = await new Promise<Ack<SyncResult>>((resolve) =>
      getSocket()
        .timeout(10_000)
        .emit('sync', payload, (err: Error | null, answer: Ack<SyncResult>) =>
          resolve(err ? { ok: false, error: { code: 'NETWORK', message: err.message } } : answer),
        ),
    );
    if (!ack.ok) return;
    for (const e of ack.events) this.apply(e);
    for (const id of ack.revoked) this.channels.delete(id);
    if (ack.more.length > 0) await this.sync(ack.more);
    // An event still missing after a replay is either being stored right now (it will arrive) or was
    // never stored (a writer crashed between taking a number and storing). Wait a few seconds, then skip
    // the hole so that later events are not held back forever.
    for (const id of targets) {
      const entry = this.channels.get(id);
      if (!entry || entry.ahead.size === 0) continue;
      const now = Date.now();
      if (entry.gapSince === null || now - entry.gapSince < 5000) {
        entry.gapSince ??= now;
        setTimeout(() => this.scheduleSync([id]), 2000);
        continue;
      }
      entry.gapSince = null;
      const next = Math.min(...entry.ahead.keys());
      entry.lastEventSeq = next - 1;
      const first = entry.ahead.get(next)!;
      entry.ahead.delete(next);
      this.apply(first);
    }
    this.emit();
  }

  reset() {
    this.channels.clear();
    this.threads.clear();
    this.listLoaded = false;
    this.emit();
  }
}

export const chat = new ChatStore();

/** Re-renders when the chat state changes; read the state through `chat`. */
export function useChat(): ChatStore {
  useSyncExternalStore(chat.subscribe, chat.getVersion);
  return chat;
}
