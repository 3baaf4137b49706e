import { ObjectId } from 'mongodb';
import * as Y from 'yjs';
import type { AppContext } from '../context.js';
import { type Relay, RelayKind } from './relay.js';
import { RELAY_ORIGIN, Room } from './room.js';
import type { UpdateStore } from './store.js';
import type { Writer } from './writer.js';

/** Plain text and automatic versions are refreshed at most this often per document (and on unload). */
const TEXT_INTERVAL_MS = 10_000;

export interface RoomsDeps {
  store: UpdateStore;
  relay: Relay;
  writer: Writer;
  /** The initial content of a document that has nothing stored yet (null: start empty). */
  template(docId: string): Promise<Uint8Array | null>;
  /** The content changed (at most every TEXT_INTERVAL_MS per document, and when it unloads). */
  contentChanged(docId: ObjectId, doc: Y.Doc): Promise<void>;
  /** Background work that the server's close waits for. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** True once the server is closing: no compaction is started then. */
  closed(): boolean;
}

export type Rooms = ReturnType<typeof createRooms>;

/**
 * The documents loaded in this process. A document is loaded once however many connections ask at the
 * same time, kept while connections or server-side edits hold it, and unloaded after a grace period:
 * flushed, its plain text refreshed, then compacted in the background.
 */
export function createRooms(ctx: AppContext, deps: RoomsDeps) {
  const { store, relay, writer, track } = deps;
  const cfg = ctx.config;
  const rooms = new Map<string, Room>();
  const loading = new Map<string, Promise<Room>>();
  const holds = new Map<Room, number>();
  const lastText = new Map<Room, number>();

  function contentChanged(room: Room, force: boolean): Promise<void> {
    const now = Date.now();
    if (!room.dirtySinceText || (!force && now - (lastText.get(room) ?? 0) < TEXT_INTERVAL_MS)) {
      return Promise.resolve();
    }
    room.dirtySinceText = false;
    lastText.set(room, now);
    return track(deps.contentChanged(room.docId, room.doc)).catch((error: unknown) => {
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
        const template = await deps.template(docId);
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

  function cancelUnload(room: Room): void {
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer);
      room.unloadTimer = null;
    }
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

  /** Unloads the room after the grace period unless a connection or an edit holds it by then. */
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
      if (storedCount > 2 && !deps.closed()) {
        void track(store.compact(room.docId)).catch((error: unknown) =>
          ctx.log.error({ err: error, docId: room.id }, 'collab: compaction after unload failed'),
        );
      }
    }
  }

  return {
    get: (docId: string) => rooms.get(docId),
    all: () => [...rooms.values()],
    acquire,
    maybeUnload,
    unload,
    contentChanged,
    /** Runs `fn` on the loaded document, holding it loaded until `fn` settles. */
    async hold<T>(docId: string, fn: (room: Room) => Promise<T>): Promise<T> {
      const room = await acquire(docId);
      holds.set(room, (holds.get(room) ?? 0) + 1);
      try {
        return await fn(room);
      } finally {
        holds.set(room, (holds.get(room) ?? 1) - 1);
        maybeUnload(room);
      }
    },
  };
}
