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
import { closeConn, handleFrame } from './frames.js';
import { startHeartbeat } from './heartbeat.js';
import { createConnectionLimit } from './limit.js';
import { encodeAwareness, encodeSyncStep1 } from './protocol.js';
import { createRelay, RelayKind } from './relay.js';
import { type Conn, RELAY_ORIGIN, type Room, SERVER_ORIGIN, send } from './room.js';
import { createRooms } from './rooms.js';
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
  const kinds = new Map<string, DocumentKind>();
  const frameLimits = { maxUpdateBytes: cfg.COLLAB_MAX_UPDATE_BYTES, maxDocBytes: cfg.COLLAB_MAX_DOC_BYTES };
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
      void rooms.contentChanged(room, false);
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
      for (const room of rooms.all()) relay.publish(room.id, RelayKind.hello, Y.encodeStateVector(room.doc));
    },
  });

  const rooms = createRooms(ctx, {
    store,
    relay,
    writer,
    template: (docId) => options.documents.template(docId),
    contentChanged: (docId, doc) => options.documents.contentChanged(docId, doc),
    track,
    closed: () => closed,
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

  async function reevaluate(conns: Conn[], room: Room): Promise<void> {
    const kind = kinds.get(room.id);
    if (!kind) return;
    for (const conn of conns) {
      let access: DocumentAccess | null;
      try {
        access = await options.documents.access(conn.userId, room.id, kind);
      } catch (error) {
        // No verdict, so no "revoked" either: the client reconnects, and connecting checks again.
        ctx.log.error({ err: error, docId: room.id }, 'collab: re-checking access failed');
        closeConn(conn.ws, CollabCloseCodes.UNAVAILABLE, 'access check failed; reconnect');
        continue;
      }
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
    const room = await rooms.acquire(parsed.id);
    const conn: Conn = { ws, userId, readOnly: access === 'read', awarenessIds: new Set() };
    if (ws.readyState !== WebSocket.OPEN) return rooms.maybeUnload(room);
    room.conns.set(ws, conn);
    ws.on('close', () => {
      room.conns.delete(ws);
      awarenessProtocol.removeAwarenessStates(room.awareness, [...conn.awarenessIds], null);
      rooms.maybeUnload(room);
    });
    onMessage = (data, isBinary) => handleFrame(room, conn, data, isBinary, frameLimits);

    send(ws, encodeSyncStep1(Y.encodeStateVector(room.doc)));
    const ids = [...room.awareness.getStates().keys()];
    if (ids.length > 0)
      send(ws, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids)));
    for (const [data, isBinary] of queued.splice(0)) handleFrame(room, conn, data, isBinary, frameLimits);
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
      await rooms.hold(docId, async (room) => {
        fn(room.doc, SERVER_ORIGIN);
        await room.flush();
        await rooms.contentChanged(room, true);
      });
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
      for (const room of rooms.all()) {
        const conns = [...room.conns.values()].filter((c) => c.userId === userId);
        if (conns.length > 0) await reevaluate(conns, room);
      }
    },

    insertTemplate: (docId: ObjectId, update: Uint8Array) => store.insertTemplate(docId, update),

    stats: () => {
      const loaded = rooms.all();
      return { rooms: loaded.length, connections: loaded.reduce((n, r) => n + r.conns.size, 0) };
    },

    async close(): Promise<void> {
      closed = true;
      stopHeartbeat();
      for (const room of rooms.all()) {
        if (room.closing) continue; // already unloading: awaited below with the other background work
        for (const conn of room.conns.values())
          closeConn(conn.ws, CollabCloseCodes.UNAVAILABLE, 'server closing');
        room.conns.clear();
        await rooms
          .unload(room)
          .catch((error: unknown) => ctx.log.error({ err: error }, 'collab: unload failed'));
      }
      await Promise.allSettled([...inflight]);
      for (const client of wss.clients) client.terminate();
      wss.close();
      await limit.close();
      await relay.close();
    },
  };
}
