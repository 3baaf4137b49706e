/**
 * The storage contract: the patterns Zhibu's correctness rests on, run under races against whatever
 * MONGODB_URL points at (FerretDB here, MongoDB in production). If this passes on both, the application's
 * arbitration is correct on both. See ../shared/brief/storage.md and the README's storage rules.
 */

import { appendEvent, createCounters, insertOnce, isDuplicateKey, type VersionedEvent } from '@zhibu/server';
import { Redis } from 'ioredis';
import { type Db, GridFSBucket, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropTestData, testConfig } from '../support/app.js';

const config = testConfig('storage');
let client: MongoClient;
let db: Db;
let redis: Redis;

beforeAll(async () => {
  client = new MongoClient(config.MONGODB_URL, { maxPoolSize: 10 });
  await client.connect();
  db = client.db(config.MONGODB_DB);
  redis = new Redis(config.REDIS_URL);
});
afterAll(async () => {
  await client.close();
  redis.disconnect();
  await dropTestData(config);
});

describe('unique-index arbitration', () => {
  it('gives exactly one winner among 50 concurrent inserts of one key', async () => {
    const reactions = db.collection('c_reactions');
    await reactions.createIndex({ messageId: 1, userId: 1, emoji: 1 }, { unique: true });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => reactions.insertOne({ messageId: 'm1', userId: 'u1', emoji: '👍' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await reactions.countDocuments({ messageId: 'm1' })).toBe(1);
  });

  it('runs an exactly-once effect once for 20 concurrent attempts with one deterministic _id', async () => {
    const effects = db.collection<{ _id: string; at: Date }>('c_effects');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        insertOnce(effects, { _id: 'reminder:session-1:24h', at: new Date() }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });
});

describe('append-only event log', () => {
  interface Ev extends VersionedEvent {
    type: 'created' | 'bumped';
    by: number;
  }

  it('keeps versions gapless and loses no append under 30 concurrent writers', async () => {
    const log = db.collection<Ev>('c_events');
    await log.createIndex({ entityId: 1, version: 1 }, { unique: true });
    await appendEvent(log, 'issue-1', () => ({ type: 'created' as const, by: -1 }));
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        appendEvent(log, 'issue-1', () => ({ type: 'bumped' as const, by: i })),
      ),
    );
    const events = await log.find({ entityId: 'issue-1' }).sort({ version: 1 }).toArray();
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.by)).size).toBe(31);
  });

  it('lets a state machine refuse a transition decided on fresh state', async () => {
    const log = db.collection<Ev>('c_events_sm');
    await log.createIndex({ entityId: 1, version: 1 }, { unique: true });
    await appendEvent(log, 'minutes-1', () => ({ type: 'created' as const, by: 0 }));
    // Ten approvers race; the rule "only one bump after created" must hold.
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        appendEvent(log, 'minutes-1', (history) => {
          if (history.some((e) => e.type === 'bumped')) throw new Error('already approved');
          return { type: 'bumped' as const, by: i };
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await log.countDocuments({ entityId: 'minutes-1', type: 'bumped' })).toBe(1);
  });
});

describe('Redis sequence', () => {
  it('hands out gapless numbers to concurrent callers and survives a lost key', async () => {
    const messages = db.collection<{ channelId: string; seq: number }>('c_messages');
    await messages.createIndex({ channelId: 1, seq: 1 }, { unique: true });
    // The channels' own counters, used the way the message service uses them: on a unique-index
    // collision the counter is raised to the stored maximum and the send retried.
    const counters = createCounters(redis, config.REDIS_PREFIX);
    const storedMax = async () =>
      (await messages.find({ channelId: 'ch1' }).sort({ seq: -1 }).limit(1).next())?.seq ?? 0;
    const send = async () => {
      let seq = await counters.next('seq:ch1', storedMax);
      for (;;) {
        try {
          return await messages.insertOne({ channelId: 'ch1', seq });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          seq = await counters.reseedNext('seq:ch1', storedMax);
        }
      }
    };
    await Promise.all(Array.from({ length: 40 }, send));
    await redis.del(`${config.REDIS_PREFIX}:ctr:seq:ch1`); // Redis restarted or evicted the key
    await Promise.all(Array.from({ length: 10 }, send));
    const seqs = (await messages.find({ channelId: 'ch1' }).toArray())
      .map((m) => m.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe('single-owner documents', () => {
  it('keeps a read position monotonic with $max', async () => {
    const reads = db.collection<{ _id: string; seq: number }>('c_reads');
    await reads.insertOne({ _id: 'u1:ch1', seq: 10 });
    await reads.updateOne({ _id: 'u1:ch1' }, { $max: { seq: 7 } });
    expect((await reads.findOne({ _id: 'u1:ch1' }))?.seq).toBe(10);
    await reads.updateOne({ _id: 'u1:ch1' }, { $max: { seq: 12 } });
    expect((await reads.findOne({ _id: 'u1:ch1' }))?.seq).toBe(12);
  });
});

describe('supported subset', () => {
  it('sums with a single-accumulator $group', async () => {
    const items = db.collection<{ category: string; n: number }>('c_items');
    await items.insertMany(
      Array.from({ length: 30 }, (_, i) => ({ category: i % 3 === 0 ? 'hazard' : 'dispute', n: 1 })),
    );
    const rows = await items
      .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$category', count: { $sum: '$n' } } }])
      .toArray();
    expect(Object.fromEntries(rows.map((r) => [r._id, r.count]))).toEqual({ hazard: 10, dispute: 20 });
  });

  it('stays up under 300 parallel operations with a bounded pool', async () => {
    const hot = db.collection<{ _id: number }>('c_hot');
    await Promise.all(Array.from({ length: 300 }, (_, i) => hot.insertOne({ _id: i })));
    expect(await hot.countDocuments()).toBe(300);
  });

  it('round-trips binary data and GridFS files byte-exact', async () => {
    const bytes = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
    const bin = db.collection<{ _id: string; data: Buffer }>('c_bin');
    await bin.insertOne({ _id: 'u', data: Buffer.from(bytes) });
    const back = await bin.findOne({ _id: 'u' });
    expect(Buffer.from(back!.data.buffer).equals(Buffer.from(bytes))).toBe(true);

    const bucket = new GridFSBucket(db, { bucketName: 'c_files' });
    const upload = bucket.openUploadStream('a.bin');
    await new Promise<void>((resolve, reject) => {
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(Buffer.from(bytes));
    });
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStream(upload.id)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
  });
});
