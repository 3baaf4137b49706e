import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { socketRedisKey, userRoom } from '@zhibu/shared';
import type { Redis } from 'ioredis';

/**
 * The live bridge: how code that holds no Socket.IO server (workers, and domain services that the workers
 * share with the API) reaches users' sockets.
 *
 * A sender PUBLISHes one JSON message `{ v, rooms, event, payload }` on the Redis channel
 * `<REDIS_PREFIX>:sio:live`; every API process subscribes and emits it to its own sockets in those rooms
 * (`io.local.to(rooms).emit`), so each socket gets it once whichever process it is connected to.
 *
 * Why not write into the Redis streams adapter's stream instead (which would also make these events
 * replayable by connection state recovery)? Because that entry format (ClusterAdapter message types,
 * encoded broadcast options, JSON-or-msgpack `data`) is an internal detail of a 0.x package, not a
 * documented interface: an upgrade that changes it would silently drop every worker notification, with no
 * error anywhere. This message format is ours, versioned and validated on receipt. What it costs: bridged
 * events are not in the recovery stream, so a client that was briefly disconnected misses them live —
 * they are hints (a stored notification, a changed grid issue) that the client re-reads anyway, never the
 * only copy of anything.
 */
export const LIVE_BRIDGE_VERSION = 1;

export const liveChannel = (redisPrefix: string): string => `${socketRedisKey(redisPrefix)}:live`;

const LiveMessage = Type.Object({
  v: Type.Literal(LIVE_BRIDGE_VERSION),
  rooms: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 1000 }),
  event: Type.String({ minLength: 1, maxLength: 100 }),
  payload: Type.Unknown(),
});
export type LiveMessage = Static<typeof LiveMessage>;
const checkLiveMessage = TypeCompiler.Compile(LiveMessage);

export interface LivePublisher {
  /** Publishes to the sockets in `rooms`; resolves once Redis has taken the message. */
  publish(rooms: string[], event: string, payload: unknown): Promise<void>;
  /**
   * Best-effort push to every socket of one user. Live pushes are hints beside stored state (a stored
   * notification, an issue's event log), so a failure must not fail the stored write: it is reported to
   * `onError` instead of thrown.
   */
  toUser(userId: string, event: string, payload: unknown): void;
}

export function createLivePublisher(
  redis: Redis,
  redisPrefix: string,
  onError: (error: unknown) => void = (error) =>
    process.emitWarning(`live bridge publish failed: ${String(error)}`, 'ZhibuLiveBridge'),
): LivePublisher {
  const channel = liveChannel(redisPrefix);
  const publish = async (rooms: string[], event: string, payload: unknown) => {
    const message: LiveMessage = { v: LIVE_BRIDGE_VERSION, rooms, event, payload };
    await redis.publish(channel, JSON.stringify(message));
  };
  return {
    publish,
    toUser(userId, event, payload) {
      publish([userRoom(userId)], event, payload).catch(onError);
    },
  };
}

/**
 * Subscribes a process to the bridge on its own connection (a subscribed connection can run no other
 * command). Resolves once the subscription is active; the returned function unsubscribes and closes it.
 * Messages that are not valid JSON of the current version are reported and dropped.
 */
export async function subscribeLive(
  redis: Redis,
  redisPrefix: string,
  deliver: (message: LiveMessage) => void,
  onInvalid: (reason: string) => void,
): Promise<() => Promise<void>> {
  const channel = liveChannel(redisPrefix);
  const sub = redis.duplicate({ connectionName: 'zhibu-sio-live' });
  sub.on('error', (error: unknown) => onInvalid(`live bridge Redis connection error: ${String(error)}`));
  sub.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      onInvalid('live bridge message is not JSON');
      return;
    }
    if (!checkLiveMessage.Check(parsed)) {
      onInvalid(`live bridge message rejected: ${checkLiveMessage.Errors(parsed).First()?.message ?? ''}`);
      return;
    }
    deliver(parsed);
  });
  await sub.subscribe(channel);
  return async () => {
    await sub.quit().catch(() => sub.disconnect());
  };
}
