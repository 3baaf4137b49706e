import { ChannelLimits, type HistoryPage, type Message, type ReportPage } from '@zhibu/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import {
  branchChannelOf,
  clientId,
  closeSockets,
  collect,
  collectEvents,
  connect,
  emitAck,
  sleep,
  startChat,
  waitFor,
} from './channels.fixtures.js';

let t: Awaited<ReturnType<typeof startChat>>;
let secretary: BuiltUser;
let alice: BuiltUser;
let bob: BuiltUser;
let channelId: string;

beforeAll(async () => {
  t = await startChat('chanlimits');
  const branch = await t.f.buildBranch();
  secretary = (await t.f.buildMember({ branchId: branch.id, role: 'secretary' })).user;
  alice = (await t.f.buildMember({ branchId: branch.id })).user;
  bob = (await t.f.buildMember({ branchId: branch.id })).user;
  channelId = (await branchChannelOf(t.app, alice.headers, branch.id)).id;
});
afterEach(() => closeSockets());
afterAll(() => t.close());

const settings = (payload: Record<string, unknown>, user = secretary) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/channels/${channelId}`, headers: user.headers, payload });

describe('malformed payloads and limits', () => {
  it('answers wrong types, huge strings, extra fields and unknown events with error acks, and keeps the socket', async () => {
    const s = await connect(t.url, alice.token);
    const unknownNotices = collect(s, 'error:unknown-event');
    const cases: Array<[string, unknown, string]> = [
      ['message:send', 'just a string', 'VALIDATION_FAILED'],
      ['message:send', null, 'VALIDATION_FAILED'],
      ['message:send', { channelId: 12345, clientId: clientId(), text: 'x' }, 'VALIDATION_FAILED'],
      ['message:send', { channelId, clientId: 'bad id!', text: 'x' }, 'VALIDATION_FAILED'],
      ['message:send', { channelId, clientId: clientId(), text: 'x', admin: true }, 'VALIDATION_FAILED'],
      ['message:send', { channelId, clientId: clientId(), text: 'x'.repeat(200_000) }, 'MESSAGE_TOO_LONG'],
      ['message:send', { channelId, clientId: clientId(), text: '   ' }, 'MESSAGE_EMPTY'],
      [
        'message:send',
        {
          channelId,
          clientId: clientId(),
          text: 'x',
          attachmentIds: Array(ChannelLimits.attachmentsPerMessage + 1).fill('a'.repeat(24)),
        },
        'VALIDATION_FAILED',
      ],
      ['message:edit', { messageId: 'nope', text: 'x' }, 'VALIDATION_FAILED'],
      ['reaction:add', { messageId: 'a'.repeat(24), emoji: 'x'.repeat(1000) }, 'VALIDATION_FAILED'],
      ['read:mark', { channelId, seq: -1 }, 'VALIDATION_FAILED'],
      ['sync', { channels: 'all' }, 'VALIDATION_FAILED'],
      ['message:send', { channelId: 'f'.repeat(24), clientId: clientId(), text: 'x' }, 'NOT_FOUND'],
      ['admin:drop-database', {}, 'UNKNOWN_EVENT'],
    ];
    for (const [event, payload, code] of cases) {
      const ack = await emitAck(s, event, payload);
      expect(ack, `${event} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({
        ok: false,
        error: { code },
      });
    }
    // Without an ack callback: nothing to answer into, nothing crashes.
    const untyped = s as unknown as { emit(e: string, ...args: unknown[]): void };
    untyped.emit('message:send', { bogus: true });
    untyped.emit('who:knows', 1, 2, 3);
    await waitFor(() => unknownNotices.length === 1, 'unknown-event notice');
    expect(s.connected).toBe(true);
    const ok = await emitAck<{ message: Message }>(s, 'message:send', {
      channelId,
      clientId: clientId(),
      text: '还在',
    });
    expect(ok.ok).toBe(true);
  });

  it('limits the sending rate with an error ack and keeps the socket open', async () => {
    const s = await connect(t.url, bob.token);
    const codes: string[] = [];
    // The rate is counted per fixed window: a burst that straddles a window boundary may put up to twice
    // the limit through, so one more than that is sure to be refused.
    for (let i = 0; i <= ChannelLimits.sendRatePerWindow * 2 && !codes.includes('SEND_RATE_LIMITED'); i++) {
      const ack = await emitAck(s, 'message:send', { channelId, clientId: clientId(), text: `burst ${i}` });
      codes.push(ack.ok ? 'ok' : ack.error.code);
    }
    expect(codes).toContain('SEND_RATE_LIMITED');
    expect(codes.filter((c) => c === 'ok').length).toBeLessThanOrEqual(ChannelLimits.sendRatePerWindow * 2);
    expect(s.connected).toBe(true);
    const read = await emitAck(s, 'read:mark', { channelId, seq: 1 });
    expect(read.ok).toBe(true);
  });
});

describe('channel settings and moderation', () => {
  it('enforces slow mode for members but not for the secretary', async () => {
    expect((await settings({ slowModeSeconds: 30 }, alice)).statusCode).toBe(403);
    expect((await settings({ slowModeSeconds: 30 })).statusCode).toBe(200);
    const a = await connect(t.url, alice.token);
    const s = await connect(t.url, secretary.token);
    const send = (sock: typeof a, text: string) =>
      emitAck(sock, 'message:send', { channelId, clientId: clientId(), text });
    expect((await send(a, 'first')).ok).toBe(true);
    expect(await send(a, 'second')).toMatchObject({ ok: false, error: { code: 'SLOW_MODE' } });
    expect((await send(s, 'leader 1')).ok).toBe(true);
    expect((await send(s, 'leader 2')).ok).toBe(true);
    expect((await settings({ slowModeSeconds: 0 })).statusCode).toBe(200);
  });

  it('mutes a member for a while; an archived channel takes no messages', async () => {
    const mute = await t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channelId}/mutes`,
      headers: secretary.headers,
      payload: { userId: alice.id, minutes: 10 },
    });
    expect(mute.statusCode).toBe(200);
    const a = await connect(t.url, alice.token);
    expect(await emitAck(a, 'message:send', { channelId, clientId: clientId(), text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'CHANNEL_MUTED' },
    });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channelId}/mutes`,
      headers: secretary.headers,
      payload: { userId: alice.id, minutes: 0 },
    });
    expect((await emitAck(a, 'message:send', { channelId, clientId: clientId(), text: 'back' })).ok).toBe(
      true,
    );

    const events = collectEvents(a);
    expect((await settings({ archived: true })).statusCode).toBe(200);
    await waitFor(
      () => events.some((e) => e.type === 'channel.updated' && e.channel?.archived === true),
      'settings event',
    );
    await sleep(50);
    expect(await emitAck(a, 'message:send', { channelId, clientId: clientId(), text: 'late' })).toMatchObject(
      {
        ok: false,
        error: { code: 'CHANNEL_ARCHIVED' },
      },
    );
    expect((await settings({ archived: false })).statusCode).toBe(200);
  });

  it('puts reports in the secretary’s review queue; hiding removes the text for members', async () => {
    const a = await connect(t.url, alice.token);
    const b = await connect(t.url, bob.token);
    const bobEvents = collectEvents(b);
    const sent = await emitAck<{ message: Message }>(a, 'message:send', {
      channelId,
      clientId: clientId(),
      text: '广告: 加我微信',
    });
    if (!sent.ok) throw new Error('send failed');
    const report = await t.app.inject({
      method: 'POST',
      url: `/api/v1/messages/${sent.message.id}/reports`,
      headers: bob.headers,
      payload: { reason: '垃圾广告' },
    });
    expect(report.statusCode).toBe(200);
    const memberQueue = await t.app.inject({
      method: 'GET',
      url: '/api/v1/moderation/reports',
      headers: bob.headers,
    });
    expect((memberQueue.json() as ReportPage).items).toHaveLength(0);
    const queue = await t.app.inject({
      method: 'GET',
      url: '/api/v1/moderation/reports?status=open',
      headers: secretary.headers,
    });
    const items = (queue.json() as ReportPage).items;
    expect(items.map((r) => [r.message.id, r.reason])).toEqual([[sent.message.id, '垃圾广告']]);
    const resolve = await t.app.inject({
      method: 'POST',
      url: `/api/v1/moderation/reports/${sent.message.id}/resolve`,
      headers: secretary.headers,
      payload: { action: 'hide' },
    });
    expect(resolve.statusCode).toBe(200);
    await waitFor(
      () => bobEvents.some((e) => e.type === 'message.hidden' && e.messageId === sent.message.id),
      'hidden event',
    );
    const page = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/channels/${channelId}/messages`,
        headers: bob.headers,
      })
    ).json() as HistoryPage;
    const hidden = page.items.find((m) => m.id === sent.message.id)!;
    expect(hidden).toMatchObject({ hidden: true, text: '' });
    const open = await t.app.inject({
      method: 'GET',
      url: '/api/v1/moderation/reports?status=open',
      headers: secretary.headers,
    });
    expect((open.json() as ReportPage).items).toHaveLength(0);
  });
});
