import { decode, encode } from '@msgpack/msgpack';
import type { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';

type AdapterFactory = ReturnType<typeof createAdapter>;
type StreamsAdapter = ReturnType<AdapterFactory>;

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
 *
 * The adapter replays everything up to the end of the stream, but this process's stream reader may be
 * behind it: a packet from another process that is replayed and not yet read would reach the socket a
 * second time, live, once it has joined its rooms. Such packets are left out of the replay
 * (`notDeliveredLive`), with no await between that decision and the join.
 */
export function guardRecovery(factory: AdapterFactory, guard: RecoveryGuard): AdapterFactory {
  // Socket.IO calls the factory with `new`: a function (not an arrow) that returns the adapter object.
  return function guardedAdapter(nsp: Parameters<AdapterFactory>[0]) {
    const adapter = factory(nsp);
    const live = trackLiveDelivery(adapter);
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      await dropLostRooms(pid, guard);
      const session = await restore(pid, offset);
      return { ...session, missedPackets: notDeliveredLive(session.missedPackets, live.read(), live.own) };
    };
    return adapter;
  };
}

/**
 * Where this process's stream reader is (the last entry it handed to the adapter), and the entries this
 * process wrote that the reader has not reached yet. Those were delivered to local sockets when the write
 * returned (the adapter broadcasts locally itself and its reader skips its own entries), so they are not
 * delivered again later.
 */
function trackLiveDelivery(adapter: StreamsAdapter) {
  let read: string | null = null;
  const own = new Set<string>();
  const onRawMessage = adapter.onRawMessage.bind(adapter);
  adapter.onRawMessage = (message, offset) => {
    read = offset;
    own.delete(offset);
    return onRawMessage(message, offset);
  };
  const doPublish = adapter.doPublish.bind(adapter);
  adapter.doPublish = (message) => {
    const result: Promise<unknown> = doPublish(message);
    // Recorded before the adapter's own continuation broadcasts it locally; failures are the caller's.
    result.then(
      (offset) => {
        if (
          typeof offset === 'string' &&
          offset !== '' &&
          (read === null || compareOffsets(offset, read) > 0)
        ) {
          own.add(offset);
        }
      },
      () => undefined,
    );
    return result;
  };
  return { read: () => read, own: own as ReadonlySet<string> };
}

/** Orders two stream entry ids ("<ms>-<seq>"). */
export function compareOffsets(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/**
 * The replayed packets that live delivery will not bring: those up to where the reader is (it passed
 * them while the socket was away), and this process's own later ones (already broadcast locally). Packets
 * from other processes past the reader will come live. Before the reader has read anything, all are kept.
 */
export function notDeliveredLive(
  missed: unknown[][],
  read: string | null,
  own: ReadonlySet<string>,
): unknown[][] {
  if (read === null) return missed;
  return missed.filter((packet) => {
    const offset = packet[packet.length - 1];
    if (typeof offset !== 'string') return true;
    return compareOffsets(offset, read) <= 0 || own.has(offset);
  });
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
