import type { HistoryPage, Message } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import {
  branchChannelOf,
  clientId,
  closeSockets,
  collectEvents,
  connect,
  emitAck,
  startChat,
  waitFor,
} from './channels.fixtures.js';

// Concurrent sends are stored together (one insertMany per batch); these tests check that the unique
// indexes still decide each message alone, and that what a sender is told matches what was stored.

let t: Awaited<ReturnType<typeof startChat>>;
let members: BuiltUser[];
let reader: BuiltUser;
let channelId: string;

type Sent = { message: Message; duplicate: boolean };

beforeAll(async () => {
  t = await startChat('chanburst');
  const branch = await t.f.buildBranch();
  members = await Promise.all(
    Array.from({ length: 4 }, async () => (await t.f.buildMember({ branchId: branch.id })).user),
  );
  reader = (await t.f.buildMember({ branchId: branch.id })).user;
  channelId = (await branchChannelOf(t.app, reader.headers, branch.id)).id;
});
afterEach(() => closeSockets());
afterAll(() => t.close());

const prefix = () => t.app.ctx.config.REDIS_PREFIX;
const messages = () => t.app.ctx.db.collection('messages');

async function lastSeq(): Promise<number> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/channels/${channelId}/messages?limit=1`,
    headers: reader.headers,
  });
  expect(res.statusCode).toBe(200);
  return (res.json() as HistoryPage).lastSeq;
}

describe('a burst of concurrent sends', () => {
  it('stores each message once with gapless positions, also when the sequence counter lags behind', async () => {
    const sockets = await Promise.all(members.map((m) => connect(t.url, m.token)));
    const watcher = await connect(t.url, reader.token);
    const received = collectEvents(watcher);
    for (let i = 0; i < 3; i++) {
      const ack = await emitAck<Sent>(sockets[0]!, 'message:send', {
        channelId,
        clientId: clientId(),
        text: `warm ${i}`,
      });
      expect(ack.ok).toBe(true);
    }
    const before = await lastSeq();
    // As after a Redis restore from an old snapshot: the next three positions are taken already.
    await t.app.ctx.redis.set(`${prefix()}:ctr:seq:${channelId}`, String(before - 3));

    const perSender = 10;
    const payloads = sockets.flatMap((s, i) =>
      Array.from({ length: perSender }, (_, n) => ({
        socket: s,
        payload: { channelId, clientId: clientId(), text: `burst ${i}-${n}` },
      })),
    );
    const acks = await Promise.all(payloads.map((p) => emitAck<Sent>(p.socket, 'message:send', p.payload)));
    const sent = acks.map((a) => {
      if (!a.ok) throw new Error(`send failed: ${a.error.code}`);
      expect(a.duplicate).toBe(false);
      return a.message;
    });

    const total = payloads.length;
    expect(sent.map((m) => m.seq!).sort((x, y) => x - y)).toEqual(
      Array.from({ length: total }, (_, i) => before + 1 + i),
    );
    expect(new Set(sent.map((m) => m.id)).size).toBe(total);
    const stored = await messages()
      .find({ clientId: { $in: payloads.map((p) => p.payload.clientId) } })
      .toArray();
    expect(stored.length).toBe(total);
    // What each sender was told is what was stored.
    const bySeq = new Map(stored.map((d) => [String(d._id), d.seq as number]));
    for (const m of sent) expect(bySeq.get(m.id)).toBe(m.seq);
    expect(await lastSeq()).toBe(before + total);
    await waitFor(
      () =>
        new Set(received.filter((e) => e.type === 'message.created').map((e) => e.message!.id)).size >=
        total + 3,
      'every message delivered',
    );
  });

  it('carries on from the stored positions and event numbers when Redis lost the counters', async () => {
    const s = await connect(t.url, members[2]!.token);
    const send = (text: string) =>
      emitAck<Sent>(s, 'message:send', { channelId, clientId: clientId(), text }).then((a) => {
        if (!a.ok) throw new Error(`send failed: ${a.error.code}`);
        return a.message;
      });
    await send('before the loss');
    const before = await lastSeq();
    const lastEvent = await messages()
      .find({ channelId: new ObjectId(channelId) })
      .sort({ eventSeq: -1 })
      .limit(1)
      .toArray();
    await t.app.ctx.redis.del(`${prefix()}:ctr:seq:${channelId}`, `${prefix()}:ctr:ev:${channelId}`);

    const sent = await Promise.all(Array.from({ length: 5 }, (_, i) => send(`after the loss ${i}`)));
    expect(sent.map((m) => m.seq!).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5].map((i) => before + i));
    const stored = await messages()
      .find({ _id: { $in: sent.map((m) => new ObjectId(m.id)) } })
      .toArray();
    const eventSeqs = stored.map((d) => d.eventSeq as number);
    // Catch-up reads by event number: new messages must come after everything stored, each number once.
    expect(Math.min(...eventSeqs)).toBeGreaterThan(lastEvent[0]!.eventSeq as number);
    expect(new Set(eventSeqs).size).toBe(sent.length);
  });

  it('answers a re-send whose claim was lost with the stored message, and stores the others of its batch', async () => {
    const s = await connect(t.url, members[1]!.token);
    const payload = { channelId, clientId: clientId(), text: '只存一次' };
    const first = await emitAck<Sent>(s, 'message:send', payload);
    if (!first.ok) throw new Error(`send failed: ${first.error.code}`);
    // The claim is gone (expired, Redis flushed): only the unique client-id index can tell.
    await t.app.ctx.redis.del(`${prefix()}:cid:${channelId}:${payload.clientId}`);

    const others = Array.from({ length: 6 }, (_, i) => ({
      channelId,
      clientId: clientId(),
      text: `同批 ${i}`,
    }));
    const [again, ...rest] = await Promise.all(
      [payload, ...others].map((p) => emitAck<Sent>(s, 'message:send', p)),
    );
    if (!again!.ok) throw new Error(`re-send failed: ${again!.error.code}`);
    expect(again!.duplicate).toBe(true);
    expect(again!.message.id).toBe(first.message.id);
    expect(again!.message.seq).toBe(first.message.seq);
    for (const a of rest) expect(a.ok && !a.duplicate).toBe(true);
    expect(await messages().countDocuments({ clientId: payload.clientId })).toBe(1);
    expect(await messages().countDocuments({ clientId: { $in: others.map((o) => o.clientId) } })).toBe(
      others.length,
    );
  });
});
