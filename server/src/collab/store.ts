import { randomBytes } from 'node:crypto';
import { Binary, type Collection, MongoBulkWriteError, type ObjectId } from 'mongodb';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { isDuplicateKey } from '../db/mongo.js';

/**
 * One stored piece of a document's Yjs state. Records are only ever inserted and deleted, never updated
 * (FerretDB loses concurrent updates of one document):
 * - `update`: a batch of client edits (the updates as they arrived: merging costs more CPU than it saves);
 * - `template`: the initial content, always at clock 0, so that the unique (docId, clock) index lets
 *   exactly one process create it;
 * - `snapshot`: the merge of earlier records written by compaction.
 * Yjs updates are idempotent and commutative, so the state is simply the merge of every record present.
 */
export interface DocUpdateRecord {
  _id?: ObjectId;
  docId: ObjectId;
  clock: number;
  kind: 'update' | 'template' | 'snapshot';
  /** The Yjs updates of this record, in order (a write-behind batch is stored as it arrived, unmerged). */
  parts: Binary[];
  bytes: number;
  createdAt: Date;
}

export const TEMPLATE_CLOCK = 0;

const sizeOf = (parts: Uint8Array[]) => parts.reduce((n, u) => n + u.length, 0);
const bytesOf = (b: Binary): Uint8Array =>
  new Uint8Array(b.buffer.buffer, b.buffer.byteOffset, b.buffer.length);

// Raises the Redis clock to at least ARGV[1] (after Redis lost it, or when it was never seeded).
const RAISE_CLOCK = `local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

// Deletes the lock only if this holder still owns it.
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export type UpdateStore = ReturnType<typeof createUpdateStore>;

export function createUpdateStore(ctx: AppContext) {
  const records: Collection<DocUpdateRecord> = ctx.db.collection('doc_updates');
  const prefix = `${ctx.config.REDIS_PREFIX}:collab`;
  const clockKey = (docId: ObjectId) => `${prefix}:clock:${docId.toHexString()}`;
  const lockKey = (docId: ObjectId) => `${prefix}:lock:${docId.toHexString()}`;

  async function maxClock(docId: ObjectId): Promise<number> {
    const last = await records
      .find({ docId }, { projection: { clock: 1 } })
      .sort({ clock: -1 })
      .limit(1)
      .next();
    return last?.clock ?? 0;
  }

  /**
   * Appends one record with the next clock of the document. The clock comes from Redis INCR (atomic across
   * processes); the unique (docId, clock) index is the safety net: on a duplicate the clock is re-seeded
   * from the stored maximum and the insert retried.
   */
  async function append(docId: ObjectId, kind: 'update' | 'snapshot', parts: Uint8Array[]): Promise<number> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const clock = await ctx.redis.incr(clockKey(docId));
      try {
        await records.insertOne({
          docId,
          clock,
          kind,
          parts: parts.map((u) => new Binary(u)),
          bytes: sizeOf(parts),
          createdAt: ctx.now(),
        });
        return clock;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        await ctx.redis.eval(RAISE_CLOCK, 1, clockKey(docId), String(await maxClock(docId)));
      }
    }
    throw new Error(`could not allocate a clock for document ${docId.toHexString()}`);
  }

  /**
   * Appends one record per document in one round trip each to Redis (pipelined INCRs) and MongoDB
   * (unordered insertMany). A record that hits a duplicate clock is retried alone with a re-seeded clock.
   */
  async function appendMany(batch: { docId: ObjectId; parts: Uint8Array[] }[]): Promise<void> {
    if (batch.length === 0) return;
    const pipeline = ctx.redis.pipeline();
    for (const b of batch) pipeline.incr(clockKey(b.docId));
    const clocks = ((await pipeline.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return Number(value);
    });
    const now = ctx.now();
    const docs: DocUpdateRecord[] = batch.map((b, i) => ({
      docId: b.docId,
      clock: clocks[i] as number,
      kind: 'update',
      parts: b.parts.map((u) => new Binary(u)),
      bytes: sizeOf(b.parts),
      createdAt: now,
    }));
    try {
      await records.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const failed = new Set(
        (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).map((e) => {
          if (e.code !== 11000) throw error;
          return e.index;
        }),
      );
      for (const index of failed) {
        const b = batch[index] as { docId: ObjectId; parts: Uint8Array[] };
        await ctx.redis.eval(RAISE_CLOCK, 1, clockKey(b.docId), String(await maxClock(b.docId)));
        await append(b.docId, 'update', b.parts);
      }
    }
  }

  return {
    records,
    append,
    appendMany,

    /** Every stored record of a document, oldest first. */
    async load(docId: ObjectId): Promise<{ updates: Uint8Array[]; count: number; bytes: number }> {
      const found = await records.find({ docId }).sort({ clock: 1 }).toArray();
      return {
        updates: found.flatMap((r) => r.parts.map(bytesOf)),
        count: found.length,
        bytes: found.reduce((sum, r) => sum + r.bytes, 0),
      };
    },

    /** Inserts the template at clock 0. Returns false when another process (or an earlier call) won. */
    async insertTemplate(docId: ObjectId, update: Uint8Array): Promise<boolean> {
      try {
        await records.insertOne({
          docId,
          clock: TEMPLATE_CLOCK,
          kind: 'template',
          parts: [new Binary(update)],
          bytes: update.length,
          createdAt: ctx.now(),
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    /**
     * Merges every record except the template into one snapshot, under a Redis lock so that processes do
     * not compact the same document at once. Crash-safe without transactions: the snapshot is inserted
     * before the merged records are deleted, and only records that were read (by _id) are deleted, so a
     * record written meanwhile is never lost; a crash in between leaves duplicates, which Yjs ignores.
     * Returns the number of records merged (0 when the lock was taken or there was nothing to do).
     */
    async compact(docId: ObjectId): Promise<number> {
      const token = randomBytes(12).toString('hex');
      const got = await ctx.redis.set(lockKey(docId), token, 'PX', 60_000, 'NX');
      if (got !== 'OK') return 0;
      try {
        const found = await records.find({ docId }).sort({ clock: 1 }).toArray();
        // The template stays (its clock-0 record is what keeps a second template out); it is merged in so
        // that the snapshot's deletions of template content resolve and garbage-collect.
        const merge = found.filter((r) => r.clock !== TEMPLATE_CLOCK);
        if (merge.length < 2) return 0;
        // A given guid: the default is a UUID drawn from 31 separate random reads, which showed in profiles.
        const doc = new Y.Doc({ guid: docId.toHexString() });
        doc.transact(() => {
          for (const r of found) for (const part of r.parts) Y.applyUpdate(doc, bytesOf(part));
        });
        const merged = Y.encodeStateAsUpdate(doc);
        doc.destroy();
        await append(docId, 'snapshot', [merged]);
        await records.deleteMany({ _id: { $in: merge.map((r) => r._id as ObjectId) } });
        return merge.length;
      } finally {
        await ctx.redis.eval(RELEASE_LOCK, 1, lockKey(docId), token);
      }
    },
  };
}
