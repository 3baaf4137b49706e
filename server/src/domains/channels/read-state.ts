import type { ReadState } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import type { AccessCache } from './access.js';
import { type Counters, seqKey } from './counters.js';
import type { Broadcaster } from './events.js';
import type { Collections } from './model.js';

/**
 * Sending a message reads the channel up to it. Instead of a write per message, the read position is the
 * larger of the stored one and the user's own last message there (looked up only when something would
 * otherwise be unread).
 */
export async function effectiveReadSeq(
  cols: Collections,
  channelId: ObjectId,
  userId: string,
  stored: number,
  lastSeq: number,
): Promise<number> {
  if (stored >= lastSeq) return lastSeq;
  const own = await cols.messages.findOne(
    { channelId, authorId: new ObjectId(userId), seq: { $gt: stored } },
    { sort: { seq: -1 }, projection: { seq: 1 } },
  );
  return Math.min(Math.max(stored, own?.seq ?? 0), lastSeq);
}

/**
 * A member's read position per channel. Only its owner writes it, and `$max` keeps it monotonic when two
 * devices report out of order. Unread = channel's last seq − read seq; mentions are counted.
 */
export function createReadState(
  cols: Collections,
  access: AccessCache,
  counters: Counters,
  maxSeq: (channelId: ObjectId) => () => Promise<number>,
  broadcaster: () => Broadcaster,
) {
  async function advance(channelId: ObjectId, userId: ObjectId, seq: number): Promise<void> {
    const _id = `${channelId.toHexString()}:${userId.toHexString()}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await cols.reads.updateOne(
          { _id },
          { $max: { readSeq: seq }, $setOnInsert: { channelId, userId } },
          { upsert: true },
        );
        return;
      } catch (error) {
        // FerretDB: two concurrent upserts of a new key may fail with E11000; the retry updates.
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
      }
    }
  }

  async function state(channelId: ObjectId, userId: string): Promise<ReadState> {
    const [lastSeq, read] = await Promise.all([
      counters.current(seqKey(channelId), maxSeq(channelId)),
      cols.reads.findOne({ _id: `${channelId.toHexString()}:${userId}` }),
    ]);
    const readSeq = await effectiveReadSeq(cols, channelId, userId, read?.readSeq ?? 0, lastSeq);
    const unread = Math.max(0, lastSeq - readSeq);
    const mentions =
      unread === 0
        ? 0
        : (
            await cols.mentions.distinct('seq', {
              channelId,
              userId: { $in: [userId, '*'] },
              seq: { $gt: readSeq },
            })
          ).length;
    return { channelId: channelId.toHexString(), readSeq, lastSeq, unread, mentions };
  }

  return {
    advance,
    state,
    /** Marks read up to `seq` (clamped to the channel's end) and tells the user's other devices. */
    async mark(userId: string, channelId: string, seq: number): Promise<ReadState> {
      const { channel } = await access.rights(userId, channelId);
      const lastSeq = await counters.current(seqKey(channel._id), maxSeq(channel._id));
      await advance(channel._id, new ObjectId(userId), Math.min(seq, lastSeq));
      const current = await state(channel._id, userId);
      broadcaster().toUser(userId, 'read:state', current);
      return current;
    },
  };
}
export type ReadStateService = ReturnType<typeof createReadState>;
