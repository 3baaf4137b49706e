import type { Duplex } from 'node:stream';
import type { ObjectId } from 'mongodb';
import type { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { encodeAwareness, encodeSyncUpdate } from './protocol.js';
import { type Relay, RelayKind } from './relay.js';
import type { UpdateStore } from './store.js';
import type { Writer } from './writer.js';

/** One client connection to a loaded document. */
export interface Conn {
  ws: WebSocket;
  userId: string;
  readOnly: boolean;
  /** Awareness client ids this connection controls (removed when it leaves). */
  awarenessIds: Set<number>;
}

/** Origins of Y.Doc/Awareness changes that did not come from a local connection. */
export const RELAY_ORIGIN = Symbol('relay');
export const SERVER_ORIGIN = Symbol('server');

export interface RoomOptions {
  compactAfter: number;
}

/**
 * A document loaded in this process: its Y.Doc and Awareness and its local connections. Every update that
 * reaches the doc from a local connection or from the server itself is sent to the other local clients and
 * relayed to the other processes at once, and handed to the process's writer (stored within `flushMs`).
 */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly conns = new Map<WebSocket, Conn>();
  /** Bytes stored for this document (approximate between compactions). */
  bytes = 0;
  storedCount = 0;
  /** Counts local changes since the last plain-text refresh. */
  dirtySinceText = false;
  private compacting = false;
  unloadTimer: NodeJS.Timeout | null = null;
  closing = false;

  constructor(
    readonly docId: ObjectId,
    private readonly ctx: AppContext,
    private readonly store: UpdateStore,
    private readonly relay: Relay,
    private readonly writer: Writer,
    private readonly options: RoomOptions,
  ) {
    // Awareness is not stored; the server has no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onDocUpdate(update, origin));
    this.awareness.on('update', (change: AwarenessChange, origin: unknown) =>
      this.onAwareness(change, origin),
    );
  }

  get id(): string {
    return this.docId.toHexString();
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    const frame = encodeSyncUpdate(update);
    for (const conn of this.conns.values()) {
      if (conn !== origin) send(conn.ws, frame);
    }
    if (origin === RELAY_ORIGIN) return;
    this.relay.publish(this.id, RelayKind.update, update);
    this.bytes += update.length;
    this.dirtySinceText = true;
    this.writer.add(this.docId, update);
  }

  private onAwareness({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const conn =
      typeof origin === 'object' && origin !== null ? this.conns.get((origin as Conn).ws) : undefined;
    if (conn) {
      for (const id of added) conn.awarenessIds.add(id);
      for (const id of removed) conn.awarenessIds.delete(id);
    }
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const frame = encodeAwareness(update);
    // Echoed to the sender too (as the stock server does): a lone client's provider counts these as
    // liveness and would otherwise reconnect after 30 s of silence.
    for (const other of this.conns.values()) send(other.ws, frame);
    if (origin !== RELAY_ORIGIN) this.relay.publish(this.id, RelayKind.awareness, update);
  }

  /** Resolves when every update buffered so far (this document's included) is stored. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** After a write of this document: count the record; returns the compaction when one starts. */
  written(): Promise<void> | null {
    this.storedCount += 1;
    if (this.storedCount > this.options.compactAfter && !this.compacting) return this.compact();
    return null;
  }

  private async compact(): Promise<void> {
    this.compacting = true;
    try {
      const merged = await this.store.compact(this.docId);
      if (merged > 0) {
        this.storedCount = 2;
        this.bytes = Y.encodeStateAsUpdate(this.doc).length;
      }
    } catch (error) {
      this.ctx.log.error({ err: error, docId: this.id }, 'collab: compaction failed');
    } finally {
      this.compacting = false;
    }
  }

  /** The exact encoded size of the document now (costly: used only near the cap). */
  exactBytes(): number {
    this.bytes = Y.encodeStateAsUpdate(this.doc).length;
    return this.bytes;
  }

  /** Applies an update from another process. */
  applyRelayed(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, RELAY_ORIGIN);
  }

  destroy(): void {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/**
 * Sockets written to in this turn of the event loop. Each frame sent to a connection used to be its own
 * write system call (the CPU profile under load was dominated by writev); corked sockets collect every frame
 * of the turn and write them in one go once the pending I/O callbacks have run (setImmediate), which costs
 * a frame well under a millisecond and saves the most exactly when a burst of messages arrives at once.
 */
const corked: Duplex[] = [];

function uncorkAll(): void {
  for (const socket of corked.splice(0)) socket.uncork();
}

/** The TCP socket under a `ws` WebSocket (not public in `ws`; absent once the socket is gone). */
function socketOf(ws: WebSocket): Duplex | null {
  return (ws as unknown as { _socket?: Duplex | null })._socket ?? null;
}

const onSendError = new WeakMap<WebSocket, (error?: Error) => void>();

/** Sends a frame if the socket is open; a failed send closes that socket (never the process). */
export function send(ws: WebSocket, frame: Uint8Array): void {
  if (ws.readyState !== ws.OPEN) return;
  const socket = socketOf(ws);
  if (socket && !socket.writableCorked) {
    socket.cork();
    if (corked.push(socket) === 1) setImmediate(uncorkAll);
  }
  let onError = onSendError.get(ws);
  if (!onError) {
    onError = (error?: Error) => {
      if (error) ws.terminate();
    };
    onSendError.set(ws, onError);
  }
  ws.send(frame, onError);
}
