/**
 * The server side of `npm run bench -- chat`, in its own process so that its CPU and memory are measured
 * apart from the load generator. `ours`: the real app (buildApp: auth, storage, Redis adapter).
 * `bare`: plain Socket.IO broadcasting to rooms, no auth, no storage, in-memory adapter — the baseline.
 * `stored`: `bare` that first stores each message (one small document, group-committed like ours, only the
 * `_id` index) and acks after the write — the floor that any stored chat reaches on this machine's storage.
 * Reports its port, and on request its CPU time and memory, over IPC.
 */
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { MongoClient, ObjectId } from 'mongodb';
import { Server } from 'socket.io';

type Stats = { cpuMs: number; rss: number; heapUsed: number; external: number };

function stats(gc: boolean): Stats {
  if (gc && typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external,
  };
}

async function startOurs(): Promise<{ port: number; close: () => Promise<void> }> {
  const { buildApp, loadConfig } = await import('@zhibu/server');
  const app = await buildApp(loadConfig());
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

type Store = (doc: { _id: ObjectId; room: string; text: string; at: Date }) => Promise<void>;

/** The minimal durable record of a message: one insert, batched with concurrent ones (as ours batches). */
async function minimalStore(): Promise<{ store: Store; close: () => Promise<void> }> {
  const { createInsertBatcher } = await import('@zhibu/server');
  const client = new MongoClient(process.env.MONGODB_URL ?? '', { maxPoolSize: 20 });
  const collection = client.db(process.env.MONGODB_DB).collection('stored_floor');
  // The batch size and writes in flight of ours (server/src/domains/channels/writes.ts).
  const writes = createInsertBatcher(
    collection,
    { value: undefined, onDuplicate: () => ({ ok: true, value: undefined }) },
    { maxBatch: 50, maxInFlight: 3 },
  );
  return { store: (doc) => writes.add(doc), close: () => client.close() };
}

async function startBare(store?: Store): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer();
  const io = new Server(server, { serveClient: false, maxHttpBufferSize: 1024 * 1024 });
  io.on('connection', (socket) => {
    socket.emit('hello', { ok: true });
    socket.on('join', (room: unknown, ack?: unknown) => {
      if (typeof room === 'string') socket.join(room);
      if (typeof ack === 'function') ack({ ok: true });
    });
    socket.on('send', (payload: unknown, ack?: unknown) => {
      const p = payload as { room?: unknown; text?: unknown } | null;
      if (!p || typeof p.room !== 'string' || typeof p.text !== 'string') {
        if (typeof ack === 'function') ack({ ok: false, error: { code: 'VALIDATION' } });
        return;
      }
      const { room, text } = p;
      const deliver = () => {
        io.to(room).emit('msg', { text });
        if (typeof ack === 'function') ack({ ok: true });
      };
      if (!store) deliver();
      else
        store({ _id: new ObjectId(), room, text, at: new Date() }).then(deliver, () => {
          if (typeof ack === 'function') ack({ ok: false, error: { code: 'STORE_FAILED' } });
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A CPU profile of a phase (`--profile <dir>` of the bench): started and written on request. */
let profiler: Session | null = null;
async function profile(action: 'start' | 'stop', file?: string): Promise<void> {
  if (action === 'start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    return;
  }
  if (!profiler) return;
  const { profile: result } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = null;
  if (file) await writeFile(file, JSON.stringify(result));
}

const mode = process.argv[2];
async function startStored(): Promise<{ port: number; close: () => Promise<void> }> {
  const storage = await minimalStore();
  const server = await startBare(storage.store);
  return { port: server.port, close: () => server.close().finally(storage.close) };
}

const started =
  mode === 'bare' ? await startBare() : mode === 'stored' ? await startStored() : await startOurs();
process.send?.({ type: 'ready', port: started.port });
process.on('message', (message: { type: string; gc?: boolean; action?: 'start' | 'stop'; file?: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', ...stats(message.gc === true) });
  if (message.type === 'profile' && message.action) {
    void profile(message.action, message.file).finally(() => process.send?.({ type: 'profiled' }));
  }
  if (message.type === 'close') {
    void started.close().finally(() => process.exit(0));
  }
});
