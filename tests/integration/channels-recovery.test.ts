import net from 'node:net';
import { buildApp } from '@zhibu/server';
import type { Ack, ChannelEvent, Message, SyncResult } from '@zhibu/shared';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import {
  type ChatSocket,
  clientId,
  closeSockets,
  collect,
  collectEvents,
  connect,
  emitAck,
  listen,
  sleep,
  type startChat,
  startTwoProcesses,
  waitFor,
} from './channels.fixtures.js';

// Two server processes on one database and Redis prefix, and a TCP "load balancer" in front of them that
// can send a client's next connection to the other process (or refuse it, as during a restart).
let two: Awaited<ReturnType<typeof startTwoProcesses>>;
let t: Awaited<ReturnType<typeof startChat>>;
let url2: string;
let secretary: BuiltUser;
let alice: BuiltUser;
let bob: BuiltUser;
let branchId: string;
let channelId: string;

interface Balancer {
  url: string;
  /** The port new connections go to (existing ones stay where they are). */
  target: number;
  close(): Promise<void>;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

async function balancer(target: number): Promise<Balancer> {
  const open = new Set<net.Socket>();
  const state = { target };
  const server = net.createServer((client) => {
    const upstream = net.connect(state.target, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return state.target;
    },
    set target(p: number) {
      state.target = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const clients: ChatSocket[] = [];
const balancers: Balancer[] = [];

/**
 * A socket as the browser opens it (recovery-capable), except that it reconnects only when told to
 * (`socket.connect()`), so the test decides what happens while it is away.
 */
async function connectVia(url: string, token: string): Promise<ChatSocket> {
  const socket: ChatSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  clients.push(socket);
  await helloOf(socket);
  return socket;
}

function helloOf(socket: ChatSocket): Promise<{ recovered: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no hello within 5 s')), 5000);
    socket.once('hello', (hello) => {
      clearTimeout(timer);
      resolve(hello as { recovered: boolean });
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Drops the transport the way a network cut does: the server sees "transport close". */
async function cut(socket: ChatSocket): Promise<void> {
  const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
  socket.io.engine.close();
  await gone;
  // Let the server notice the close and store the session before anything is sent.
  await sleep(150);
}

async function reconnect(socket: ChatSocket): Promise<{ recovered: boolean }> {
  const hello = helloOf(socket);
  socket.connect();
  return hello;
}

async function send(sender: ChatSocket, text: string): Promise<Message> {
  const ack = await emitAck<{ message: Message }>(sender, 'message:send', {
    channelId,
    clientId: clientId(),
    text,
  });
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.message;
}

const ofChannel = (events: ChannelEvent[]) => events.filter((e) => e.channelId === channelId);

beforeAll(async () => {
  two = await startTwoProcesses('chanrecov');
  ({ t, url2, secretary, alice, bob, branchId, channelId } = two);
});
afterEach(async () => {
  closeSockets();
  for (const s of clients.splice(0)) s.disconnect();
  await Promise.all(balancers.splice(0).map((b) => b.close()));
});
afterAll(() => two.close());

describe('connection state recovery across processes', () => {
  it('replays every missed message, edit, delete and reaction once, in order, on the other process', async () => {
    const lb = await balancer(portOf(url2));
    balancers.push(lb);
    const reader = await connectVia(lb.url, bob.token);
    expect(reader.recovered).toBe(false);
    const received = collectEvents(reader);
    const onOne = await connect(t.url, alice.token);
    const onTwo = await connect(url2, secretary.token);

    const first = await send(onOne, '断线前');
    await waitFor(() => ofChannel(received).length === 1, 'the live message before the cut');

    await cut(reader);
    lb.target = portOf(t.url);
    // Missed while away, written on both processes.
    const a = await send(onOne, '断线中 1');
    const b = await send(onTwo, '断线中 2');
    await emitAck(onOne, 'message:edit', { messageId: a.id, text: '断线中 1 (改)' });
    await emitAck(onTwo, 'reaction:add', { messageId: b.id, emoji: '👍' });
    await emitAck(onOne, 'message:delete', { messageId: first.id });
    const c = await send(onTwo, '断线中 3');

    const hello = await reconnect(reader);
    expect(hello.recovered).toBe(true);
    expect(reader.recovered).toBe(true);
    await waitFor(() => ofChannel(received).length >= 7, 'the missed events');
    await sleep(300);

    const got = ofChannel(received);
    expect(got.map((e) => e.type)).toEqual([
      'message.created',
      'message.created',
      'message.created',
      'message.edited',
      'reaction.added',
      'message.deleted',
      'message.created',
    ]);
    // Exactly once and in order: consecutive event sequence numbers, no repeat, no gap.
    const seqs = got.map((e) => e.eventSeq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(got.filter((e) => e.type === 'message.created').map((e) => e.message!.id)).toEqual([
      first.id,
      a.id,
      b.id,
      c.id,
    ]);

    // Live again, now on process one.
    await send(onTwo, '重连后');
    await waitFor(() => ofChannel(received).length === 8, 'live delivery after recovery');
    await sleep(200);
    expect(ofChannel(received)).toHaveLength(8);
  });

  it('does not give a recovered socket the rooms of a channel its user was removed from meanwhile', async () => {
    const carol = (await t.f.buildMember({ branchId })).user;
    const lb = await balancer(portOf(url2));
    balancers.push(lb);
    const socket = await connectVia(lb.url, carol.token);
    const got = collectEvents(socket);
    const changes = collect(socket, 'channels:changed');
    const sender = await connect(t.url, alice.token);
    await send(sender, '卡罗尔在');
    await waitFor(() => ofChannel(got).length === 1, 'delivery while a member');

    await cut(socket);
    lb.target = portOf(t.url);
    const branch = await t.f.org.tree.branchDoc(branchId);
    await t.f.org.members.end(branch, carol.id, null);
    await send(sender, '卡罗尔离开后');
    // The removal is a live event only for connected sockets; give it time to pass through.
    await sleep(300);

    const hello = await reconnect(socket);
    expect(hello.recovered).toBe(true);
    await waitFor(() => changes.some((c) => c.removed.includes(channelId)), 'channels:changed on recovery');
    await send(sender, '卡罗尔离开后 2');
    const probe = await connect(url2, bob.token);
    const bobGot = collectEvents(probe);
    await send(sender, '卡罗尔离开后 3');
    await waitFor(() => ofChannel(bobGot).length === 1, 'delivery to a member');
    await sleep(300);
    // Only the message from before the cut: nothing missed after the removal, nothing live after it.
    expect(ofChannel(got).map((e) => e.message?.text)).toEqual(['卡罗尔在']);
  });

  it('still runs the token check on recovery: another user’s token cannot take the session', async () => {
    const dave = (await t.f.buildMember({ branchId })).user;
    const lb = await balancer(portOf(url2));
    balancers.push(lb);
    const socket = await connectVia(lb.url, dave.token);
    await cut(socket);
    lb.target = portOf(t.url);
    socket.auth = { token: alice.token };
    const refused = new Promise<{ data?: { code?: string } }>((resolve) =>
      socket.once('connect_error', (error) => resolve(error as { data?: { code?: string } })),
    );
    socket.connect();
    expect((await refused).data?.code).toBe('FORBIDDEN');
    expect(socket.connected).toBe(false);
  });

  it('catches up with sync when the session cannot be recovered (the process restarted)', async () => {
    let restarted: Awaited<ReturnType<typeof buildApp>> | null = await buildApp(t.config);
    try {
      const url3 = await listen(restarted);
      const lb = await balancer(portOf(url3));
      balancers.push(lb);
      const reader = await connectVia(lb.url, bob.token);
      const received = collectEvents(reader);
      const sender = await connect(t.url, alice.token);
      const before = await send(sender, '重启前');
      await waitFor(() => ofChannel(received).some((e) => e.message?.id === before.id), 'live before');
      const lastSeen = ofChannel(received).at(-1)!.eventSeq;

      const gone = new Promise<void>((resolve) => reader.once('disconnect', () => resolve()));
      await restarted.close();
      restarted = null;
      await gone;
      const missed = [await send(sender, '重启中 1'), await send(sender, '重启中 2')];
      await emitAck(sender, 'reaction:add', { messageId: missed[0]!.id, emoji: '❤️' });

      lb.target = portOf(url2);
      const hello = await reconnect(reader);
      expect(hello.recovered).toBe(false);
      expect(ofChannel(received).at(-1)!.eventSeq).toBe(lastSeen);

      const raw = reader as unknown as {
        timeout(ms: number): {
          emit(e: string, p: unknown, cb: (err: Error | null, a: Ack<SyncResult>) => void): void;
        };
      };
      const answer = await new Promise<Ack<SyncResult>>((resolve, reject) =>
        raw
          .timeout(5000)
          .emit('sync', { channels: [{ channelId, afterEventSeq: lastSeen }] }, (err, a) =>
            err ? reject(err) : resolve(a),
          ),
      );
      if (!answer.ok) throw new Error(answer.error.code);
      const events = ofChannel(answer.events);
      expect(events.map((e) => e.eventSeq)).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3]);
      expect(events.map((e) => e.type)).toEqual(['message.created', 'message.created', 'reaction.added']);
      expect(events.filter((e) => e.type === 'message.created').map((e) => e.message!.id)).toEqual(
        missed.map((m) => m.id),
      );
      expect(answer.more).toEqual([]);
    } finally {
      await restarted?.close();
    }
  });
});
