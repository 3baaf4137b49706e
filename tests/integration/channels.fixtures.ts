import type { AddressInfo } from 'node:net';
import { buildApp } from '@zhibu/server';
import type {
  Ack,
  ChannelEvent,
  ChannelSummary,
  ClientToServerEvents,
  ServerToClientEvents,
} from '@zhibu/shared';
import { io, type Socket } from 'socket.io-client';
import { startTestApp } from '../support/app.js';
import { factories } from '../support/factories.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type TestApp = Awaited<ReturnType<typeof startTestApp>>['app'];

/** Listens on port 0 and returns the base URL. */
export async function listen(app: TestApp): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export async function startChat(label: string, overrides: Record<string, string> = {}) {
  const test = await startTestApp(label, overrides);
  const url = await listen(test.app);
  return { ...test, url, f: factories(test.app) };
}

const sockets: ChatSocket[] = [];

/** A connected, authenticated socket (waits for the server's hello, i.e. rooms are joined). */
export async function connect(url: string, token: string): Promise<ChatSocket> {
  const socket: ChatSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no hello within 5 s')), 5000);
    socket.once('hello', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return socket;
}

export function closeSockets(): void {
  for (const s of sockets.splice(0)) s.disconnect();
}

/** Emits an event with an ack and resolves with the answer (rejects if none comes within 5 s). */
export function emitAck<T extends object = Record<never, never>>(
  socket: ChatSocket,
  event: string,
  payload: unknown,
): Promise<Ack<T>> {
  const raw = socket as unknown as {
    timeout(ms: number): {
      emit(e: string, p: unknown, cb: (err: Error | null, answer: Ack<T>) => void): void;
    };
  };
  return new Promise((resolve, reject) => {
    raw.timeout(5000).emit(event, payload, (err, answer) => (err ? reject(err) : resolve(answer)));
  });
}

/** Everything a socket receives of one event, in arrival order. */
export function collect<E extends keyof ServerToClientEvents>(socket: ChatSocket, event: E) {
  const items: Parameters<ServerToClientEvents[E]>[0][] = [];
  const listener = ((item: Parameters<ServerToClientEvents[E]>[0]) => items.push(item)) as never;
  socket.on(event, listener);
  return items;
}

export function collectEvents(socket: ChatSocket): ChannelEvent[] {
  return collect(socket, 'channel:event') as ChannelEvent[];
}

export async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let counter = 0;
export const clientId = () => `c${Date.now().toString(36)}${(counter++).toString(36)}xx`;

/** The user's channel list through REST. */
export async function channelsOf(
  app: TestApp,
  headers: { authorization: string },
): Promise<ChannelSummary[]> {
  const res = await app.inject({ method: 'GET', url: '/api/v1/channels', headers });
  if (res.statusCode !== 200) throw new Error(`GET /channels: ${res.statusCode} ${res.body}`);
  return (res.json() as { items: ChannelSummary[] }).items;
}

export async function branchChannelOf(app: TestApp, headers: { authorization: string }, branchId: string) {
  const channel = (await channelsOf(app, headers)).find(
    (c) => c.kind === 'branch' && c.branchId === branchId,
  );
  if (!channel) throw new Error('branch channel not found');
  return channel;
}

/**
 * Two server processes' worth of state (two apps on one database and Redis prefix) and a branch with a
 * secretary and two members, alice and bob, whose branch channel is `channelId`.
 */
export async function startTwoProcesses(label: string) {
  const t = await startChat(label);
  const second = await buildApp(t.config);
  const url2 = await listen(second);
  const branchId = (await t.f.buildBranch()).id;
  const secretary = (await t.f.buildMember({ branchId, role: 'secretary' })).user;
  const alice = (await t.f.buildMember({ branchId })).user;
  const bob = (await t.f.buildMember({ branchId })).user;
  const channelId = (await branchChannelOf(t.app, alice.headers, branchId)).id;
  return {
    t,
    second,
    url2,
    branchId,
    secretary,
    alice,
    bob,
    channelId,
    async close() {
      await second.close();
      await t.close();
    },
  };
}
