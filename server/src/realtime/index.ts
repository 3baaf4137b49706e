import { createAdapter } from '@socket.io/redis-streams-adapter';
import {
  channelRoom,
  PROTOCOL_VERSION,
  presenceRoom,
  SOCKET_PATH,
  socketRedisKey,
  userRoom,
} from '@zhibu/shared';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { corsOrigins } from '../config.js';
import type { AppContext } from '../context.js';
import type { Broadcaster } from '../domains/channels/events.js';
import { channelsDomainFor } from '../domains/channels/service.js';
import { subscribeOrgEvents } from '../domains/org/events.js';
import { AppError } from '../http/app-error.js';
import type { RouteDeps } from '../http/route-deps.js';
import type { App } from '../http/types.js';
import { registerHandlers } from './handlers.js';
import { subscribeLive } from './live.js';
import { createPresence } from './presence.js';
import { guardRecovery } from './recovery.js';
import type { AppServer, AppSocket } from './types.js';

const CHANNEL_PREFIX = 'channel:';

/** How long a disconnected socket's session (rooms, missed packets) is kept for connection state recovery. */
const MAX_DISCONNECTION_MS = 2 * 60 * 1000;
/**
 * Entries kept in the adapter's stream (approximate trimming). A gap longer than the stream reaches back
 * cannot be recovered (its offset is gone) and falls back to the client's `sync`: at 200 broadcasts/s this
 * keeps about 100 s, in the order of MAX_DISCONNECTION_MS.
 */
const STREAM_MAX_LEN = 20_000;

/**
 * The Socket.IO server on the API's HTTP server: Redis streams adapter (rooms, presence and typing shared
 * by every process, and connection state recovery across processes: a client back within
 * MAX_DISCONNECTION_MS gets its session and the packets it missed, whichever process it reconnects to),
 * token authentication, `user:<id>` and `channel:<id>` rooms, live access changes from org events, and the
 * live bridge for workers (live.ts). `destroyUpgrade: false` leaves other WebSocket upgrades (the collab
 * endpoint) alone.
 */
export async function attachRealtime(app: App, ctx: AppContext, deps: RouteDeps): Promise<AppServer> {
  // The adapter's command connection; it duplicates it for its blocking stream reads and pub/sub. Its
  // commands (an XADD per broadcast) are auto-pipelined: those of one event-loop turn go out in one write.
  const pub = ctx.redis.duplicate({ connectionName: 'zhibu-sio', enableAutoPipelining: true });
  pub.on('error', (error: unknown) =>
    ctx.log.warn({ err: error }, 'socket.io adapter Redis connection error'),
  );
  // The adapter's own duplicates are kept so that closing disconnects them at once: its stream reader
  // would otherwise stay blocked in XREAD (blockTimeInMs) after the server has closed.
  const adapterClients: Redis[] = [];
  const duplicate = pub.duplicate.bind(pub);
  pub.duplicate = (override) => {
    const client = duplicate({ ...override, enableAutoPipelining: false });
    adapterClients.push(client);
    return client;
  };
  const key = socketRedisKey(ctx.config.REDIS_PREFIX);
  const sessionKeyPrefix = `${key}:session:`;
  const domain = channelsDomainFor(ctx);
  const adapter = guardRecovery(
    createAdapter(pub, {
      streamName: `${key}:stream`,
      channelPrefix: key,
      sessionKeyPrefix,
      maxLen: STREAM_MAX_LEN,
    }),
    {
      redis: pub,
      sessionKeyPrefix,
      readableRooms: async (userId) =>
        new Set((await domain.channels.readableIds(userId)).map((id) => channelRoom(id.toHexString()))),
    },
  );
  const origins = corsOrigins(ctx.config);
  const io: AppServer = new Server(app.server, {
    path: SOCKET_PATH,
    serveClient: false,
    destroyUpgrade: false,
    // Big enough for any valid payload; larger frames are refused by the transport.
    maxHttpBufferSize: 1024 * 1024,
    cors: origins.length > 0 ? { origin: origins, credentials: true } : undefined,
    // Middlewares (token check) run on a recovered connection too; channel access is re-checked when the
    // session is restored (recovery.ts) and again on connection below. recovery.ts also leaves out of the
    // replay what this process's lagging stream reader will still deliver live (the adapter would send
    // it twice); channel events carry `eventSeq` besides, and the client applies each one once.
    connectionStateRecovery: { maxDisconnectionDuration: MAX_DISCONNECTION_MS, skipMiddlewares: false },
    adapter,
  });
  const presence = createPresence(ctx.redis, ctx.config.REDIS_PREFIX);

  const broadcaster: Broadcaster = {
    channelEvent: (event) => {
      io.to(channelRoom(event.channelId)).emit('channel:event', event);
    },
    toUser: (userId, event, payload) => {
      (io.to(userRoom(userId)) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    },
    joinChannels: (userId, ids) => io.in(userRoom(userId)).socketsJoin(ids.map(channelRoom)),
    leaveChannels: (userId, ids) => io.in(userRoom(userId)).socketsLeave(ids.map(channelRoom)),
    invalidate: (change) => io.serverSideEmit('channels:invalidate', change),
  };
  domain.useBroadcaster(broadcaster);

  /** Brings this process's sockets of a user in line with what the user may read now. */
  async function resync(userId: string): Promise<void> {
    const sockets = await io.local.in(userRoom(userId)).fetchSockets();
    if (sockets.length === 0) return;
    const readable = new Set(
      (await domain.channels.readableIds(userId)).map((id) => channelRoom(id.toHexString())),
    );
    for (const socket of sockets) {
      const current = [...socket.rooms].filter((r) => r.startsWith(CHANNEL_PREFIX));
      const removed = current.filter((r) => !readable.has(r));
      const added = [...readable].filter((r) => !socket.rooms.has(r));
      for (const r of removed) socket.leave(r);
      if (added.length > 0) socket.join(added);
      if (removed.length + added.length > 0) {
        socket.emit('channels:changed', {
          added: added.map((r) => r.slice(CHANNEL_PREFIX.length)),
          removed: removed.map((r) => r.slice(CHANNEL_PREFIX.length)),
        });
      }
    }
  }

  const resyncSafely = (userId: string) =>
    resync(userId).catch((error: unknown) => ctx.log.error({ err: error, userId }, 'could not resync rooms'));

  io.on('channels:invalidate', (change) => {
    for (const id of change.channelIds ?? []) domain.access.forgetChannel(id);
    for (const id of change.userIds ?? []) {
      domain.access.forgetUser(id);
      void resyncSafely(id);
    }
  });

  // Workers and domain services reach sockets through the live bridge; each process delivers to its own.
  const unsubscribeLive = await subscribeLive(
    ctx.redis,
    ctx.config.REDIS_PREFIX,
    (message) => {
      (io.local.to(message.rooms) as unknown as { emit(e: string, p: unknown): void }).emit(
        message.event,
        message.payload,
      );
    },
    (reason) => ctx.log.warn(reason),
  );

  const unsubscribe = await subscribeOrgEvents(ctx, async (event) => {
    const userId = await domain.onOrgEvent(event);
    if (userId) await resync(userId);
  });

  // Presence writes still running when the server closes are awaited before Redis is closed.
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  function onPresenceChange(userId: string, before: string, after: string) {
    if (before !== after) io.to(presenceRoom(userId)).emit('presence', { userId, status: after as 'online' });
  }

  io.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : null;
    if (!token) {
      next(Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED' } }));
      return;
    }
    deps.auth.accessTokens.verify(token).then(
      (claims) => {
        // A recovered session belongs to the user it was opened for; another user's token cannot take it.
        if (socket.recovered && socket.data.userId !== claims.sub) {
          next(Object.assign(new Error('FORBIDDEN'), { data: { code: 'FORBIDDEN' } }));
          return;
        }
        socket.data.userId = claims.sub;
        socket.data.presence = 'online';
        next();
      },
      (error: unknown) => {
        const code = error instanceof AppError ? error.code : 'UNAUTHENTICATED';
        next(Object.assign(new Error(code), { data: { code } }));
      },
    );
  });

  io.on('connection', (socket: AppSocket) => {
    const userId = socket.data.userId;
    registerHandlers(socket, { domain, presence, log: ctx.log, onPresenceChange });
    socket.join(userRoom(userId));
    void (async () => {
      try {
        const readable = new Set(
          (await domain.channels.readableIds(userId)).map((id) => channelRoom(id.toHexString())),
        );
        // A recovered socket comes back with its old rooms (less those lost while it was away, see
        // recovery.ts); access may also have changed since the session was restored.
        const removed = [...socket.rooms].filter((r) => r.startsWith(CHANNEL_PREFIX) && !readable.has(r));
        const added = [...readable].filter((r) => !socket.rooms.has(r));
        for (const r of removed) socket.leave(r);
        socket.join(added);
        const revoked = [
          ...(socket.data.revokedWhileAway ?? []),
          ...removed.map((r) => r.slice(CHANNEL_PREFIX.length)),
        ];
        delete socket.data.revokedWhileAway;
        if (socket.recovered && revoked.length + added.length > 0) {
          socket.emit('channels:changed', {
            added: added.map((r) => r.slice(CHANNEL_PREFIX.length)),
            removed: revoked,
          });
        }
        const { before, after } = await track(presence.set(userId, socket.id, 'online'));
        onPresenceChange(userId, before, after);
        if (socket.disconnected) {
          // It left during the lookups above: its disconnect cleared presence before this set it.
          const gone = await track(presence.set(userId, socket.id, null));
          onPresenceChange(userId, gone.before, gone.after);
          return;
        }
        socket.emit('hello', { protocolVersion: PROTOCOL_VERSION, userId, recovered: socket.recovered });
      } catch (error) {
        ctx.log.warn({ err: error, userId }, 'socket setup failed; disconnecting');
        socket.disconnect(true);
      }
    })();
    socket.on('disconnect', () => {
      track(presence.set(userId, socket.id, null)).then(
        ({ before, after }) => onPresenceChange(userId, before, after),
        (error: unknown) => ctx.log.warn({ err: error }, 'presence update failed'),
      );
    });
  });

  const heartbeat = setInterval(() => {
    const entries = [...io.of('/').sockets.values()].map((s) => ({
      userId: s.data.userId,
      socketId: s.id,
      status: s.data.presence,
    }));
    presence
      .refresh(entries)
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'presence heartbeat failed'));
  }, 30_000);
  heartbeat.unref();

  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    io.local.disconnectSockets(true);
    io.engine.close();
    await Promise.allSettled([...pending]);
    await unsubscribe();
    await unsubscribeLive();
    await domain.close();
    // Stops the adapter's stream reader; its connections are then closed rather than left to time out.
    await io.of('/').adapter.close();
    for (const client of adapterClients) client.disconnect();
    await pub.quit().catch(() => undefined);
  });
  return io;
}
