import type { Attachment, Channel, Message, ReactionSummary, ThreadSummary } from '@zhibu/shared';
import { LRUCache } from 'lru-cache';
import type { Db, ObjectId } from 'mongodb';
import { byIds } from './by-ids.js';
import type { ChannelDoc, Collections, MessageDoc } from './model.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const hexOrNull = (id: ObjectId | null) => (id ? id.toHexString() : null);

export function toChannel(doc: ChannelDoc): Channel {
  return {
    id: doc._id.toHexString(),
    kind: doc.kind,
    name: doc.name,
    topic: doc.topic,
    archived: doc.archived,
    slowModeSeconds: doc.slowModeSeconds,
    mentionAll: doc.mentionAll,
    branchId: hexOrNull(doc.branchId),
    groupId: hexOrNull(doc.groupId),
    branchIds: doc.branchIds.map((b) => b.toHexString()),
    createdAt: doc.createdAt.toISOString(),
  };
}

export interface PresentOptions {
  /** A message just created: no reactions, pins or replies exist yet, so skip those reads. */
  fresh?: boolean;
  /** Moderators see the text of hidden messages. */
  moderator?: boolean;
}

/** Turns stored messages into wire messages, reading reactions, pins, threads, names and files in batches. */
export function createPresenter(db: Db, cols: Collections) {
  /** Display names for five minutes (a rename shows on new messages within that time). */
  const names = new LRUCache<string, string>({ max: 100_000, ttl: 300_000 });
  const users = db.collection<{ _id: ObjectId; displayName: string }>('users');

  async function authorNames(ids: ObjectId[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: ObjectId[] = [];
    for (const id of ids) {
      const name = names.get(id.toHexString());
      if (name === undefined) missing.push(id);
      else out.set(id.toHexString(), name);
    }
    if (missing.length > 0) {
      const found = await byIds(users, missing, { projection: { displayName: 1 } });
      for (const u of found) {
        out.set(u._id.toHexString(), u.displayName);
        names.set(u._id.toHexString(), u.displayName);
      }
    }
    return out;
  }

  async function threadSummaries(roots: MessageDoc[]): Promise<Map<string, ThreadSummary>> {
    const out = new Map<string, ThreadSummary>();
    await Promise.all(
      roots.map(async (root) => {
        const [count, last, authors] = await Promise.all([
          cols.messages.countDocuments({ threadRootId: root._id }),
          cols.messages.findOne(
            { threadRootId: root._id },
            { sort: { replySeq: -1 }, projection: { createdAt: 1 } },
          ),
          cols.messages.distinct('authorId', { threadRootId: root._id }),
        ]);
        out.set(root._id.toHexString(), {
          replyCount: count,
          lastReplyAt: iso(last?.createdAt ?? null),
          participantIds: (authors as ObjectId[]).slice(0, 20).map((a) => a.toHexString()),
        });
      }),
    );
    return out;
  }

  async function present(docs: MessageDoc[], options: PresentOptions = {}): Promise<Message[]> {
    if (docs.length === 0) return [];
    const ids = docs.map((d) => d._id);
    const attachmentIds = docs.flatMap((d) => d.attachmentIds);
    const roots = options.fresh ? [] : docs.filter((d) => d.isThreadRoot && d.threadRootId === null);
    // Reactions and pins are read per channel (an indexed equality), never by a list of ids alone.
    const channelIds = [...new Map(docs.map((d) => [d.channelId.toHexString(), d.channelId])).values()];
    const perChannel = <R>(read: (channelId: ObjectId) => Promise<R[]>) =>
      Promise.all(channelIds.map(read)).then((lists) => lists.flat());
    const [nameMap, files, reactions, pins, threads] = await Promise.all([
      authorNames([...new Map(docs.map((d) => [d.authorId.toHexString(), d.authorId])).values()]),
      attachmentIds.length > 0 ? byIds(cols.attachments, attachmentIds) : [],
      options.fresh
        ? []
        : perChannel((channelId) =>
            cols.reactions.find({ channelId, messageId: { $in: ids } }, { sort: { at: 1 } }).toArray(),
          ),
      options.fresh
        ? []
        : perChannel((channelId) => cols.pins.find({ channelId }, { limit: 1000 }).toArray()),
      threadSummaries(roots),
    ]);
    const fileMap = new Map<string, Attachment>(
      files.map((f) => [
        f._id.toHexString(),
        {
          id: f._id.toHexString(),
          name: f.name,
          mime: f.mime,
          size: f.size,
          hasThumbnail: f.thumbId !== null,
        },
      ]),
    );
    const reactionMap = new Map<string, Map<string, ReactionSummary>>();
    for (const r of reactions) {
      const key = r.messageId.toHexString();
      let perEmoji = reactionMap.get(key);
      if (!perEmoji) {
        perEmoji = new Map();
        reactionMap.set(key, perEmoji);
      }
      let summary = perEmoji.get(r.emoji);
      if (!summary) {
        summary = { emoji: r.emoji, count: 0, userIds: [] };
        perEmoji.set(r.emoji, summary);
      }
      summary.count += 1;
      summary.userIds.push(r.userId.toHexString());
    }
    const pinned = new Set(pins.map((p) => p.messageId.toHexString()));
    return docs.map((d) => {
      const id = d._id.toHexString();
      const gone = d.deletedAt !== null || (d.hidden && !options.moderator);
      return {
        id,
        channelId: d.channelId.toHexString(),
        seq: d.seq,
        clientId: d.clientId,
        authorId: d.authorId.toHexString(),
        authorName: nameMap.get(d.authorId.toHexString()) ?? '',
        text: gone ? '' : d.text,
        mentionIds: d.mentionIds.map((m) => m.toHexString()),
        mentionAll: d.mentionAll,
        threadRootId: hexOrNull(d.threadRootId),
        replySeq: d.replySeq,
        alsoToChannel: d.alsoToChannel,
        attachments: gone ? [] : d.attachmentIds.flatMap((a) => fileMap.get(a.toHexString()) ?? []),
        version: d.version,
        editedAt: iso(d.editedAt),
        deletedAt: iso(d.deletedAt),
        deletedBy: hexOrNull(d.deletedBy),
        hidden: d.hidden,
        createdAt: d.createdAt.toISOString(),
        reactions: [...(reactionMap.get(id)?.values() ?? [])],
        thread: threads.get(id) ?? null,
        pinned: pinned.has(id),
      };
    });
  }

  return { present, authorNames };
}
export type Presenter = ReturnType<typeof createPresenter>;
