import { decode, encode } from '@msgpack/msgpack';
import type { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';

type AdapterFactory = ReturnType<typeof createAdapter>;

const CHANNEL_PREFIX = 'channel:';

export interface RecoveryGuard {
  /** The adapter's command connection and its session key prefix (`sessionKeyPrefix`). */
  redis: Redis;
  sessionKeyPrefix: string;
  /** The `channel:<id>` rooms the user may read now. */
  readableRooms(userId: string): Promise<Set<string>>;
}

/** What the adapter stores for a disconnected socket (msgpack, base64, under `<sessionKeyPrefix><pid>`). */
interface StoredSession {
  sid: string;
  pid: string;
  rooms: string[];
  data: Record<string, unknown>;
}

/**
 * Connection state recovery that respects access changes made while the client was away.
 *
 * Socket.IO restores a session with the rooms it had at disconnect and writes its missed packets to the
 * wire in the socket's constructor — before any middleware runs (`skipMiddlewares: false` only decides
 * whether the connection is accepted afterwards). Removing a member from a channel while their socket is
 * disconnected cannot touch a session that only exists in Redis.
 *
 * So, before the adapter restores a session, its stored copy is read, the user's channel access checked,
 * and the session rewritten without the channel rooms the user lost. The adapter then restores it as
 * usual: it selects the missed packets by the remaining rooms (Socket.IO's own rule), so nothing sent to a
 * lost channel is replayed, and its stream read stays the last step before the socket joins its rooms
 * (an await after it would let the live stream reader pass broadcasts that the socket then never gets).
 *
 * The stored format is the adapter's (msgpack, the same major version as its own dependency). Anything
 * unexpected refuses the recovery: the client then gets a fresh session and catches up with the
 * sequence-based `sync`, which checks access itself.
 */
export function guardRecovery(factory: AdapterFactory, guard: RecoveryGuard): AdapterFactory {
  // Socket.IO calls the factory with `new`: a function (not an arrow) that returns the adapter object.
  return function guardedAdapter(nsp: Parameters<AdapterFactory>[0]) {
    const adapter = factory(nsp);
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      await dropLostRooms(pid, guard);
      return restore(pid, offset);
    };
    return adapter;
  };
}

async function dropLostRooms(pid: string, guard: RecoveryGuard): Promise<void> {
  const key = guard.sessionKeyPrefix + pid;
  const raw = await guard.redis.get(key);
  if (!raw) return; // expired or already taken: the adapter refuses it itself
  const session = decodeSession(raw);
  const userId = session.data.userId;
  if (typeof userId !== 'string') throw new Error('stored session has no user');
  const readable = await guard.readableRooms(userId);
  const lost = session.rooms.filter((r) => r.startsWith(CHANNEL_PREFIX) && !readable.has(r));
  if (lost.length === 0) return;
  const rewritten: StoredSession = {
    ...session,
    rooms: session.rooms.filter((r) => !lost.includes(r)),
    // Told to the client on connection (`channels:changed`), as a live removal would have been.
    data: { ...session.data, revokedWhileAway: lost.map((r) => r.slice(CHANNEL_PREFIX.length)) },
  };
  // XX: only while it still exists; KEEPTTL: it expires when the original would have.
  const set = await guard.redis.set(key, Buffer.from(encode(rewritten)).toString('base64'), 'KEEPTTL', 'XX');
  if (set !== 'OK') throw new Error('stored session vanished while its access was checked');
}

function decodeSession(raw: string): StoredSession {
  const value = decode(Buffer.from(raw, 'base64')) as Partial<StoredSession> | null;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (
    !value ||
    typeof value.sid !== 'string' ||
    typeof value.pid !== 'string' ||
    !strings(value.rooms) ||
    typeof value.data !== 'object' ||
    value.data === null
  ) {
    throw new Error('stored session in an unexpected format');
  }
  return value as StoredSession;
}
