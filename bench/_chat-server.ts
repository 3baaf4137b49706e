/**
 * The server side of `npm run bench -- chat`, in its own process so that its CPU and memory are measured
 * apart from the load generator. `ours`: the real app (buildApp: auth, storage, Redis adapter).
 * `bare`: plain Socket.IO broadcasting to rooms, no auth, no storage, in-memory adapter — the baseline.
 * Reports its port, and on request its CPU time and memory, over IPC.
 */
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
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

async function startBare(): Promise<{ port: number; close: () => Promise<void> }> {
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
      if (p && typeof p.room === 'string' && typeof p.text === 'string')
        io.to(p.room).emit('msg', { text: p.text });
      if (typeof ack === 'function') ack({ ok: true });
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
const started = mode === 'bare' ? await startBare() : await startOurs();
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
