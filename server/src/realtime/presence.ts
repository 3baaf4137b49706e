import type { PresenceStatus } from '@zhibu/shared';
import type { Redis } from 'ioredis';

const STALE_MS = 90_000;

/**
 * Presence across processes: one Redis hash per user, a field per socket holding "<status>:<expiresAtMs>".
 * Each process refreshes its own sockets' fields on a heartbeat; a field left by a crashed process expires
 * by its timestamp, so nobody stays "online" forever.
 */
export function createPresence(redis: Redis, prefix: string) {
  const key = (userId: string) => `${prefix}:presence:${userId}`;

  function statusOf(values: string[], now: number): PresenceStatus {
    let away = false;
    for (const v of values) {
      const [status, expires] = v.split(':');
      if (Number(expires) < now) continue;
      if (status === 'online') return 'online';
      if (status === 'away') away = true;
    }
    return away ? 'away' : 'offline';
  }

  async function status(userId: string): Promise<PresenceStatus> {
    return statusOf(await redis.hvals(key(userId)), Date.now());
  }

  return {
    status,
    async statuses(userIds: string[]): Promise<Record<string, PresenceStatus>> {
      if (userIds.length === 0) return {};
      const pipeline = redis.pipeline();
      for (const id of userIds) pipeline.hvals(key(id));
      const results = (await pipeline.exec()) ?? [];
      const now = Date.now();
      const out: Record<string, PresenceStatus> = {};
      userIds.forEach((id, i) => {
        const values = results[i]?.[1];
        out[id] = statusOf(Array.isArray(values) ? (values as string[]) : [], now);
      });
      return out;
    },
    /** Sets one socket's status; returns the user's status before and after. */
    async set(userId: string, socketId: string, next: 'online' | 'away' | null) {
      const before = await status(userId);
      if (next === null) await redis.hdel(key(userId), socketId);
      else
        await redis
          .multi()
          .hset(key(userId), socketId, `${next}:${Date.now() + STALE_MS}`)
          .pexpire(key(userId), STALE_MS * 2)
          .exec();
      return { before, after: await status(userId) };
    },
    /** Heartbeat of this process's sockets. */
    async refresh(entries: Array<{ userId: string; socketId: string; status: 'online' | 'away' }>) {
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      const expires = Date.now() + STALE_MS;
      for (const e of entries) {
        pipeline.hset(key(e.userId), e.socketId, `${e.status}:${expires}`);
        pipeline.pexpire(key(e.userId), STALE_MS * 2);
      }
      await pipeline.exec();
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
