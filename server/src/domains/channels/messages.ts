import {
  ChannelLimits,
  type HistoryPage,
  type HistoryQuery,
  type Message,
  type MessageEdit,
  type SendMessagePayload,
} from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import type { AccessCache, ChannelRights } from './access.js';
import type { ChannelsService } from './channels.js';
import { type Counters, seqKey } from './counters.js';
import type { EventLog } from './events.js';
import type { createSendLimits } from './limits.js';
import { parseMentions } from './mentions.js';
import type { ChannelDoc, Collections, MessageDoc } from './model.js';
import { indexTerms } from './ngrams.js';
import type { Presenter } from './present.js';
import type { ReadStateService } from './read-state.js';

export interface MessageDeps {
  ctx: AppContext;
  cols: Collections;
  access: AccessCache;
  counters: Counters;
  events: EventLog;
  channels: ChannelsService;
  presenter: Presenter;
  reads: ReadStateService;
  limits: ReturnType<typeof createSendLimits>;
  /** Enqueues the mention / followed-thread notifications of a new message (workers deliver them). */
  enqueueNotifications: (messageId: string) => Promise<void>;
}

export function createMessagesService(deps: MessageDeps) {
  const { ctx, cols, access, counters, events, channels, presenter, limits } = deps;

  const replyKey = (rootId: ObjectId) => `reply:${rootId.toHexString()}`;
  const maxReply = (rootId: ObjectId) => async () =>
    (
      await cols.messages.findOne(
        { threadRootId: rootId },
        { sort: { replySeq: -1 }, projection: { replySeq: 1 } },
      )
    )?.replySeq ?? 0;

  async function findMessage(userId: string, messageId: string) {
    const doc = await cols.messages.findOne({ _id: new ObjectId(messageId) });
    if (!doc) throw new AppError('NOT_FOUND', 'No such message');
    const found = await access.rights(userId, doc.channelId.toHexString());
    return { doc, ...found };
  }

  /** Returns the message stored under this client id, repairing its event if a crash lost it. */
  async function existing(channelId: ObjectId, clientId: string, userId: string): Promise<Message | null> {
    const doc = await cols.messages.findOne({ channelId, clientId });
    if (!doc) return null;
    if (doc.authorId.toHexString() !== userId) throw new AppError('CONFLICT', 'This client id is used');
    const [message] = await presenter.present([doc]);
    return message!;
  }

  async function send(
    userId: string,
    payload: SendMessagePayload,
  ): Promise<{ message: Message; duplicate: boolean }> {
    const { channel, rights } = await access.rights(userId, payload.channelId);
    const me = new ObjectId(userId);
    // A re-send (same client id) answers with what was stored, before any limit is counted again and
    // before a sequence number is taken (that would leave a gap). The first send of a client id claims
    // it in Redis, so the common case costs no database read.
    const claim = `${ctx.config.REDIS_PREFIX}:cid:${channel._id.toHexString()}:${payload.clientId}`;
    if ((await ctx.redis.set(claim, userId, 'EX', 86_400, 'NX')) === null) {
      for (let wait = 0; wait < 20; wait++) {
        const before = await existing(channel._id, payload.clientId, userId);
        if (before) return { message: before, duplicate: true };
        // The first attempt may still be storing; a crashed one never will (then this one goes on).
        if ((await ctx.redis.exists(claim)) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    try {
      return await store(userId, payload, channel, rights, me);
    } catch (error) {
      // Not stored: a later re-send of this client id must not wait for it.
      await ctx.redis.del(claim).catch(() => undefined);
      throw error;
    }
  }

  async function store(
    userId: string,
    payload: SendMessagePayload,
    channel: ChannelDoc,
    rights: ChannelRights,
    me: ObjectId,
  ): Promise<{ message: Message; duplicate: boolean }> {
    if (!rights.post) throw new AppError('FORBIDDEN', 'You may not post in this channel');
    if (channel.archived) throw new AppError('CHANNEL_ARCHIVED');
    const text = payload.text;
    const attachmentIds = (payload.attachmentIds ?? []).map((a) => new ObjectId(a));
    if (text.length > ChannelLimits.messageMaxChars) throw new AppError('MESSAGE_TOO_LONG');
    if (text.trim().length === 0 && attachmentIds.length === 0) throw new AppError('MESSAGE_EMPTY');
    await limits.check(channel, me, rights.moderate, await access.user(userId));

    const mentions = parseMentions(text, ChannelLimits.mentionsPerMessage);
    if (mentions.all) {
      const policy = channel.mentionAll;
      if (policy === 'nobody' || (policy === 'leaders' && !rights.leader))
        throw new AppError('MENTION_ALL_FORBIDDEN');
      const size = (await channels.audience(channel)).length;
      if (size > ChannelLimits.mentionAllMaxMembers) throw new AppError('MENTION_ALL_TOO_MANY');
    }

    if (attachmentIds.length > 0) {
      const files = await cols.attachments
        .find({ _id: { $in: attachmentIds }, channelId: channel._id, uploaderId: me, messageId: null })
        .toArray();
      if (files.length !== attachmentIds.length) throw new AppError('NOT_FOUND', 'No such attachment');
    }

    let root: MessageDoc | null = null;
    if (payload.threadRootId) {
      root = await cols.messages.findOne({ _id: new ObjectId(payload.threadRootId), channelId: channel._id });
      if (!root || root.threadRootId !== null) throw new AppError('NOT_FOUND', 'No such thread');
      if (root.deletedAt) throw new AppError('INVALID_STATE', 'The thread root was deleted');
    }
    const alsoToChannel = root !== null && payload.alsoToChannel === true;
    const onChannel = root === null || alsoToChannel;

    const replySeq = root ? await counters.next(replyKey(root._id), maxReply(root._id)) : null;
    let seq = onChannel ? await counters.next(seqKey(channel._id), channels.maxSeq(channel._id)) : null;
    const doc: MessageDoc = {
      _id: new ObjectId(),
      channelId: channel._id,
      seq,
      slot: seq !== null ? `s:${seq}` : `r:${root!._id.toHexString()}:${replySeq}`,
      eventSeq: await events.nextSeq(channel._id),
      clientId: payload.clientId,
      authorId: me,
      text,
      mentionIds: mentions.userIds.map((m) => new ObjectId(m)),
      mentionAll: mentions.all,
      threadRootId: root?._id ?? null,
      replySeq,
      alsoToChannel,
      isThreadRoot: false,
      attachmentIds,
      version: 1,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
      hidden: false,
      createdAt: ctx.now(),
      grams: indexTerms(text),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await cols.messages.insertOne(doc);
        break;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 5) throw error;
        const raced = await existing(channel._id, payload.clientId, userId);
        if (raced) return { message: raced, duplicate: true };
        // The sequence collided (counter lost or behind): raise it to the stored maximum and retry.
        if (seq !== null) {
          seq = await counters.reseedNext(seqKey(channel._id), channels.maxSeq(channel._id));
          doc.seq = seq;
          doc.slot = `s:${seq}`;
        } else {
          doc.replySeq = await counters.reseedNext(replyKey(root!._id), maxReply(root!._id));
          doc.slot = `r:${root!._id.toHexString()}:${doc.replySeq}`;
        }
      }
    }

    const mentionDocs = [...mentions.userIds, ...(mentions.all ? ['*'] : [])]
      .filter((m) => m !== userId)
      .map((m) => ({
        _id: `${doc._id.toHexString()}:${m}`,
        channelId: channel._id,
        messageId: doc._id,
        userId: m,
        seq: doc.seq ?? 0,
      }));
    const followers = [{ userId: me }, ...(root ? [{ userId: root.authorId }] : [])];
    // The stored message is its own message.created event: deliver it, then write the derived documents
    // (independent of each other). The author's own messages count as read without a write (read-state.ts).
    const [message] = await presenter.present([doc], { fresh: true });
    events.created(message!, doc.eventSeq, me, doc.createdAt);
    await Promise.all([
      root ? cols.messages.updateOne({ _id: root._id }, { $set: { isThreadRoot: true } }) : null,
      root
        ? Promise.all(
            followers.map(({ userId: follower }) =>
              cols.follows
                .updateOne(
                  { _id: `${root._id.toHexString()}:${follower.toHexString()}` },
                  {
                    $setOnInsert: {
                      rootId: root._id,
                      channelId: channel._id,
                      userId: follower,
                      following: true,
                      at: ctx.now(),
                    },
                  },
                  { upsert: true },
                )
                .catch((error: unknown) => {
                  if (!isDuplicateKey(error)) throw error;
                }),
            ),
          )
        : null,
      doc.seq !== null && mentionDocs.length > 0
        ? cols.mentions.insertMany(mentionDocs, { ordered: false }).catch((error: unknown) => {
            if (!isDuplicateKey(error)) throw error;
          })
        : null,
      attachmentIds.length > 0
        ? cols.attachments.updateMany(
            { channelId: channel._id, _id: { $in: attachmentIds } },
            { $set: { messageId: doc._id } },
          )
        : null,
    ]);
    if (mentions.userIds.length > 0 || mentions.all || root) {
      await deps.enqueueNotifications(doc._id.toHexString()).catch((error: unknown) => {
        // The message is stored and delivered; a lost notification job is logged, not a failed send.
        ctx.log.error(
          { err: error, messageId: doc._id.toHexString() },
          'could not enqueue mention notifications',
        );
      });
    }
    return { message: message!, duplicate: false };
  }

  async function snapshot(doc: MessageDoc): Promise<Message> {
    const [message] = await presenter.present([doc]);
    return message!;
  }

  async function edit(userId: string, messageId: string, text: string): Promise<Message> {
    if (text.trim().length === 0) throw new AppError('MESSAGE_EMPTY');
    for (let attempt = 0; ; attempt++) {
      const { doc, channel } = await findMessage(userId, messageId);
      if (doc.authorId.toHexString() !== userId)
        throw new AppError('FORBIDDEN', 'Only the author edits a message');
      if (doc.deletedAt) throw new AppError('INVALID_STATE', 'The message was deleted');
      if (channel.archived) throw new AppError('CHANNEL_ARCHIVED');
      const at = ctx.now();
      try {
        // The history is the log: keep the original as version 1, then claim the next version.
        if (doc.version === 1) {
          await cols.edits
            .insertOne({
              _id: `${messageId}:1`,
              messageId: doc._id,
              version: 1,
              text: doc.text,
              editorId: doc.authorId,
              at: doc.createdAt,
            })
            .catch((error: unknown) => {
              if (!isDuplicateKey(error)) throw error;
            });
        }
        const version = doc.version + 1;
        await cols.edits.insertOne({
          _id: `${messageId}:${version}`,
          messageId: doc._id,
          version,
          text,
          editorId: doc.authorId,
          at,
        });
        const mentions = parseMentions(text, ChannelLimits.mentionsPerMessage);
        await cols.messages.updateOne(
          { _id: doc._id },
          {
            $set: {
              text,
              version,
              editedAt: at,
              grams: indexTerms(text),
              mentionIds: mentions.userIds.map((m) => new ObjectId(m)),
            },
          },
        );
        const message = await snapshot({ ...doc, text, version, editedAt: at });
        await events.append(doc.channelId, { type: 'message.edited', actorId: doc.authorId, at, message });
        return message;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
      }
    }
  }

  async function remove(userId: string, messageId: string): Promise<Message> {
    const { doc, rights } = await findMessage(userId, messageId);
    const own = doc.authorId.toHexString() === userId;
    if (!own && !rights.moderate) throw new AppError('FORBIDDEN', 'You may not delete this message');
    if (doc.deletedAt) return snapshot(doc);
    const at = ctx.now();
    const me = new ObjectId(userId);
    // Nothing stored is lost: the text goes to the edit history before the message becomes a tombstone.
    await cols.edits
      .insertOne({
        _id: `${messageId}:${doc.version}`,
        messageId: doc._id,
        version: doc.version,
        text: doc.text,
        editorId: doc.authorId,
        at: doc.editedAt ?? doc.createdAt,
      })
      .catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
    if (!own) {
      await cols.modlog.insertOne({
        _id: new ObjectId(),
        channelId: doc.channelId,
        actorId: me,
        action: 'delete',
        messageId: doc._id,
        userId: doc.authorId,
        detail: '',
        at,
      });
    }
    await cols.messages.updateOne({ _id: doc._id }, { $set: { deletedAt: at, deletedBy: me, grams: [] } });
    const message = await snapshot({ ...doc, deletedAt: at, deletedBy: me });
    await events.append(doc.channelId, { type: 'message.deleted', actorId: me, at, message });
    return message;
  }

  async function history(userId: string, channelId: string, q: HistoryQuery): Promise<HistoryPage> {
    const { channel, rights } = await access.rights(userId, channelId);
    const limit = q.limit;
    const [lastSeq, lastEventSeq] = await Promise.all([
      counters.current(seqKey(channel._id), channels.maxSeq(channel._id)),
      events.last(channel._id),
    ]);
    const base: Filter<MessageDoc> = { channelId: channel._id };
    let docs: MessageDoc[];
    let hasOlder: boolean;
    let hasNewer: boolean;
    if (q.after !== undefined) {
      const found = await cols.messages
        .find({ ...base, seq: { $gt: q.after } }, { sort: { seq: 1 }, limit: limit + 1 })
        .toArray();
      hasNewer = found.length > limit;
      docs = found.slice(0, limit);
      hasOlder = q.after > 0;
    } else if (q.around !== undefined) {
      const half = Math.ceil(limit / 2);
      const [older, newer] = await Promise.all([
        cols.messages
          .find({ ...base, seq: { $lt: q.around, $gte: 1 } }, { sort: { seq: -1 }, limit: half + 1 })
          .toArray(),
        cols.messages
          .find({ ...base, seq: { $gte: q.around } }, { sort: { seq: 1 }, limit: limit - half + 1 })
          .toArray(),
      ]);
      hasOlder = older.length > half;
      hasNewer = newer.length > limit - half;
      docs = [...older.slice(0, half).reverse(), ...newer.slice(0, limit - half)];
    } else {
      const before = q.before ?? Number.MAX_SAFE_INTEGER;
      const found = await cols.messages
        .find({ ...base, seq: { $lt: before, $gte: 1 } }, { sort: { seq: -1 }, limit: limit + 1 })
        .toArray();
      hasOlder = found.length > limit;
      docs = found.slice(0, limit).reverse();
      hasNewer = q.before !== undefined && q.before <= lastSeq;
    }
    return {
      items: await presenter.present(docs, { moderator: rights.moderate }),
      hasOlder,
      hasNewer,
      lastSeq,
      lastEventSeq,
    };
  }

  async function edits(userId: string, messageId: string): Promise<MessageEdit[]> {
    const { doc, rights } = await findMessage(userId, messageId);
    if (doc.hidden && !rights.moderate) return [];
    if (doc.deletedAt && !rights.moderate && doc.authorId.toHexString() !== userId) return [];
    const items = await cols.edits.find({ messageId: doc._id }, { sort: { version: 1 } }).toArray();
    return items.map((e) => ({
      version: e.version,
      text: e.text,
      editorId: e.editorId.toHexString(),
      at: e.at.toISOString(),
    }));
  }

  return { send, edit, remove, history, edits, findMessage, snapshot };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
