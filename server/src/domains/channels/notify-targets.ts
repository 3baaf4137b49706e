import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { createAccessCache, rightsFor } from './access.js';
import { byIds } from './by-ids.js';
import { createChannelsService } from './channels.js';
import { createCounters } from './counters.js';
import { createEventLog, silentBroadcaster } from './events.js';
import { collections } from './model.js';

export interface ChatNotification {
  /** Deterministic: the job may run twice, each person is notified once per message. */
  id: string;
  userId: string;
  kind: 'channel.mention' | 'channel.threadReply';
  title: string;
  body: string;
  link: string;
  data: Record<string, unknown>;
}

const SNIPPET = 120;

/**
 * Who is notified about one stored message: the people it mentions (@user, @all), and the followers of
 * the thread it replies in; never its author, never someone who may not read the channel.
 */
export async function chatNotificationsFor(ctx: AppContext, messageId: string): Promise<ChatNotification[]> {
  const cols = collections(ctx.db);
  const message = await cols.messages.findOne({ _id: new ObjectId(messageId) });
  if (!message || message.deletedAt || message.hidden) return [];
  const channel = await cols.channels.findOne({ _id: message.channelId });
  if (!channel) return [];
  const access = createAccessCache(ctx, cols);
  const counters = createCounters(ctx.redis, ctx.config.REDIS_PREFIX);
  const channels = createChannelsService(
    ctx,
    cols,
    access,
    counters,
    createEventLog(
      cols,
      counters,
      () => silentBroadcaster,
      async () => [],
    ),
    () => silentBroadcaster,
  );
  const authorId = message.authorId.toHexString();

  const mentioned = new Set(message.mentionIds.map((m) => m.toHexString()));
  if (message.mentionAll) for (const id of await channels.audience(channel)) mentioned.add(id.toHexString());
  const followers = message.threadRootId
    ? (await cols.follows.find({ rootId: message.threadRootId, following: true }).toArray()).map((f) =>
        f.userId.toHexString(),
      )
    : [];

  const users = ctx.db.collection<{ _id: ObjectId; displayName: string }>('users');
  const nameIds = [
    ...new Set([authorId, ...[...message.text.matchAll(/<@([0-9a-f]{24})>/g)].map((m) => m[1]!)]),
  ];
  const names = new Map(
    (
      await byIds(
        users,
        nameIds.map((i) => new ObjectId(i)),
      )
    ).map((u) => [u._id.toHexString(), u.displayName]),
  );
  const author = names.get(authorId) ?? '';
  const text = message.text
    .replace(/<@([0-9a-f]{24})>/g, (_, id: string) => `@${names.get(id) ?? ''}`)
    .replace(/<@(all|here)>/g, '@所有人');
  const body = text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
  const channelName = channel.kind === 'dm' ? author : channel.name;
  const channelId = channel._id.toHexString();
  const link = message.threadRootId
    ? `/channels/${channelId}?thread=${message.threadRootId.toHexString()}`
    : `/channels/${channelId}?seq=${message.seq ?? ''}`;
  const data = { channelId, messageId, threadRootId: message.threadRootId?.toHexString() ?? null };

  const out: ChatNotification[] = [];
  const canRead = async (userId: string) => {
    try {
      return rightsFor(await access.user(userId), channel).read;
    } catch {
      return false; // disabled or unknown accounts get nothing
    }
  };
  for (const userId of mentioned) {
    if (userId === authorId || !(await canRead(userId))) continue;
    out.push({
      id: `chat-mention_${messageId}_${userId}`,
      userId,
      kind: 'channel.mention',
      title: `${author} 在「${channelName}」提到了你`,
      body,
      link,
      data,
    });
  }
  for (const userId of followers) {
    if (userId === authorId || mentioned.has(userId) || !(await canRead(userId))) continue;
    out.push({
      id: `chat-reply_${messageId}_${userId}`,
      userId,
      kind: 'channel.threadReply',
      title: `${author} 回复了你关注的话题`,
      body,
      link,
      data,
    });
  }
  return out;
}
