import type { Message, SearchPage } from '@zhibu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import { branchChannelOf, clientId, closeSockets, connect, emitAck, startChat } from './channels.fixtures.js';

let t: Awaited<ReturnType<typeof startChat>>;
let alice: BuiltUser;
let bob: BuiltUser;
let stranger: BuiltUser;
let channelA: string;
const sent = new Map<string, Message>();

beforeAll(async () => {
  t = await startChat('search');
  const branchA = await t.f.buildBranch();
  const branchB = await t.f.buildBranch();
  alice = (await t.f.buildMember({ branchId: branchA.id })).user;
  bob = (await t.f.buildMember({ branchId: branchA.id })).user;
  stranger = (await t.f.buildMember({ branchId: branchB.id })).user;
  channelA = (await branchChannelOf(t.app, alice.headers, branchA.id)).id;
  const channelB = (await branchChannelOf(t.app, stranger.headers, branchB.id)).id;
  const a = await connect(t.url, alice.token);
  const b = await connect(t.url, bob.token);
  const s = await connect(t.url, stranger.token);
  const post = async (socket: typeof a, channelId: string, text: string) => {
    const ack = await emitAck<{ message: Message }>(socket, 'message:send', {
      channelId,
      clientId: clientId(),
      text,
    });
    if (!ack.ok) throw new Error(ack.error.code);
    sent.set(text, ack.message);
  };
  await post(a, channelA, '本月网格化管理工作总结');
  await post(b, channelA, 'Party building meeting tonight');
  await post(a, channelA, '智慧党建 App 上线了');
  await post(a, channelA, '网格 里的 格化 不算');
  await post(b, channelA, '关于网格化的第二条通知');
  await post(a, channelA, '这条会被删除: 网格化');
  await post(s, channelB, '别的支部的网格化管理 secret');
  const deleted = sent.get('这条会被删除: 网格化')!;
  await emitAck(a, 'message:delete', { messageId: deleted.id });
  closeSockets();
});
afterAll(() => t.close());

async function search(user: BuiltUser, query: Record<string, string>) {
  const qs = new URLSearchParams(query).toString();
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/search/messages?${qs}`,
    headers: user.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as SearchPage;
}
const texts = (page: SearchPage) => page.items.map((h) => h.message.text);

describe('message search', () => {
  it('finds a Chinese phrase inside longer text, only where the user may read, and highlights it', async () => {
    const page = await search(alice, { q: '网格化' });
    expect(texts(page).sort()).toEqual(['关于网格化的第二条通知', '本月网格化管理工作总结'].sort());
    const hit = page.items.find((h) => h.message.text === '本月网格化管理工作总结')!;
    expect(hit.highlights).toEqual([[2, 5]]);
    expect(hit.message.text.slice(2, 5)).toBe('网格化');
    const other = await search(stranger, { q: '网格化' });
    expect(texts(other)).toEqual(['别的支部的网格化管理 secret']);
  });

  it('finds English words case-insensitively and mixed Chinese–English queries', async () => {
    expect(texts(await search(bob, { q: 'PARTY' }))).toEqual(['Party building meeting tonight']);
    expect(texts(await search(bob, { q: 'party 会议' }))).toEqual([]);
    const mixed = await search(alice, { q: '智慧党建 app' });
    expect(texts(mixed)).toEqual(['智慧党建 App 上线了']);
    expect(mixed.items[0]!.highlights).toEqual([
      [0, 4],
      [5, 8],
    ]);
    expect(texts(await search(alice, { q: 'secret' }))).toEqual([]);
  });

  it('filters by author and channel, and pages with a cursor', async () => {
    expect(texts(await search(alice, { q: '网格化', authorId: bob.id }))).toEqual(['关于网格化的第二条通知']);
    expect(texts(await search(alice, { q: '网格化', channelId: channelA }))).toHaveLength(2);
    const first = await search(alice, { q: '网格化', limit: '1' });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await search(alice, { q: '网格化', limit: '1', cursor: first.nextCursor! });
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.message.id).not.toBe(first.items[0]!.message.id);
    expect(second.nextCursor).toBeNull();
  });

  it('never returns deleted messages, and rejects bad input with 400', async () => {
    expect(texts(await search(alice, { q: '删除' }))).toEqual([]);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/search/messages?q=',
      headers: alice.headers,
    });
    expect(bad.statusCode).toBe(400);
    const badCursor = await t.app.inject({
      method: 'GET',
      url: '/api/v1/search/messages?q=abc&cursor=zzz',
      headers: alice.headers,
    });
    expect(badCursor.statusCode).toBe(400);
  });
});
