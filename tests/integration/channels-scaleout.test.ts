import type { buildApp } from '@zhibu/server';
import type { Message } from '@zhibu/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import {
  clientId,
  closeSockets,
  collect,
  collectEvents,
  connect,
  emitAck,
  sleep,
  type startChat,
  startTwoProcesses,
  waitFor,
} from './channels.fixtures.js';

// Two server processes' worth of state: two apps built on the same database and Redis prefix.
let two: Awaited<ReturnType<typeof startTwoProcesses>>;
let t: Awaited<ReturnType<typeof startChat>>;
let second: Awaited<ReturnType<typeof buildApp>>;
let url2: string;
let secretary: BuiltUser;
let alice: BuiltUser;
let bob: BuiltUser;
let branchId: string;
let channelId: string;

beforeAll(async () => {
  two = await startTwoProcesses('chanscale');
  ({ t, second, url2, secretary, alice, bob, branchId, channelId } = two);
});
afterEach(() => closeSockets());
afterAll(() => two.close());

describe('two server processes', () => {
  it('delivers messages, edits and reactions sent on one process to a reader on the other', async () => {
    const sender = await connect(t.url, alice.token);
    const reader = await connect(url2, bob.token);
    const received = collectEvents(reader);
    const sent: Message[] = [];
    for (let i = 0; i < 10; i++) {
      const ack = await emitAck<{ message: Message }>(sender, 'message:send', {
        channelId,
        clientId: clientId(),
        text: `跨进程 ${i}`,
      });
      if (!ack.ok) throw new Error(ack.error.code);
      sent.push(ack.message);
    }
    await emitAck(sender, 'message:edit', { messageId: sent[0]!.id, text: '跨进程 0 (改)' });
    await emitAck(sender, 'reaction:add', { messageId: sent[1]!.id, emoji: '❤️' });
    await waitFor(() => received.length >= 12, 'cross-process delivery');
    expect(received.filter((e) => e.type === 'message.created').map((e) => e.message!.id)).toEqual(
      sent.map((m) => m.id),
    );
    expect(received.find((e) => e.type === 'message.edited')?.message?.text).toBe('跨进程 0 (改)');
    expect(received.find((e) => e.type === 'reaction.added')).toMatchObject({
      messageId: sent[1]!.id,
      emoji: '❤️',
    });
    // History read through the other process agrees.
    const res = await second.inject({
      method: 'GET',
      url: `/api/v1/channels/${channelId}/messages`,
      headers: bob.headers,
    });
    expect(res.json().items.map((m: Message) => m.id)).toEqual(expect.arrayContaining(sent.map((m) => m.id)));
  });

  it('shares typing and presence across processes', async () => {
    const a = await connect(t.url, alice.token);
    const b = await connect(url2, bob.token);
    const typing = collect(b, 'typing');
    const presence = collect(b, 'presence');
    const watched = await emitAck<{ statuses: Record<string, string> }>(b, 'presence:watch', {
      userIds: [alice.id, secretary.id],
    });
    expect(watched.ok && watched.statuses).toEqual({ [alice.id]: 'online', [secretary.id]: 'offline' });
    await emitAck(a, 'typing', { channelId });
    await waitFor(
      () => typing.some((n) => n.userId === alice.id && n.channelId === channelId),
      'typing across processes',
    );
    await emitAck(a, 'presence:set', { status: 'away' });
    await waitFor(
      () => presence.some((p) => p.userId === alice.id && p.status === 'away'),
      'away across processes',
    );
    a.disconnect();
    await waitFor(
      () => presence.some((p) => p.userId === alice.id && p.status === 'offline'),
      'offline across processes',
    );
  });

  it('cuts a member off live, on every process, when the membership ends', async () => {
    const carol = (await t.f.buildMember({ branchId })).user;
    const onOne = await connect(t.url, carol.token);
    const onTwo = await connect(url2, carol.token);
    const got1 = collectEvents(onOne);
    const got2 = collectEvents(onTwo);
    const changes = collect(onTwo, 'channels:changed');
    const sender = await connect(t.url, alice.token);
    const before = await emitAck<{ message: Message }>(sender, 'message:send', {
      channelId,
      clientId: clientId(),
      text: '告别前',
    });
    expect(before.ok).toBe(true);
    await waitFor(() => got1.length > 0 && got2.length > 0, 'delivery before the end');

    const branch = await t.f.org.tree.branchDoc(branchId);
    await t.f.org.members.end(branch, carol.id, null);
    await waitFor(
      () => changes.some((c) => c.removed.includes(channelId)),
      'channels:changed with the channel removed',
    );
    const count1 = got1.length;
    const count2 = got2.length;

    await emitAck(sender, 'message:send', { channelId, clientId: clientId(), text: '告别后, 不该看到' });
    await sleep(300);
    expect(got1.length).toBe(count1);
    expect(got2.length).toBe(count2);
    const refused = await emitAck(onOne, 'message:send', {
      channelId,
      clientId: clientId(),
      text: 'still here?',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const history = await second.inject({
      method: 'GET',
      url: `/api/v1/channels/${channelId}/messages`,
      headers: carol.headers,
    });
    expect(history.statusCode).toBe(404);
  });

  it('gives a member who joins later the channel live, without reconnecting', async () => {
    const dave = await t.f.buildUser({ displayName: '戴夫' });
    const socket = await connect(url2, dave.token);
    const got = collectEvents(socket);
    const changes = collect(socket, 'channels:changed');
    await t.f.buildMember({ branchId, user: dave });
    await waitFor(
      () => changes.some((c) => c.added.includes(channelId)),
      'channels:changed with the channel added',
    );
    const sender = await connect(t.url, alice.token);
    await emitAck(sender, 'message:send', { channelId, clientId: clientId(), text: '欢迎戴夫' });
    await waitFor(() => got.some((e) => e.message?.text === '欢迎戴夫'), 'delivery to the new member');
  });
});
