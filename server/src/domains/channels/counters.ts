import type { ChainableCommander, Redis } from 'ioredis';
import type { ObjectId } from 'mongodb';

/** The counter of a channel's message sequence. */
export const seqKey = (channelId: ObjectId | string) =>
  `seq:${typeof channelId === 'string' ? channelId : channelId.toHexString()}`;

/**
 * Atomic per-channel counters in Redis (storage rule: never `$inc` a shared document). A counter is seeded
 * from the stored maximum with a compare-and-raise script when missing (Redis flushed, first use), and
 * re-seeded when the unique index reports a collision.
 */
const RAISE = `local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
local want = tonumber(ARGV[1])
if cur < want then redis.call('SET', KEYS[1], want) end
return redis.call('INCR', KEYS[1])`;

export interface Counters {
  /** The next value; `loadMax` gives the largest value already stored (0 when none). */
  next(key: string, loadMax: () => Promise<number>): Promise<number>;
  /** The next value of each key, in order, in one round trip once the keys are known to exist. */
  nextMany(requests: { key: string; loadMax: () => Promise<number> }[]): Promise<number[]>;
  /** After a unique-index collision: raise the counter to the stored maximum, then take the next value. */
  reseedNext(key: string, loadMax: () => Promise<number>): Promise<number>;
  /** The current value (seeding it if missing) without taking one. */
  current(key: string, loadMax: () => Promise<number>): Promise<number>;
  /** Current values of many keys; missing keys come back as null. */
  peek(keys: string[]): Promise<Array<number | null>>;
  /** The Redis key of a counter, for a script that takes values together with other work. */
  redisKey(key: string): string;
  /** Such a script found the counter missing (Redis flushed): the next use seeds it again. */
  forget(key: string): void;
}

/** The replies of a pipeline, in order; the first failed command's error is thrown. */
async function replies(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

export function createCounters(redis: Redis, prefix: string): Counters {
  const full = (key: string) => `${prefix}:ctr:${key}`;
  const seeded = new Set<string>();

  async function seed(key: string, loadMax: () => Promise<number>) {
    const max = await loadMax();
    await redis.set(full(key), String(max), 'NX');
    seeded.add(key);
    if (seeded.size > 100_000) seeded.clear();
  }

  return {
    async next(key, loadMax) {
      if (!seeded.has(key) && (await redis.exists(full(key))) === 0) await seed(key, loadMax);
      seeded.add(key);
      return redis.incr(full(key));
    },
    async nextMany(requests) {
      const unknown = requests.filter((r) => !seeded.has(r.key));
      if (unknown.length > 0) {
        const exists = redis.pipeline();
        for (const r of unknown) exists.exists(full(r.key));
        const found = await replies(exists);
        await Promise.all(unknown.filter((_, i) => found[i] === 0).map((r) => seed(r.key, r.loadMax)));
        for (const r of unknown) seeded.add(r.key);
      }
      const incr = redis.pipeline();
      for (const r of requests) incr.incr(full(r.key));
      return (await replies(incr)).map(Number);
    },
    async reseedNext(key, loadMax) {
      const max = await loadMax();
      return Number(await redis.eval(RAISE, 1, full(key), String(max)));
    },
    async current(key, loadMax) {
      const value = await redis.get(full(key));
      if (value !== null) return Number(value);
      await seed(key, loadMax);
      return Number((await redis.get(full(key))) ?? 0);
    },
    redisKey: full,
    forget: (key) => seeded.delete(key),
    async peek(keys) {
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys.map(full));
      return values.map((v) => (v === null ? null : Number(v)));
    },
  };
}
