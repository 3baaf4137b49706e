import { ChannelLimits, type Message, type SendMessagePayload } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import type { AccessCache, ChannelRights } from './access.js';
import type { ChannelsService } from './channels.js';
import { type Counters, seqKey } from './counters.js';
import type { EventLog } from './events.js';
import type { createSendLimits } from './limits.js';
import { type ParsedMentions, parseMentions } from './mentions.js';
import type { ChannelDoc, Collections, MentionDoc, MessageDoc } from './model.js';
import { indexTerms } from './ngrams.js';
import type { Presenter } from './present.js';
import { isDuplicate, type MessageWrites } from './writes.js';

export interface SendDeps {
  ctx: AppContext;
  cols: Collections;
  access: AccessCache;
  counters: Counters;
  events: EventLog;
  channels: ChannelsService;
  presenter: Presenter;
  limits: ReturnType<typeof createSendLimits>;
  writes: MessageWrites;
  /** Enqueues the mention / followed-thread notifications of a new message (workers deliver them). */
  enqueueNotifications: (messageId: string) => Promise<void>;
}

export type SendResult = { message: Message; duplicate: boolean };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sending a message. The hot path of a plain message costs one Redis round trip (a script: client-id
 * claim, rate, slow mode, then the channel's seq and eventSeq) and a share of one group-committed
 * insertMany; the broadcast goes out once the insert is stored, then the ack.
 */
export function createSender(deps: SendDeps) {
  const { ctx, cols, access, counters, events, channels, presenter, limits, writes } = deps;

  const replyKey = (rootId: ObjectId) => `reply:${rootId.toHexString()}`;
  const maxReply = (rootId: ObjectId) => async () =>
    (
      await cols.messages.findOne(
        { threadRootId: rootId },
        { sort: { replySeq: -1 }, projection: { replySeq: 1 } },
      )
    )?.replySeq ?? 0;

  /** Returns the message stored under this client id, if any. */
  async function existing(channelId: ObjectId, clientId: string, userId: string): Promise<Message | null> {
    const doc = await cols.messages.findOne({ channelId, clientId });
    if (!doc) return null;
    if (doc.authorId.toHexString() !== userId) throw new AppError('CONFLICT', 'This client id is used');
    const [message] = await presenter.present([doc]);
    return message!;
  }

  /** Why this send is refused before anything is counted, in the order the checks always ran. */
  function refusal(
    payload: SendMessagePayload,
    channel: ChannelDoc,
    rights: ChannelRights,
    muted: AppError | null,
  ): AppError | null {
    if (!rights.post) return new AppError('FORBIDDEN', 'You may not post in this channel');
    if (channel.archived) return new AppError('CHANNEL_ARCHIVED');
    if (payload.text.length > ChannelLimits.messageMaxChars) return new AppError('MESSAGE_TOO_LONG');
    if (payload.text.trim().length === 0 && (payload.attachmentIds ?? []).length === 0)
      return new AppError('MESSAGE_EMPTY');
    return muted;
  }

  async function send(userId: string, payload: SendMessagePayload): Promise<SendResult> {
    const { channel, rights, access: userAccess } = await access.rights(userId, payload.channelId);
    const me = new ObjectId(userId);
    // A re-send (same client id) answers with what was stored, before any limit is counted again and
    // before a sequence number is taken (that would leave a gap). The first send of a client id claims
    // it in Redis, so the common case costs no database read. A send refused by the checks above the
    // limits claims nothing and counts nothing (unless its client id was stored: then that answers).
    const refused = refusal(payload, channel, rights, limits.muted(channel, userAccess));
    const claim = limits.claimKey(channel._id, payload.clientId);
    const mentions = parseMentions(payload.text, ChannelLimits.mentionsPerMessage);
    // A plain message (no @all, files or thread) has nothing left to check once admitted: the same script
    // takes its channel position and event number.
    const plain = !mentions.all && (payload.attachmentIds ?? []).length === 0 && !payload.threadRootId;
    const counted = plain ? [seqKey(channel._id), events.counter(channel._id).key] : [];
    const counterKeys = counted.map(counters.redisKey);
    const admit = (mode: 'check' | 'claim' | 'count') =>
      limits.admit(mode, claim, channel, me, rights.moderate, mode === 'check' ? [] : counterKeys);
    let held = false;
    let admitted = await admit(refused ? 'check' : 'claim');
    if (admitted.verdict === 'duplicate') {
      for (let wait = 0; wait < 20; wait++) {
        const before = await existing(channel._id, payload.clientId, userId);
        if (before) return { message: before, duplicate: true };
        // The first attempt may still be storing; a crashed one never will (then this one goes on).
        if ((await ctx.redis.exists(claim)) === 0) break;
        await sleep(100);
      }
      if (refused) throw refused;
      // Unclaimed from here on: the unique client-id index still keeps a second copy out.
      admitted = await admit('count');
    } else if (refused) throw refused;
    else held = true;
    const taken = admitted.verdict === 'admitted' ? admitted.taken : null;
    // A counter was missing (Redis lost it): seed it from what is stored rather than restart it at 1.
    if (plain && taken === null) for (const key of counted) counters.forget(key);
    try {
      return await store(userId, payload, channel, rights, me, mentions, taken);
    } catch (error) {
      // Not stored: a later re-send of this client id must not wait for it.
      if (held) await ctx.redis.del(claim).catch(() => undefined);
      throw error;
    }
  }

  async function store(
    userId: string,
    payload: SendMessagePayload,
    channel: ChannelDoc,
    rights: ChannelRights,
    me: ObjectId,
    mentions: ParsedMentions,
    /** The channel position and event number, when admission took them already. */
    preTaken: number[] | null,
  ): Promise<SendResult> {
    const text = payload.text;
    const attachmentIds = (payload.attachmentIds ?? []).map((a) => new ObjectId(a));
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

    // The reply number, the channel position and the event number in one Redis round trip.
    const taken = preTaken
      ? [...preTaken]
      : await counters.nextMany([
          ...(root ? [{ key: replyKey(root._id), loadMax: maxReply(root._id) }] : []),
          ...(onChannel ? [{ key: seqKey(channel._id), loadMax: channels.maxSeq(channel._id) }] : []),
          events.counter(channel._id),
        ]);
    const replySeq = root ? taken.shift()! : null;
    const seq = onChannel ? taken.shift()! : null;
    const doc: MessageDoc = {
      _id: new ObjectId(),
      channelId: channel._id,
      seq,
      slot: seq !== null ? `s:${seq}` : `r:${root!._id.toHexString()}:${replySeq}`,
      eventSeq: taken.shift()!,
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
        await writes.insertMessage(doc);
        break;
      } catch (error) {
        if (!isDuplicate(error) || attempt >= 5) throw error;
        const raced = await existing(channel._id, payload.clientId, userId);
        if (raced) return { message: raced, duplicate: true };
        // The sequence collided (counter lost or behind): raise it to the stored maximum and retry.
        if (doc.seq !== null) {
          doc.seq = await counters.reseedNext(seqKey(channel._id), channels.maxSeq(channel._id));
          doc.slot = `s:${doc.seq}`;
        } else {
          doc.replySeq = await counters.reseedNext(replyKey(root!._id), maxReply(root!._id));
          doc.slot = `r:${root!._id.toHexString()}:${doc.replySeq}`;
        }
      }
    }

    const mentionDocs: MentionDoc[] = [...mentions.userIds, ...(mentions.all ? ['*'] : [])]
      .filter((m) => m !== userId)
      .map((m) => ({
        _id: `${doc._id.toHexString()}:${m}`,
        channelId: channel._id,
        messageId: doc._id,
        userId: m,
        seq: doc.seq ?? 0,
      }));
    // The stored message is its own message.created event: deliver it, then write the derived documents
    // (independent of each other). The author's own messages count as read without a write (read-state.ts).
    const [message] = await presenter.present([doc], { fresh: true });
    events.created(message!, doc.eventSeq, me, doc.createdAt);
    await Promise.all([
      root ? cols.messages.updateOne({ _id: root._id }, { $set: { isThreadRoot: true } }) : null,
      root ? follow(root, channel, [me, root.authorId]) : null,
      doc.seq !== null && mentionDocs.length > 0 ? writes.insertMentions(mentionDocs) : null,
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

  /** The replier and the root's author follow the thread (a follow they already have is kept as is). */
  async function follow(root: MessageDoc, channel: ChannelDoc, followers: ObjectId[]): Promise<void> {
    const unique = [...new Map(followers.map((f) => [f.toHexString(), f])).values()];
    await Promise.all(
      unique.map((follower) =>
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
    );
  }

  return { send };
}
