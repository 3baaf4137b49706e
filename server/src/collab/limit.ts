import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';

/**
 * Claims a slot if fewer than ARGV[2] unexpired slots exist. A slot is a member of the user's sorted set
 * scored with its expiry (Redis time, so that the clocks of the server processes do not matter).
 */
const ACQUIRE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** Extends the expiry of the slots still held (XX: a slot that was released or expired stays gone). */
const REFRESH = `local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

export interface ConnectionLimitOptions {
  maxPerUser: number;
  /** A slot not refreshed for this long stops counting (its process died). */
  ttlMs?: number;
}

/**
 * Counts each user's collaboration connections across every process in Redis. Each connection holds a
 * slot that expires unless this process refreshes it (every third of the TTL), so the slots of a process
 * that crashed or lost Redis free themselves; a closed connection releases its slot at once.
 */
export function createConnectionLimit(ctx: AppContext, options: ConnectionLimitOptions) {
  const ttlMs = options.ttlMs ?? 60_000;
  const prefix = `${ctx.config.REDIS_PREFIX}:collab:conns`;
  const processId = randomBytes(6).toString('hex');
  let seq = 0;
  /** The slots this process holds: userId → slot ids. */
  const held = new Map<string, Set<string>>();
  const key = (userId: string) => `${prefix}:${userId}`;

  const timer = setInterval(
    () => {
      void refresh().catch((error: unknown) =>
        ctx.log.warn({ err: error }, 'collab: refreshing connection slots failed'),
      );
    },
    Math.floor(ttlMs / 3),
  );
  timer.unref();

  async function refresh(): Promise<void> {
    if (held.size === 0) return;
    const pipeline = ctx.redis.pipeline();
    for (const [userId, slots] of held) pipeline.eval(REFRESH, 1, key(userId), String(ttlMs), ...slots);
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  return {
    /** A slot for one more connection of the user, or null when the user is at the limit. */
    async acquire(userId: string): Promise<string | null> {
      seq += 1;
      const slot = `${processId}:${seq}`;
      const got = await ctx.redis.eval(
        ACQUIRE,
        1,
        key(userId),
        slot,
        String(options.maxPerUser),
        String(ttlMs),
      );
      if (Number(got) !== 1) return null;
      let slots = held.get(userId);
      if (!slots) {
        slots = new Set();
        held.set(userId, slots);
      }
      slots.add(slot);
      return slot;
    },

    /** Frees a slot (idempotent). Errors are logged: the slot then expires by itself within the TTL. */
    release(userId: string, slot: string): void {
      const slots = held.get(userId);
      if (!slots?.delete(slot)) return;
      if (slots.size === 0) held.delete(userId);
      ctx.redis
        .zrem(key(userId), slot)
        .catch((error: unknown) =>
          ctx.log.warn({ err: error, userId }, 'collab: releasing a connection slot failed; it will expire'),
        );
    },

    /** Stops refreshing; the slots still held are released. */
    async close(): Promise<void> {
      clearInterval(timer);
      const pipeline = ctx.redis.pipeline();
      for (const [userId, slots] of held) pipeline.zrem(key(userId), ...slots);
      held.clear();
      await pipeline
        .exec()
        .catch((error: unknown) =>
          ctx.log.warn(
            { err: error },
            'collab: releasing connection slots at close failed; they will expire',
          ),
        );
    },
  };
}

export type ConnectionLimit = ReturnType<typeof createConnectionLimit>;
