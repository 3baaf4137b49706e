import type { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';

type AdapterFactory = ReturnType<typeof createAdapter>;
type StreamsAdapter = ReturnType<AdapterFactory>;
type Session = Awaited<ReturnType<StreamsAdapter['restoreSession']>>;

const CHANNEL_PREFIX = 'channel:';

export interface RecoveryGuard {
  /** The adapter's command connection and stream (to look up where each missed packet was sent). */
  redis: Redis;
  streamName: string;
  /** The `channel:<id>` rooms the user may read now. */
  readableRooms(userId: string): Promise<Set<string>>;
}

/**
 * Connection state recovery that respects access changes made while the client was away.
 *
 * Socket.IO restores a session with the rooms it had at disconnect and writes its missed packets to the
 * wire in the socket's constructor — before any middleware runs (`skipMiddlewares: false` only decides
 * whether the connection is accepted afterwards). Removing a member from a channel while their socket is
 * disconnected cannot touch a session that only exists in Redis. So the check happens here, where the
 * session is restored: channel rooms the user can no longer read are dropped, and so is every missed
 * packet that reached the session only through such a room. Whatever cannot be decided (an entry trimmed
 * from the stream meanwhile, a non-JSON entry) refuses the recovery: the client then gets a fresh session
 * and catches up with the sequence-based `sync`, which checks access itself.
 */
export function guardRecovery(factory: AdapterFactory, guard: RecoveryGuard): AdapterFactory {
  // Socket.IO calls the factory with `new`: a function (not an arrow) that returns the adapter object.
  return function guardedAdapter(nsp: Parameters<AdapterFactory>[0]) {
    const adapter = factory(nsp);
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => checked(await restore(pid, offset), guard);
    return adapter;
  };
}

async function checked(session: Session, guard: RecoveryGuard): Promise<Session> {
  const userId = (session.data as { userId?: unknown } | null | undefined)?.userId;
  if (typeof userId !== 'string') throw new Error('recovered session has no user');
  const readable = await guard.readableRooms(userId);
  const lost = new Set(session.rooms.filter((r) => r.startsWith(CHANNEL_PREFIX) && !readable.has(r)));
  if (lost.size === 0) return session;
  const rooms = session.rooms.filter((r) => !lost.has(r));
  const missedPackets = await stillVisible(session.missedPackets, rooms, guard);
  // Told to the client on connection (`channels:changed`), as a live removal would have been.
  const revokedWhileAway = [...lost].map((r) => r.slice(CHANNEL_PREFIX.length));
  return { ...session, rooms, missedPackets, data: { ...(session.data as object), revokedWhileAway } };
}

interface Target {
  rooms: string[];
  except: string[];
}

/** Keeps the missed packets that the remaining rooms alone would have delivered (Socket.IO's own rule). */
async function stillVisible(
  packets: unknown[][],
  rooms: string[],
  guard: RecoveryGuard,
): Promise<unknown[][]> {
  if (packets.length === 0) return packets;
  // Each missed packet ends with its stream offset (that is how the client learns its position).
  const offsets = packets.map((p) => p[p.length - 1]);
  if (!offsets.every((o): o is string => typeof o === 'string'))
    throw new Error('missed packet without offset');
  const entries = await guard.redis.xrange(guard.streamName, offsets[0]!, offsets[offsets.length - 1]!);
  const targets = new Map<string, Target>();
  for (const [id, fields] of entries) {
    const target = targetOf(fields);
    if (target) targets.set(id, target);
  }
  return packets.filter((_, i) => {
    const target = targets.get(offsets[i]!);
    if (!target) throw new Error(`missed packet ${offsets[i]} not readable from the stream`);
    const included = target.rooms.length === 0 || rooms.some((r) => target.rooms.includes(r));
    return included && rooms.every((r) => !target.except.includes(r));
  });
}

/** The broadcast options of a stream entry (`data` is JSON `{ packet, opts: { rooms, except } }`). */
function targetOf(fields: string[]): Target | null {
  const i = fields.indexOf('data');
  const data = i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
  if (!data?.startsWith('{')) return null;
  const parsed = JSON.parse(data) as { opts?: { rooms?: unknown; except?: unknown } };
  const { rooms, except } = parsed.opts ?? {};
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  return strings(rooms) && strings(except) ? { rooms, except } : null;
}
