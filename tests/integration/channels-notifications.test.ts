import type { Message, Notification } from '@zhibu/shared';
import { startWorkers } from '@zhibu/workers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import {
  branchChannelOf,
  clientId,
  closeSockets,
  collect,
  connect,
  emitAck,
  startChat,
  waitFor,
} from './channels.fixtures.js';

let t: Awaited<ReturnType<typeof startChat>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let alice: BuiltUser;
let bob: BuiltUser;
let carol: BuiltUser;
let outsider: BuiltUser;
let channelId: string;

beforeAll(async () => {
  t = await startChat('channotify');
  workers = await startWorkers(t.config);
  const branch = await t.f.buildBranch();
  alice = (await t.f.buildMember({ branchId: branch.id, displayName: '爱丽丝' })).user;
  bob = (await t.f.buildMember({ branchId: branch.id, displayName: '鲍勃' })).user;
  carol = (await t.f.buildMember({ branchId: branch.id, displayName: '卡罗' })).user;
  outsider = (await t.f.buildMember({ displayName: '外人' })).user;
  channelId = (await branchChannelOf(t.app, alice.headers, branch.id)).id;
});
afterEach(() => closeSockets());
afterAll(async () => {
  await workers.close();
  await t.close();
});

async function notificationsOf(user: BuiltUser): Promise<Notification[]> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/notifications', headers: user.headers });
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: Notification[] }).items;
}

async function send(
  socket: Awaited<ReturnType<typeof connect>>,
  text: string,
  extra: Record<string, unknown> = {},
) {
  const ack = await emitAck<{ message: Message }>(socket, 'message:send', {
    channelId,
    clientId: clientId(),
    text,
    ...extra,
  });
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.message;
}

describe('chat notifications through the workers', () => {
  it('notifies a mentioned member, stored and live, and nobody who may not read the channel', async () => {
    const a = await connect(t.url, alice.token);
    const b = await connect(t.url, bob.token);
    const live = collect(b, 'notification');
    const message = await send(a, `<@${bob.id}> <@${outsider.id}> 请看一下网格化方案`);
    await waitFor(() => live.length > 0, 'live notification', 10_000);
    const stored = await notificationsOf(bob);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.kind).toBe('channel.mention');
    expect(stored[0]!.title).toContain('爱丽丝');
    expect(stored[0]!.body).toContain('@鲍勃');
    expect(stored[0]!.data).toMatchObject({ channelId, messageId: message.id });
    expect(await notificationsOf(outsider)).toHaveLength(0);
    expect(await notificationsOf(alice)).toHaveLength(0);
  });

  it('notifies followers of a thread about replies, once each, not the replier', async () => {
    const a = await connect(t.url, alice.token);
    const c = await connect(t.url, carol.token);
    const root = await send(a, '周末活动讨论');
    await send(c, '我报名', { threadRootId: root.id });
    let aliceNotes: Notification[] = [];
    const start = Date.now();
    while (Date.now() - start < 10_000) {
      aliceNotes = (await notificationsOf(alice)).filter((n) => n.kind === 'channel.threadReply');
      if (aliceNotes.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(aliceNotes).toHaveLength(1);
    expect(aliceNotes[0]!.link).toBe(`/channels/${channelId}?thread=${root.id}`);
    expect((await notificationsOf(carol)).filter((n) => n.kind === 'channel.threadReply')).toHaveLength(0);
  });
});
