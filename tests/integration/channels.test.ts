import { buildApp } from '@zhibu/server';
import type { ChannelEvent, HistoryPage, Message, ReadState, SyncResult } from '@zhibu/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import {
  branchChannelOf,
  channelsOf,
  clientId,
  closeSockets,
  collect,
  collectEvents,
  connect,
  emitAck,
  listen,
  sleep,
  startChat,
  waitFor,
} from './channels.fixtures.js';

/**
 * channels-two-processes.test.ts runs these tests again with a second server process (a second app on
 * the same database and Redis): consecutive connections then alternate between the two, so senders and
 * readers, and one user's devices, sit on different processes.
 */
export const TWO_PROCESSES_ENV = 'ZHIBU_CHANNELS_TWO_PROCESSES';

let t: Awaited<ReturnType<typeof startChat>>;
let second: Awaited<ReturnType<typeof buildApp>> | null = null;
const urls: string[] = [];
let connections = 0;
/** A connected socket of `user`, on the next process in turn. */
const open = (user: BuiltUser) => connect(urls[connections++ % urls.length]!, user.token);
let secretary: BuiltUser;
let alice: BuiltUser;
let bob: BuiltUser;
let carol: BuiltUser;
let outsider: BuiltUser;
let branchId: string;
let channelId: string;

type Sent = { message: Message; duplicate: boolean };

beforeAll(async () => {
  const two = process.env[TWO_PROCESSES_ENV] === '1';
  t = await startChat(two ? 'channels2' : 'channels');
  urls.push(t.url);
  if (two) {
    second = await buildApp(t.config);
    urls.push(await listen(second));
  }
  const branch = await t.f.buildBranch();
  branchId = branch.id;
  secretary = (await t.f.buildMember({ branchId, role: 'secretary', displayName: '王书记' })).user;
  alice = (await t.f.buildMember({ branchId, displayName: '爱丽丝' })).user;
  bob = (await t.f.buildMember({ branchId, displayName: '鲍勃' })).user;
  carol = (await t.f.buildMember({ branchId, displayName: '卡罗' })).user;
  outsider = (await t.f.buildMember({ displayName: '外人' })).user;
  channelId = (await branchChannelOf(t.app, alice.headers, branchId)).id;
});
afterEach(() => closeSockets());
afterAll(async () => {
  await second?.close();
  await t.close();
});

async function send(
  socket: Parameters<typeof emitAck>[0],
  text: string,
  extra: Record<string, unknown> = {},
) {
  const ack = await emitAck<Sent>(socket, 'message:send', {
    channelId,
    clientId: clientId(),
    text,
    ...extra,
  });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.message;
}

async function history(user: BuiltUser, query = '') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/channels/${channelId}/messages${query}`,
    headers: user.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json() as HistoryPage;
}

describe('channels follow the org data', () => {
  it('gives every branch member the branch channel and its announcement channel', async () => {
    const kinds = (await channelsOf(t.app, bob.headers))
      .filter((c) => c.branchId === branchId)
      .map((c) => c.kind);
    expect(kinds.sort()).toEqual(['announcement', 'branch']);
    expect((await channelsOf(t.app, outsider.headers)).some((c) => c.id === channelId)).toBe(false);
  });

  it('lets only leaders post in the announcement channel, members react', async () => {
    const announce = (await channelsOf(t.app, alice.headers)).find(
      (c) => c.kind === 'announcement' && c.branchId === branchId,
    )!;
    expect(announce.canPost).toBe(false);
    const member = await open(alice);
    const leader = await open(secretary);
    const refused = await emitAck(member, 'message:send', {
      channelId: announce.id,
      clientId: clientId(),
      text: '我也想发',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const posted = await emitAck<Sent>(leader, 'message:send', {
      channelId: announce.id,
      clientId: clientId(),
      text: '本月主题党日安排',
    });
    expect(posted.ok).toBe(true);
    if (!posted.ok) return;
    const reacted = await emitAck(member, 'reaction:add', { messageId: posted.message.id, emoji: '👍' });
    expect(reacted.ok).toBe(true);
  });
});

describe('sending', () => {
  it('acknowledges after the message is stored, and delivers it to the other members', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const received = collectEvents(b);
    const message = await send(a, '大家好, hello 支部');
    // The ack came back: the message must already be readable through REST.
    const page = await history(bob);
    expect(page.items.map((m) => m.id)).toContain(message.id);
    expect(message.seq).toBeGreaterThan(0);
    expect(message.authorName).toBe('爱丽丝');
    await waitFor(() => received.some((e) => e.message?.id === message.id), 'live delivery');
    expect(received.find((e) => e.message?.id === message.id)?.type).toBe('message.created');
  });

  it('returns the stored message for a re-sent client id instead of a duplicate', async () => {
    const a = await open(alice);
    const payload = { channelId, clientId: clientId(), text: '只发一次' };
    const [first, second] = await Promise.all([
      emitAck<Sent>(a, 'message:send', payload),
      emitAck<Sent>(a, 'message:send', payload),
    ]);
    const third = await emitAck<Sent>(a, 'message:send', payload);
    expect(first.ok && second.ok && third.ok).toBe(true);
    if (!first.ok || !second.ok || !third.ok) return;
    expect(new Set([first.message.id, second.message.id, third.message.id]).size).toBe(1);
    expect(third.duplicate).toBe(true);
    const count = await t.app.ctx.db.collection('messages').countDocuments({ clientId: payload.clientId });
    expect(count).toBe(1);
  });

  it('assigns gapless sequence numbers under concurrent senders, in each sender’s order', async () => {
    const senders = await Promise.all([alice, bob, carol].map((u) => open(u)));
    const reader = await open(secretary);
    const received = collectEvents(reader);
    const before = (await history(secretary, '?limit=1')).lastSeq;
    const perSender = 15;
    const acks = await Promise.all(
      senders.map(async (s, i) => {
        const mine: Message[] = [];
        for (let n = 0; n < perSender; n++) mine.push(await send(s, `sender ${i} message ${n}`));
        return mine;
      }),
    );
    const seqs = acks
      .flat()
      .map((m) => m.seq!)
      .sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 3 * perSender }, (_, i) => before + 1 + i));
    for (const mine of acks) {
      const own = mine.map((m) => m.seq!);
      expect(own).toEqual([...own].sort((x, y) => x - y));
    }
    await waitFor(
      () => received.filter((e) => e.type === 'message.created').length >= 3 * perSender,
      'all deliveries',
    );
    const delivered = received.filter((e) => e.type === 'message.created').map((e) => e.message!.seq!);
    expect(new Set(delivered).size).toBe(3 * perSender);
  });

  it('gives someone without access nothing: no delivery, no history, an error ack', async () => {
    const o = await open(outsider);
    const got = collectEvents(o);
    const a = await open(alice);
    await send(a, '内部讨论');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/channels/${channelId}/messages`,
      headers: outsider.headers,
    });
    expect(res.statusCode).toBe(404);
    const ack = await emitAck(o, 'message:send', { channelId, clientId: clientId(), text: 'let me in' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const sync = await emitAck<SyncResult>(o, 'sync', { channels: [{ channelId, afterEventSeq: 0 }] });
    expect(sync.ok && sync.revoked).toEqual([channelId]);
    await sleep(200);
    expect(got).toHaveLength(0);
  });
});

describe('threads, reactions, pins, edits', () => {
  it('makes a replied-to message a thread root with count, participants and follow', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const root = await send(a, '周六志愿服务谁去?');
    const reply = await send(b, '我去', { threadRootId: root.id });
    expect(reply.seq).toBeNull();
    const echoed = await send(b, '我也带家人', { threadRootId: root.id, alsoToChannel: true });
    expect(echoed.seq).not.toBeNull();
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/messages/${root.id}/thread`,
      headers: alice.headers,
    });
    const thread = view.json();
    expect(thread.replies.map((m: Message) => m.text)).toEqual(['我去', '我也带家人']);
    expect(thread.root.thread).toMatchObject({ replyCount: 2, participantIds: [bob.id] });
    expect(thread.following).toBe(true); // the root's author follows automatically
    const unfollow = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/messages/${root.id}/follow`,
      headers: alice.headers,
      payload: { following: false },
    });
    expect(unfollow.json()).toEqual({ following: false });
    const page = await history(alice);
    expect(page.items.some((m) => m.id === reply.id)).toBe(false);
    expect(page.items.some((m) => m.id === echoed.id)).toBe(true);
  });

  it('counts reactions once per person and emoji, pins, and keeps edit history', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const m = await send(a, '初稿');
    await emitAck(b, 'reaction:add', { messageId: m.id, emoji: '👍' });
    await emitAck(b, 'reaction:add', { messageId: m.id, emoji: '👍' });
    await emitAck(a, 'reaction:add', { messageId: m.id, emoji: '👍' });
    expect((await emitAck(b, 'pin:add', { messageId: m.id })).ok).toBe(true);
    const edited = await emitAck<{ message: Message }>(a, 'message:edit', { messageId: m.id, text: '定稿' });
    expect(edited.ok && edited.message.version).toBe(2);
    const notMine = await emitAck(b, 'message:edit', { messageId: m.id, text: 'hijack' });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const page = await history(alice);
    const stored = page.items.find((x) => x.id === m.id)!;
    expect(stored.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [bob.id, alice.id] }]);
    expect(stored.pinned).toBe(true);
    expect(stored.text).toBe('定稿');
    const edits = await t.app.inject({
      method: 'GET',
      url: `/api/v1/messages/${m.id}/edits`,
      headers: bob.headers,
    });
    expect(edits.json().items.map((e: { text: string }) => e.text)).toEqual(['初稿', '定稿']);
    const pins = await t.app.inject({
      method: 'GET',
      url: `/api/v1/channels/${channelId}/pins`,
      headers: bob.headers,
    });
    expect(pins.json().items.map((x: Message) => x.id)).toContain(m.id);
  });

  it('lets a secretary delete another member’s message, as a logged tombstone', async () => {
    const a = await open(alice);
    const s = await open(secretary);
    const b = await open(bob);
    const m = await send(a, '不当言论');
    expect(await emitAck(b, 'message:delete', { messageId: m.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const deleted = await emitAck<{ message: Message }>(s, 'message:delete', { messageId: m.id });
    expect(deleted.ok && deleted.message.deletedBy).toBe(secretary.id);
    const stored = (await history(bob)).items.find((x) => x.id === m.id)!;
    expect(stored.deletedAt).not.toBeNull();
    expect(stored.text).toBe('');
    const log = await t.app.ctx.db.collection('moderation_log').findOne({ action: 'delete' });
    expect(log?.userId.toHexString()).toBe(alice.id);
  });
});

describe('catch-up', () => {
  it('replays every message, edit, delete and reaction missed while away, in order, exactly once', async () => {
    let c = await open(carol);
    const live = collectEvents(c);
    const a = await open(alice);
    const seen = await send(a, '离线前的消息');
    await waitFor(() => live.some((e) => e.message?.id === seen.id), 'live event before disconnect');
    const lastEventSeq = Math.max(...live.filter((e) => e.channelId === channelId).map((e) => e.eventSeq));
    c.disconnect();

    const m1 = await send(a, '离线期间一');
    const m2 = await send(a, '离线期间二');
    await emitAck(a, 'message:edit', { messageId: m1.id, text: '离线期间一(已改)' });
    await emitAck(a, 'message:delete', { messageId: m2.id });
    await emitAck(a, 'reaction:add', { messageId: seen.id, emoji: '🎉' });
    const m3 = await send(a, '离线期间三');

    c = await open(carol);
    const sync = await emitAck<SyncResult>(c, 'sync', {
      channels: [{ channelId, afterEventSeq: lastEventSeq }],
    });
    expect(sync.ok).toBe(true);
    if (!sync.ok) return;
    const events: ChannelEvent[] = sync.events;
    expect(events.map((e) => e.eventSeq)).toEqual(events.map((_, i) => lastEventSeq + 1 + i));
    expect(events.map((e) => [e.type, e.messageId])).toEqual([
      ['message.created', m1.id],
      ['message.created', m2.id],
      ['message.edited', m1.id],
      ['message.deleted', m2.id],
      ['reaction.added', seen.id],
      ['message.created', m3.id],
    ]);
    expect(events[2]!.message!.text).toBe('离线期间一(已改)');
    const again = await emitAck<SyncResult>(c, 'sync', {
      channels: [{ channelId, afterEventSeq: events.at(-1)!.eventSeq }],
    });
    expect(again.ok && again.events).toEqual([]);
  });
});

describe('read state', () => {
  it('keeps unread and mention counts exact and live on the member’s other devices', async () => {
    const phone = await open(carol);
    const laptop = await open(carol);
    const laptopStates = collect(laptop, 'read:state') as ReadState[];
    const start = await emitAck<{ state: ReadState }>(phone, 'read:mark', { channelId, seq: 1_000_000 });
    expect(start.ok && start.state.unread).toBe(0);
    const a = await open(alice);
    await send(a, '第一条');
    const mention = await send(a, `请 <@${carol.id}> 看一下`);
    await send(a, '第三条');
    let mine = (await channelsOf(t.app, carol.headers)).find((c) => c.id === channelId)!;
    expect(mine).toMatchObject({ unread: 3, mentions: 1 });

    const marked = await emitAck<{ state: ReadState }>(phone, 'read:mark', { channelId, seq: mention.seq! });
    expect(marked.ok && marked.state).toMatchObject({ unread: 1, mentions: 0 });
    await waitFor(
      () => laptopStates.some((s) => s.unread === 1 && s.readSeq === mention.seq),
      'other device update',
    );
    // An older position reported late by another device does not move the read position back.
    await emitAck(laptop, 'read:mark', { channelId, seq: 1 });
    mine = (await channelsOf(t.app, carol.headers)).find((c) => c.id === channelId)!;
    expect(mine).toMatchObject({ unread: 1, mentions: 0, readSeq: mention.seq });
    // Sending marks one's own message read.
    const mineSent = await send(phone, '收到');
    expect((await channelsOf(t.app, carol.headers)).find((c) => c.id === channelId)).toMatchObject({
      unread: 0,
      readSeq: mineSent.seq,
    });
  });
});

describe('@all', () => {
  it('is for leaders by default, and refused above the member-count cap', async () => {
    const a = await open(alice);
    const s = await open(secretary);
    const denied = await emitAck(a, 'message:send', { channelId, clientId: clientId(), text: '<@all> 开会' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'MENTION_ALL_FORBIDDEN' } });
    const allowed = await emitAck<Sent>(s, 'message:send', {
      channelId,
      clientId: clientId(),
      text: '@所有人 今晚八点开会',
    });
    expect(allowed.ok && allowed.message.mentionAll).toBe(true);

    // A big branch: more members than the cap.
    const big = await t.f.buildBranch();
    const leader = (await t.f.buildMember({ branchId: big.id, role: 'secretary' })).user;
    const { ChannelLimits } = await import('@zhibu/shared');
    const branchDoc = await t.f.org.tree.branchDoc(big.id);
    for (let i = 0; i < ChannelLimits.mentionAllMaxMembers; i++) {
      // Accounts without a password: hashing 100 passwords would only slow the test down.
      const user = await t.f.users.create({ displayName: `成员${i}`, passwordHash: null, role: 'user' });
      await t.f.org.members.add(branchDoc, { userId: user._id.toHexString() }, null);
    }
    const bigChannel = await branchChannelOf(t.app, leader.headers, big.id);
    const l = await open(leader);
    const capped = await emitAck(l, 'message:send', {
      channelId: bigChannel.id,
      clientId: clientId(),
      text: '<@all> hi',
    });
    expect(capped).toMatchObject({ ok: false, error: { code: 'MENTION_ALL_TOO_MANY' } });
    const plain = await emitAck(l, 'message:send', {
      channelId: bigChannel.id,
      clientId: clientId(),
      text: 'hi',
    });
    expect(plain.ok).toBe(true);
  }, 120_000);
});
