import {
  ChannelLimits,
  type HistoryPage,
  type HistoryQuery,
  type Message,
  type MessageEdit,
} from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import { seqKey } from './counters.js';
import { parseMentions } from './mentions.js';
import type { MessageDoc } from './model.js';
import { indexTerms } from './ngrams.js';
import type { ReadStateService } from './read-state.js';
import { createSender, type SendDeps } from './send.js';
import { createMessageWrites } from './writes.js';

/** What sending needs (its batched writes are made here), plus the read state. */
export interface MessageDeps extends Omit<SendDeps, 'writes'> {
  reads: ReadStateService;
}

export function createMessagesService(deps: MessageDeps) {
  const { ctx, cols, access, counters, events, channels, presenter } = deps;

  async function findMessage(userId: string, messageId: string) {
    const doc = await cols.messages.findOne({ _id: new ObjectId(messageId) });
    if (!doc) throw new AppError('NOT_FOUND', 'No such message');
    const found = await access.rights(userId, doc.channelId.toHexString());
    return { doc, ...found };
  }

  const { send } = createSender({ ...deps, writes: createMessageWrites(cols) });

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
