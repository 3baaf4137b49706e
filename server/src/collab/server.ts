import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  COLLAB_MAX_CONNECTIONS_PER_USER,
  CollabCloseCodes,
  type DocumentAccess,
  type DocumentKind,
  parseDocName,
} from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { startHeartbeat } from './heartbeat.js';
import { createConnectionLimit } from './limit.js';
import {
  type ClientMessage,
  decodeClientMessage,
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  ProtocolError,
} from './protocol.js';
import { createRelay, RelayKind } from './relay.js';
import { type Conn, RELAY_ORIGIN, Room, SERVER_ORIGIN, send } from './room.js';
import { createUpdateStore } from './store.js';
import { createWriter } from './writer.js';

/** What the collaboration server needs from the documents domain. */
export interface CollabDocuments {
  /** The user's access to the document; null when there is no such document of that kind. */
  access(userId: string, docId: string, kind: DocumentKind): Promise<DocumentAccess | null>;
  /** Drops cached access facts (after an org event for the user, or a lifecycle change of the document). */
  forget?(what: { userId: string } | { docId: string }): void;
  /** The initial content of a document that has nothing stored yet (null: start empty). */
  template(docId: string): Promise<Uint8Array | null>;
  /** The content changed (called at most every few seconds per document, and when it unloads). */
  contentChanged(docId: ObjectId, doc: Y.Doc): Promise<void>;
}

export interface CollabOptions {
  verifyToken(token: string): Promise<{ sub: string }>;
  documents: CollabDocuments;
  /** Concurrent connections per user over all processes (default COLLAB_MAX_CONNECTIONS_PER_USER). */
  maxConnectionsPerUser?: number;
}

const PATH_PREFIX = '/collab/';
/** Plain text and automatic versions are refreshed at most this often per document (and on unload). */
const TEXT_INTERVAL_MS = 10_000;

interface ControlMessage {
  type: 'doc-access';
  docId: string;
}

export type Collab = ReturnType<typeof createCollab>;

/**
 * The y-websocket-protocol server (y-protocols sync + awareness on yjs 13) on `/collab/<docName>`.
 * Load before sync: a connection's frames are queued until its document is loaded from storage, and the
 * server's sync step 1 is sent only then. Documents are kept in memory while clients (or server-side
 * edits) hold them and unloaded after a grace period.
 */
export function createCollab(ctx: AppContext, options: CollabOptions) {
  const cfg = ctx.config;
  const store = createUpdateStore(ctx);
  const limit = createConnectionLimit(ctx, {
    maxPerUser: options.maxConnectionsPerUser ?? COLLAB_MAX_CONNECTIONS_PER_USER,
  });
  const rooms = new Map<string, Room>();
  const loading = new Map<string, Promise<Room>>();
  const holds = new Map<Room, number>();
  const lastText = new Map<Room, number>();
  const kinds = new Map<string, DocumentKind>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: cfg.COLLAB_MAX_UPDATE_BYTES * 2 + 1024 });
  const stopHeartbeat = startHeartbeat(wss, cfg.COLLAB_HEARTBEAT_MS);
  let closed = false;

  /** Background work (plain text, compaction) that close() waits for before the clients shut. */
  const inflight = new Set<Promise<unknown>>();
  function track<T>(promise: Promise<T>): Promise<T> {
    inflight.add(promise);
    void promise.finally(() => inflight.delete(promise)).catch(() => undefined);
    return promise;
  }
  const writer = createWriter(ctx, store, cfg.COLLAB_FLUSH_MS, (docIds) => {
    for (const id of docIds) {
      const room = rooms.get(id);
      if (!room) continue;
      const compaction = room.written();
      if (compaction) void track(compaction);
      void contentChanged(room, false);
    }
  });
  const relay = createRelay(ctx, {
    onDocMessage(docId, kind, payload) {
      const room = rooms.get(docId);
      if (!room || room.closing) return;
      if (kind === RelayKind.update) room.applyRelayed(payload);
      else if (kind === RelayKind.awareness)
        awarenessProtocol.applyAwarenessUpdate(room.awareness, payload, RELAY_ORIGIN);
      else if (kind === RelayKind.hello) answerHello(room, payload);
    },
    onControl(message) {
      const m = message as Partial<ControlMessage>;
      if (m.type === 'doc-access' && typeof m.docId === 'string') {
        options.documents.forget?.({ docId: m.docId });
        const room = rooms.get(m.docId);
        if (room) void reevaluate([...room.conns.values()], room);
      }
    },
    onResubscribed() {
      for (const room of rooms.values())
        relay.publish(room.id, RelayKind.hello, Y.encodeStateVector(room.doc));
    },
  });

  function answerHello(room: Room, stateVector: Uint8Array): void {
    const missing = Y.encodeStateAsUpdate(room.doc, stateVector);
    if (missing.length > 2) relay.publish(room.id, RelayKind.update, missing);
    const states = [...room.awareness.getStates().keys()];
    if (states.length > 0) {
      relay.publish(
        room.id,
        RelayKind.awareness,
        awarenessProtocol.encodeAwarenessUpdate(room.awareness, states),
      );
    }
  }

  function contentChanged(room: Room, force: boolean): Promise<void> {
    const now = Date.now();
    if (!room.dirtySinceText || (!force && now - (lastText.get(room) ?? 0) < TEXT_INTERVAL_MS)) {
      return Promise.resolve();
    }
    room.dirtySinceText = false;
    lastText.set(room, now);
    return track(options.documents.contentChanged(room.docId, room.doc)).catch((error: unknown) => {
      room.dirtySinceText = true;
      ctx.log.error({ err: error, docId: room.id }, 'collab: saving plain text failed');
    });
  }

  async function load(docId: string): Promise<Room> {
    const oid = new ObjectId(docId);
    const room = new Room(oid, ctx, store, relay, writer, { compactAfter: cfg.COLLAB_COMPACT_AFTER });
    // Subscribe first, then read: whatever another process relays meanwhile is not missed.
    await relay.join(docId);
    try {
      let stored = await store.load(oid);
      if (stored.count === 0) {
        const template = await options.documents.template(docId);
        // Clock 0 is unique: of many processes creating the template at once, one insert wins.
        if (template) await store.insertTemplate(oid, template);
        stored = await store.load(oid);
      }
      // One transaction, one update at a time: much cheaper than Y.mergeUpdates of many records.
      room.doc.transact(() => {
        for (const update of stored.updates) Y.applyUpdate(room.doc, update, RELAY_ORIGIN);
      }, RELAY_ORIGIN);
      room.bytes = stored.bytes;
      room.storedCount = stored.count;
    } catch (error) {
      await relay.leave(docId);
      room.destroy();
      throw error;
    }
    relay.publish(docId, RelayKind.hello, Y.encodeStateVector(room.doc));
    rooms.set(docId, room);
    return room;
  }

  /** The loaded room of a document, loading it once however many connections ask at the same time. */
  async function acquire(docId: string): Promise<Room> {
    for (;;) {
      const existing = rooms.get(docId);
      if (existing && !existing.closing) {
        cancelUnload(existing);
        return existing;
      }
      if (existing?.closing) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      let pending = loading.get(docId);
      if (!pending) {
        pending = load(docId).finally(() => loading.delete(docId));
        loading.set(docId, pending);
      }
      const room = await pending;
      if (!room.closing) {
        cancelUnload(room);
        return room;
      }
    }
  }

  function cancelUnload(room: Room): void {
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer);
      room.unloadTimer = null;
    }
  }

  function maybeUnload(room: Room): void {
    if (room.conns.size > 0 || (holds.get(room) ?? 0) > 0 || room.closing || room.unloadTimer) return;
    room.unloadTimer = setTimeout(() => {
      room.unloadTimer = null;
      if (room.conns.size > 0 || (holds.get(room) ?? 0) > 0) return;
      void track(unload(room));
    }, cfg.COLLAB_UNLOAD_GRACE_MS);
  }

  async function unload(room: Room): Promise<void> {
    room.closing = true;
    try {
      await room.flush();
      await contentChanged(room, true);
    } finally {
      rooms.delete(room.id);
      holds.delete(room);
      lastText.delete(room);
      await relay.leave(room.id).catch(() => undefined);
      const storedCount = room.storedCount;
      room.destroy();
      // Leave a compact document behind, so that the next cold load applies one snapshot instead of many
      // records. In the background: a concurrent load is safe (it reads duplicates at worst).
      if (storedCount > 2 && !closed) {
        void track(store.compact(room.docId)).catch((error: unknown) =>
          ctx.log.error({ err: error, docId: room.id }, 'collab: compaction after unload failed'),
        );
      }
    }
  }

  function closeConn(ws: WebSocket, code: number, reason: string): void {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
  }

  function handleMessage(room: Room, conn: Conn, data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, 'binary frames only');
      return;
    }
    // `ws` hands binary messages over as a Buffer (its default binaryType): no copy.
    const frame = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data as ArrayBuffer);
    if (frame.length > cfg.COLLAB_MAX_UPDATE_BYTES) {
      closeConn(conn.ws, CollabCloseCodes.TOO_LARGE, 'message too large');
      return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(new Uint8Array(frame.buffer, frame.byteOffset, frame.length));
    } catch (error) {
      const why = error instanceof ProtocolError ? error.message : 'malformed frame';
      closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, why);
      return;
    }
    switch (message.type) {
      case 'syncStep1':
        send(conn.ws, encodeSyncStep2(Y.encodeStateAsUpdate(room.doc, message.stateVector)));
        return;
      case 'syncStep2':
      case 'update': {
        if (conn.readOnly) {
          if (message.update.length > 2) send(conn.ws, encodePermissionDenied('read-only'));
          return;
        }
        if (room.bytes + message.update.length > cfg.COLLAB_MAX_DOC_BYTES) {
          if (room.exactBytes() + message.update.length > cfg.COLLAB_MAX_DOC_BYTES) {
            closeConn(conn.ws, CollabCloseCodes.TOO_LARGE, 'document size cap reached');
            return;
          }
        }
        try {
          Y.applyUpdate(room.doc, message.update, conn);
        } catch {
          closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, 'undecodable update');
        }
        return;
      }
      case 'awareness':
        try {
          awarenessProtocol.applyAwarenessUpdate(room.awareness, message.update, conn);
        } catch {
          closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, 'undecodable awareness update');
        }
        return;
      case 'queryAwareness': {
        const ids = [...room.awareness.getStates().keys()];
        if (ids.length > 0) {
          send(conn.ws, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids)));
        }
        return;
      }
      case 'auth':
        return;
    }
  }

  async function reevaluate(conns: Conn[], room: Room): Promise<void> {
    const kind = kinds.get(room.id);
    if (!kind) return;
    for (const conn of conns) {
      const access = await options.documents.access(conn.userId, room.id, kind).catch(() => null);
      if (access === null || access === 'none') {
        closeConn(conn.ws, CollabCloseCodes.FORBIDDEN, 'access revoked');
        continue;
      }
      const readOnly = access === 'read';
      if (readOnly === conn.readOnly) continue;
      // Refused from this moment; the close tells the client, which reconnects with its new rights (a
      // stock provider simply carries on as a viewer or editor, the web editor switches its mode live).
      conn.readOnly = readOnly;
      closeConn(
        conn.ws,
        readOnly ? CollabCloseCodes.ACCESS_READ : CollabCloseCodes.ACCESS_WRITE,
        readOnly ? 'write access ended' : 'write access granted',
      );
    }
  }

  async function onConnection(ws: WebSocket, request: IncomingMessage): Promise<void> {
    const queued: [RawData, boolean][] = [];
    let onMessage = (data: RawData, isBinary: boolean) => {
      queued.push([data, isBinary]);
    };
    ws.on('message', (data, isBinary) => onMessage(data, isBinary));
    ws.on('error', () => ws.terminate());

    const url = new URL(request.url ?? '/', 'http://localhost');
    const parsed = parseDocName(decodeURIComponent(url.pathname.slice(PATH_PREFIX.length)));
    if (!parsed) {
      closeConn(ws, CollabCloseCodes.BAD_DOC_NAME, 'bad document name');
      return;
    }
    const token = url.searchParams.get('token');
    let userId: string;
    try {
      if (!token) throw new Error('no token');
      userId = (await options.verifyToken(token)).sub;
    } catch {
      closeConn(ws, CollabCloseCodes.UNAUTHENTICATED, 'sign in first');
      return;
    }
    const slot = await limit.acquire(userId);
    if (slot === null) {
      closeConn(ws, CollabCloseCodes.TOO_MANY_CONNECTIONS, 'too many connections');
      return;
    }
    // Every way out from here on (any close code, an error, the client leaving) ends in 'close'.
    if (ws.readyState !== WebSocket.OPEN) {
      limit.release(userId, slot);
      return;
    }
    ws.once('close', () => limit.release(userId, slot));
    const access = await options.documents.access(userId, parsed.id, parsed.kind);
    if (access === null) {
      closeConn(ws, CollabCloseCodes.NOT_FOUND, 'no such document');
      return;
    }
    if (access === 'none') {
      closeConn(ws, CollabCloseCodes.FORBIDDEN, 'no access');
      return;
    }
    if (ws.readyState !== WebSocket.OPEN) return;

    kinds.set(parsed.id, parsed.kind);
    const room = await acquire(parsed.id);
    const conn: Conn = { ws, userId, readOnly: access === 'read', awarenessIds: new Set() };
    if (ws.readyState !== WebSocket.OPEN) return maybeUnload(room);
    room.conns.set(ws, conn);
    ws.on('close', () => {
      room.conns.delete(ws);
      awarenessProtocol.removeAwarenessStates(room.awareness, [...conn.awarenessIds], null);
      maybeUnload(room);
    });
    onMessage = (data, isBinary) => handleMessage(room, conn, data, isBinary);

    send(ws, encodeSyncStep1(Y.encodeStateVector(room.doc)));
    const ids = [...room.awareness.getStates().keys()];
    if (ids.length > 0)
      send(ws, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids)));
    for (const [data, isBinary] of queued.splice(0)) handleMessage(room, conn, data, isBinary);
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!request.url?.startsWith(PATH_PREFIX)) return;
    if (closed) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      onConnection(ws, request).catch((error: unknown) => {
        ctx.log.error({ err: error }, 'collab: connection failed');
        closeConn(ws, CollabCloseCodes.UNAVAILABLE, 'server error');
      });
    });
  }

  return {
    onUpgrade,
    start: () => relay.start(),

    /**
     * Applies a server-side edit to a document (restore, lifecycle mirror), loading it here if needed; the
     * edit is relayed to every process and stored before this resolves.
     */
    async edit(docId: string, kind: DocumentKind, fn: (doc: Y.Doc, origin: symbol) => void): Promise<void> {
      kinds.set(docId, kind);
      const room = await acquire(docId);
      holds.set(room, (holds.get(room) ?? 0) + 1);
      try {
        fn(room.doc, SERVER_ORIGIN);
        await room.flush();
        await contentChanged(room, true);
      } finally {
        holds.set(room, (holds.get(room) ?? 1) - 1);
        maybeUnload(room);
      }
    },

    /** The document's current state: from memory when loaded here, else from storage. */
    async state(docId: string): Promise<Uint8Array> {
      const room = rooms.get(docId);
      if (room && !room.closing) return Y.encodeStateAsUpdate(room.doc);
      const stored = await store.load(new ObjectId(docId));
      return stored.updates.length > 0 ? Y.mergeUpdates(stored.updates) : Y.encodeStateAsUpdate(new Y.Doc());
    },

    /** Re-checks every open connection of the document on every process (after a lifecycle change). */
    accessChanged: (docId: string) =>
      relay.publishControl({ type: 'doc-access', docId } satisfies ControlMessage),

    /** Re-checks this process's connections of one user (after an org event, which every process receives). */
    async userAccessChanged(userId: string): Promise<void> {
      options.documents.forget?.({ userId });
      for (const room of rooms.values()) {
        const conns = [...room.conns.values()].filter((c) => c.userId === userId);
        if (conns.length > 0) await reevaluate(conns, room);
      }
    },

    insertTemplate: (docId: ObjectId, update: Uint8Array) => store.insertTemplate(docId, update),

    stats: () => ({
      rooms: rooms.size,
      connections: [...rooms.values()].reduce((n, r) => n + r.conns.size, 0),
    }),

    async close(): Promise<void> {
      closed = true;
      stopHeartbeat();
      for (const room of [...rooms.values()]) {
        if (room.closing) continue; // already unloading: awaited below with the other background work
        for (const conn of room.conns.values())
          closeConn(conn.ws, CollabCloseCodes.UNAVAILABLE, 'server closing');
        room.conns.clear();
        await unload(room).catch((error: unknown) => ctx.log.error({ err: error }, 'collab: unload failed'));
      }
      await Promise.allSettled([...inflight]);
      for (const client of wss.clients) client.terminate();
      wss.close();
      await limit.close();
      await relay.close();
    },
  };
}
