import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AppContext } from '../context.js';

/** What travels between server processes about one document. */
export const RelayKind = {
  /** A Yjs update applied on the sending process. */
  update: 0,
  /** An awareness update (y-protocols encoding). */
  awareness: 1,
  /** "I just loaded this document": payload is my state vector; holders answer with what I miss. */
  hello: 2,
} as const;
export type RelayKind = (typeof RelayKind)[keyof typeof RelayKind];

export interface RelayHandlers {
  onDocMessage(docId: string, kind: RelayKind, payload: Uint8Array): void;
  onControl(message: unknown): void;
  /** The subscriber (re)connected: every loaded document should say hello again to catch up. */
  onResubscribed(): void;
}

const ORIGIN_BYTES = 8;

/**
 * Redis pub/sub between server processes: one channel per loaded document (binary frames
 * `[origin 8 bytes][kind 1 byte][payload]`) and one JSON control channel (access changes). A process
 * ignores its own frames. Pub/sub can drop messages while a connection is down, so every (re)subscription
 * triggers a hello that lets the other holders send the missing state.
 */
export function createRelay(ctx: AppContext, handlers: RelayHandlers) {
  const origin = randomBytes(ORIGIN_BYTES);
  const base = `${ctx.config.REDIS_PREFIX}:collab`;
  const docChannel = (docId: string) => `${base}:d:${docId}`;
  const controlChannel = `${base}:control`;
  const sub: Redis = ctx.redis.duplicate({ connectionName: 'zhibu-collab-sub' });
  // Publishing gets its own connection with auto-pipelining: the frames of one tick go out in one write.
  const pub: Redis = ctx.redis.duplicate({ connectionName: 'zhibu-collab-pub', enableAutoPipelining: true });
  let connectedOnce = false;
  /**
   * Documents no other process holds (our last publish reached only our own subscriber): their updates
   * and awareness are not published. Safe because a process that loads the document says hello first,
   * and the answer to a hello carries everything it missed. `epoch` counts messages from other processes,
   * so that a late publish reply cannot mark a document alone after someone else appeared.
   */
  const alone = new Set<string>();
  const epoch = new Map<string, number>();
  /** Documents this process is subscribed to: only then does a count of one receiver mean "only us". */
  const joined = new Set<string>();
  let closing = false;

  sub.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
    const channel = channelBuf.toString();
    try {
      if (channel === controlChannel) {
        handlers.onControl(JSON.parse(message.toString()));
        return;
      }
      if (message.length < ORIGIN_BYTES + 1 || message.subarray(0, ORIGIN_BYTES).equals(origin)) return;
      const docId = channel.slice(`${base}:d:`.length);
      const kind = message[ORIGIN_BYTES] as RelayKind;
      alone.delete(docId);
      epoch.set(docId, (epoch.get(docId) ?? 0) + 1);
      handlers.onDocMessage(docId, kind, new Uint8Array(message.subarray(ORIGIN_BYTES + 1)));
    } catch (error) {
      ctx.log.error({ err: error, channel }, 'collab relay: bad message');
    }
  });
  sub.on('ready', () => {
    if (connectedOnce) handlers.onResubscribed();
    connectedOnce = true;
  });
  sub.on('error', (error) => ctx.log.warn({ err: error }, 'collab relay subscriber error'));

  return {
    async start(): Promise<void> {
      await sub.subscribe(controlChannel);
    },
    async join(docId: string): Promise<void> {
      await sub.subscribe(docChannel(docId));
      joined.add(docId);
    },
    async leave(docId: string): Promise<void> {
      joined.delete(docId);
      alone.delete(docId);
      epoch.delete(docId);
      await sub.unsubscribe(docChannel(docId));
    },
    publish(docId: string, kind: RelayKind, payload: Uint8Array): void {
      if (closing || (kind !== RelayKind.hello && alone.has(docId))) return;
      const frame = Buffer.concat([origin, Buffer.from([kind]), payload]);
      const sentAt = epoch.get(docId) ?? 0;
      // Best effort by design: a lost frame is recovered by the hello of the process that missed it.
      pub.publish(docChannel(docId), frame).then(
        (receivers) => {
          // Counts taken while we were not subscribed (an unloading room's last awareness) say nothing.
          if (!joined.has(docId)) return;
          if (receivers > 1) alone.delete(docId);
          else if ((epoch.get(docId) ?? 0) === sentAt) alone.add(docId);
        },
        (error: unknown) => ctx.log.error({ err: error, docId }, 'collab relay: publish failed'),
      );
    },
    async publishControl(message: unknown): Promise<void> {
      await pub.publish(controlChannel, JSON.stringify(message));
    },
    async close(): Promise<void> {
      closing = true;
      sub.disconnect();
      // A ping through the same auto-pipeline completes after every publish queued before it.
      await pub.ping().catch(() => undefined);
      await pub.quit().catch(() => pub.disconnect());
    },
  };
}

export type Relay = ReturnType<typeof createRelay>;
