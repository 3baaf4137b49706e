import { buildApp } from '@zhibu/server';
import { COLLAB_MAX_CONNECTIONS_PER_USER, CollabCloseCodes } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestApp } from '../support/app.js';
import {
  appendParagraph,
  type Client,
  connectProvider,
  element,
  fingerprint,
  paragraphs,
  portOf,
  rawSocket,
  synced,
  typeAt,
  until,
} from '../support/collab.js';
import { factories } from '../support/factories.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let second: Awaited<ReturnType<typeof buildApp>>;
let portA: number;
let portB: number;
let f: ReturnType<typeof factories>;
const clients: Client[] = [];

beforeAll(async () => {
  ctx = await startTestApp('collab', { COLLAB_UNLOAD_GRACE_MS: '200', COLLAB_FLUSH_MS: '100' });
  // A second server process on the same database and Redis prefix.
  second = await buildApp(ctx.config);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  await second.listen({ port: 0, host: '127.0.0.1' });
  portA = portOf(ctx.app.server);
  portB = portOf(second.server);
  f = factories(ctx.app);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.provider.destroy();
});
afterAll(async () => {
  await second.close();
  await ctx.close();
});

function open(port: number, docName: string, token: string): Client {
  const client = connectProvider(port, docName, token);
  clients.push(client);
  return client;
}

/** A branch with a secretary and `n` members, and a minutes document created by the secretary. */
async function minutesWithMembers(n: number) {
  const secretary = await f.buildMember({ role: 'secretary' });
  const members = [];
  for (let i = 0; i < n; i++) members.push(await f.buildMember({ branchId: secretary.branchId }));
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/documents',
    headers: secretary.user.headers,
    payload: { kind: 'minutes', branchId: secretary.branchId, title: '支部党员大会会议记录' },
  });
  expect(res.statusCode).toBe(201);
  const doc = res.json() as { id: string; docName: string };
  return { secretary, members, doc };
}

const converged = (cs: Client[]) => {
  const first = fingerprint(cs[0]!.doc);
  return cs.every((c) => fingerprint(c.doc) === first);
};

describe('concurrent editing with stock y-websocket providers', () => {
  it('two and three clients on one process converge after same-position inserts, deletes and formatting', async () => {
    const { members, doc } = await minutesWithMembers(3);
    const [a, b, c] = members.map((m) => open(portA, doc.docName, m.user.token)) as [Client, Client, Client];
    await Promise.all([synced(a), synced(b), synced(c)]);
    expect(paragraphs(a.doc)[0]).toBe('支部党员大会会议记录');

    // Same position, same moment: all three type at the start of "时间：".
    typeAt(a.doc, 1, 3, 'A甲');
    typeAt(b.doc, 1, 3, 'B乙');
    typeAt(c.doc, 1, 3, 'C丙');
    await until(() => converged([a, b, c]), 'three-way convergence');
    const line = paragraphs(a.doc)[1]!;
    for (const piece of ['A甲', 'B乙', 'C丙']) expect(line).toContain(piece);

    // Concurrent delete of overlapping ranges and formatting of the same text node.
    const target = () => element(a.doc, 2);
    element(a.doc, 2).delete(1, 2);
    element(b.doc, 2).delete(2, 2);
    (element(c.doc, 2).toDelta() as { insert: unknown }[]).forEach((op) => {
      if (op.insert instanceof Y.Map) op.insert.set('__format', 1);
    });
    await until(() => converged([a, b, c]), 'convergence after delete + format');
    const formats = (target().toDelta() as { insert: unknown }[])
      .filter((op) => op.insert instanceof Y.Map)
      .map((op) => (op.insert as Y.Map<unknown>).get('__format'));
    expect(formats).toContain(1);
  });

  it('clients on two processes converge, awareness included', async () => {
    const { members, doc } = await minutesWithMembers(3);
    const a = open(portA, doc.docName, members[0]!.user.token);
    const b = open(portB, doc.docName, members[1]!.user.token);
    const c = open(portB, doc.docName, members[2]!.user.token);
    await Promise.all([synced(a), synced(b), synced(c)]);
    expect(fingerprint(b.doc)).toBe(fingerprint(a.doc));

    for (let i = 0; i < 20; i++) {
      typeAt(a.doc, 1, 3, 'a');
      typeAt(b.doc, 1, 3, 'b');
      if (i % 2 === 0) appendParagraph(c.doc, `c${i}`);
    }
    await until(() => converged([a, b, c]), 'cross-process convergence');
    expect(paragraphs(a.doc).filter((p) => /^c\d+$/.test(p))).toHaveLength(10);

    a.provider.awareness.setLocalStateField('user', { name: '张三', color: '#d4380d' });
    await until(
      () => [...c.provider.awareness.getStates().values()].some((s) => s.user?.name === '张三'),
      'awareness from the other process',
    );
    a.provider.destroy();
    await until(
      () => ![...c.provider.awareness.getStates().values()].some((s) => s.user?.name === '张三'),
      'awareness removal on the other process',
    );
  });
});

describe('authorization', () => {
  it("refuses a read-only viewer's updates but relays their awareness", async () => {
    const { members, doc } = await minutesWithMembers(1);
    const editor = open(portA, doc.docName, members[0]!.user.token);
    // A committee admin may read the branch but is not a member: read-only.
    const branch = await ctx.app.ctx.db.collection('documents').findOne({ _id: new ObjectId(doc.id) });
    const viewerUser = await f.buildCommitteeAdmin(String(branch!.committeeId));
    const viewer = open(portB, doc.docName, viewerUser.token);
    await Promise.all([synced(editor), synced(viewer)]);
    const meta = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/documents/${doc.id}`,
      headers: viewerUser.headers,
    });
    expect(meta.json().access).toBe('read');

    appendParagraph(viewer.doc, '观察者不该写入');
    viewer.provider.awareness.setLocalStateField('user', { name: '观察者' });
    await until(
      () => [...editor.provider.awareness.getStates().values()].some((s) => s.user?.name === '观察者'),
      'viewer awareness reaches the editor',
    );
    appendParagraph(editor.doc, '编辑者写入');
    await until(() => paragraphs(viewer.doc).includes('编辑者写入'), 'editor text reaches the viewer');
    await new Promise((r) => setTimeout(r, 300));
    expect(paragraphs(editor.doc)).not.toContain('观察者不该写入');
    // Nothing of it was stored either: a fresh reader does not see it.
    const fresh = open(portA, doc.docName, members[0]!.user.token);
    await synced(fresh);
    expect(paragraphs(fresh.doc)).toContain('编辑者写入');
    expect(paragraphs(fresh.doc)).not.toContain('观察者不该写入');
  });

  it('closes with the documented codes: no access, unknown document, bad token, bad name', async () => {
    const { doc } = await minutesWithMembers(0);
    const outsider = await f.buildMember();
    const forbidden = rawSocket(portA, `/collab/${doc.docName}?token=${outsider.user.token}`);
    expect((await forbidden.closed).code).toBe(CollabCloseCodes.FORBIDDEN);
    const missing = rawSocket(
      portA,
      `/collab/minutes:${new ObjectId().toHexString()}?token=${outsider.user.token}`,
    );
    expect((await missing.closed).code).toBe(CollabCloseCodes.NOT_FOUND);
    const wrongKind = rawSocket(portA, `/collab/reflection:${doc.id}?token=${outsider.user.token}`);
    expect((await wrongKind.closed).code).toBe(CollabCloseCodes.NOT_FOUND);
    const badToken = rawSocket(portA, `/collab/${doc.docName}?token=a.b.c`);
    expect((await badToken.closed).code).toBe(CollabCloseCodes.UNAUTHENTICATED);
    const noToken = rawSocket(portA, `/collab/${doc.docName}`);
    expect((await noToken.closed).code).toBe(CollabCloseCodes.UNAUTHENTICATED);
    const badName = rawSocket(portA, `/collab/minutes:xyz?token=${outsider.user.token}`);
    expect((await badName.closed).code).toBe(CollabCloseCodes.BAD_DOC_NAME);
  });

  it('ending a membership closes that member’s live connections on every process', async () => {
    const { members, doc } = await minutesWithMembers(2);
    const leaving = members[0]!;
    const onA = open(portA, doc.docName, leaving.user.token);
    const onB = open(portB, doc.docName, leaving.user.token);
    const staying = open(portB, doc.docName, members[1]!.user.token);
    await Promise.all([synced(onA), synced(onB), synced(staying)]);
    const branch = await f.org.tree.branchDoc(leaving.branchId);
    await f.org.members.end(branch, leaving.user.id, null);
    await until(
      () =>
        onA.closes.includes(CollabCloseCodes.FORBIDDEN) && onB.closes.includes(CollabCloseCodes.FORBIDDEN),
      'both connections closed with 4403',
    );
    expect(staying.closes).toEqual([]);
  });
});

describe('live access changes', () => {
  it('a role change closes the user’s connections on both processes with ACCESS_READ, then ACCESS_WRITE; the providers reconnect with the new rights', async () => {
    const secretary = await f.buildMember({ role: 'secretary' });
    const leader = await f.buildMember({ branchId: secretary.branchId, role: 'committeeMember' });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: secretary.user.headers,
      payload: { kind: 'minutes', branchId: secretary.branchId, title: '支委会会议记录' },
    });
    const doc = res.json() as { id: string; docName: string };
    const submitted = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc.id}/lifecycle`,
      headers: secretary.user.headers,
      payload: { action: 'submit' },
    });
    expect(submitted.statusCode).toBe(200);
    // Submitted minutes: only the branch leaders write. The committee member is one, for now.
    const onA = open(portA, doc.docName, leader.user.token);
    const onB = open(portB, doc.docName, leader.user.token);
    const watcher = open(portA, doc.docName, secretary.user.token);
    await Promise.all([synced(onA), synced(onB), synced(watcher)]);
    appendParagraph(onB.doc, '支委写入');
    await until(() => paragraphs(watcher.doc).includes('支委写入'), 'the leader writes');

    const branch = await f.org.tree.branchDoc(secretary.branchId);
    await f.org.members.update(branch, leader.user.id, { role: 'member' }, null);
    await until(
      () =>
        onA.closes.includes(CollabCloseCodes.ACCESS_READ) &&
        onB.closes.includes(CollabCloseCodes.ACCESS_READ),
      'both connections told ACCESS_READ',
    );
    await Promise.all([synced(onA), synced(onB)]);
    appendParagraph(onA.doc, '降为党员后的修改');
    await new Promise((r) => setTimeout(r, 500));
    expect(paragraphs(watcher.doc)).not.toContain('降为党员后的修改');
    expect(watcher.closes).toEqual([]);

    await f.org.members.update(branch, leader.user.id, { role: 'committeeMember' }, null);
    await until(
      () =>
        onA.closes.includes(CollabCloseCodes.ACCESS_WRITE) &&
        onB.closes.includes(CollabCloseCodes.ACCESS_WRITE),
      'both connections told ACCESS_WRITE',
    );
    await Promise.all([synced(onA), synced(onB)]);
    appendParagraph(onB.doc, '恢复支委后的修改');
    await until(() => paragraphs(watcher.doc).includes('恢复支委后的修改'), 'writes count again');
  });
});

describe('connection limit per user', () => {
  /** A raw connection that the server accepted (its first frame, sync step 1, arrived). */
  async function accepted(port: number, path: string) {
    const socket = rawSocket(port, path);
    await until(() => socket.messages.length > 0, 'server sync step 1');
    return socket;
  }

  it('counts a user’s connections over both processes, closes the excess with 4429 and frees a slot on close', async () => {
    const { members, doc } = await minutesWithMembers(1);
    const member = members[0]!;
    const path = `/collab/${doc.docName}?token=${member.user.token}`;
    const held = [];
    for (let i = 0; i < COLLAB_MAX_CONNECTIONS_PER_USER; i++) {
      held.push(await accepted(i % 2 === 0 ? portA : portB, path));
    }
    try {
      for (const port of [portA, portB]) {
        const excess = rawSocket(port, path);
        expect((await excess.closed).code).toBe(CollabCloseCodes.TOO_MANY_CONNECTIONS);
      }
      // Another user of the same document is not affected.
      const other = open(portB, doc.docName, (await f.buildMember({ branchId: member.branchId })).user.token);
      await synced(other);

      // Closing one connection (on the other process) frees its slot at once.
      const leaving = held.shift()!;
      leaving.ws.close();
      await leaving.closed;
      const again = await accepted(portB, path);
      held.push(again);
      const excess = rawSocket(portA, path);
      expect((await excess.closed).code).toBe(CollabCloseCodes.TOO_MANY_CONNECTIONS);
      // The accepted connection works: it is not closed meanwhile.
      expect(again.ws.readyState).toBe(again.ws.OPEN);
    } finally {
      for (const s of held) s.ws.close();
      await Promise.all(held.map((s) => s.closed));
    }
    // Every slot was released: the user can open the limit again.
    const reopened = await Promise.all(
      Array.from({ length: COLLAB_MAX_CONNECTIONS_PER_USER }, (_, i) =>
        accepted(i % 2 ? portA : portB, path),
      ),
    );
    for (const s of reopened) s.ws.close();
    await Promise.all(reopened.map((s) => s.closed));
  });

  it('ends a connection whose peer went away without closing, and keeps live ones', async () => {
    const beating = await buildApp({ ...ctx.config, COLLAB_HEARTBEAT_MS: 150 });
    try {
      await beating.listen({ port: 0, host: '127.0.0.1' });
      const port = portOf(beating.server);
      const { members, doc } = await minutesWithMembers(2);
      const [gone, here] = members.map((m) => `/collab/${doc.docName}?token=${m.user.token}`) as [
        string,
        string,
      ];
      const silent = await accepted(port, gone);
      const live = await accepted(port, here);
      expect(beating.collab.stats().connections).toBe(2);
      // The peer stops reading (its network is gone): it answers no ping any more.
      (silent.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      await until(() => beating.collab.stats().connections === 1, 'the silent connection ended');
      // The live one answers every ping and stays, several heartbeats later.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(live.ws.readyState).toBe(live.ws.OPEN);
      expect(beating.collab.stats().connections).toBe(1);
      live.ws.close();
      await live.closed;
    } finally {
      await beating.close();
    }
  });

  it('slots left behind by a crashed process stop counting once they expire', async () => {
    const { members, doc } = await minutesWithMembers(1);
    const member = members[0]!;
    // What a process that died without releasing leaves in Redis: slots it no longer refreshes.
    const key = `${ctx.config.REDIS_PREFIX}:collab:conns:${member.user.id}`;
    const expired = Date.now() - 1_000;
    const stale = Array.from({ length: COLLAB_MAX_CONNECTIONS_PER_USER }, (_, i) => [expired, `dead:${i}`]);
    await ctx.app.ctx.redis.zadd(key, ...stale.flat());
    const client = open(portA, doc.docName, member.user.token);
    await synced(client);
    expect(client.closes).toEqual([]);
    // The same number of live (unexpired) foreign slots does block.
    await ctx.app.ctx.redis.zadd(
      key,
      ...Array.from({ length: COLLAB_MAX_CONNECTIONS_PER_USER - 1 }, (_, i) => [
        Date.now() + 60_000,
        `alive:${i}`,
      ]).flat(),
    );
    const excess = rawSocket(portB, `/collab/${doc.docName}?token=${member.user.token}`);
    expect((await excess.closed).code).toBe(CollabCloseCodes.TOO_MANY_CONNECTIONS);
  });
});

describe('templates', () => {
  it('many clients opening a new document at once on two processes get exactly one template', async () => {
    const { members, doc } = await minutesWithMembers(1);
    // Remove the template written at creation, as if the document had been created by an older server:
    // the load path must then create it exactly once.
    await ctx.app.ctx.db.collection('doc_updates').deleteMany({ docId: new ObjectId(doc.id) });
    const token = members[0]!.user.token;
    const many = Array.from({ length: 12 }, (_, i) => open(i % 2 === 0 ? portA : portB, doc.docName, token));
    await Promise.all(many.map((c) => synced(c)));
    await until(() => converged(many), 'all clients converge');
    for (const c of many) {
      expect(paragraphs(c.doc).filter((p) => p === '议程')).toHaveLength(1);
      expect(paragraphs(c.doc).filter((p) => p.startsWith('时间'))).toHaveLength(1);
    }
    const stored = await ctx.app.ctx.db
      .collection('doc_updates')
      .countDocuments({ docId: new ObjectId(doc.id), clock: 0 });
    expect(stored).toBe(1);
  });
});

describe('protocol errors', () => {
  it('closes malformed, oversize and unknown frames with a code and keeps serving', async () => {
    const { members, doc } = await minutesWithMembers(1);
    const token = members[0]!.user.token;
    const path = `/collab/${doc.docName}?token=${token}`;

    const garbage = rawSocket(portA, path);
    await garbage.opened;
    garbage.ws.send(Buffer.from([0, 2, 200, 200, 200, 200, 200]));
    expect((await garbage.closed).code).toBe(CollabCloseCodes.PROTOCOL_ERROR);

    const unknown = rawSocket(portA, path);
    await unknown.opened;
    unknown.ws.send(Buffer.from([9, 1, 2]));
    expect((await unknown.closed).code).toBe(CollabCloseCodes.PROTOCOL_ERROR);

    const text = rawSocket(portA, path);
    await text.opened;
    text.ws.send('hello');
    expect((await text.closed).code).toBe(CollabCloseCodes.PROTOCOL_ERROR);

    const badUpdate = rawSocket(portA, path);
    await badUpdate.opened;
    badUpdate.ws.send(Buffer.from([0, 2, 5, 1, 2, 3, 4, 5]));
    expect((await badUpdate.closed).code).toBe(CollabCloseCodes.PROTOCOL_ERROR);

    const huge = rawSocket(portA, path);
    await huge.opened;
    const big = new Y.Doc();
    appendParagraph(big, 'x'.repeat(600_000));
    const update = Y.encodeStateAsUpdate(big);
    const frame = Buffer.concat([Buffer.from([0, 2]), encodeVarUint(update.length), Buffer.from(update)]);
    huge.ws.send(frame);
    expect((await huge.closed).code).toBe(CollabCloseCodes.TOO_LARGE);

    // The process is fine: a normal client still syncs and edits.
    const ok = open(portA, doc.docName, token);
    await synced(ok);
    appendParagraph(ok.doc, '仍然可以编辑');
    const other = open(portB, doc.docName, token);
    await until(() => paragraphs(other.doc).includes('仍然可以编辑'), 'edit after protocol errors');
  });
});

describe('size cap', () => {
  it('closes a connection whose edits would grow the document past the cap, and keeps what was stored', async () => {
    const capped = await buildApp({ ...ctx.config, COLLAB_MAX_DOC_BYTES: 20_000 });
    try {
      await capped.listen({ port: 0, host: '127.0.0.1' });
      const { members, doc } = await minutesWithMembers(1);
      const writer = open(portOf(capped.server), doc.docName, members[0]!.user.token);
      await synced(writer);
      for (let i = 0; i < 30 && !writer.closes.includes(CollabCloseCodes.TOO_LARGE); i++) {
        appendParagraph(writer.doc, `${i}:${'长'.repeat(1000)}`);
        await new Promise((r) => setTimeout(r, 30));
      }
      await until(() => writer.closes.includes(CollabCloseCodes.TOO_LARGE), 'closed with 4413');
      writer.provider.destroy();
      // What was accepted before the cap is intact and readable on another process.
      const reader = open(portB, doc.docName, members[0]!.user.token);
      await synced(reader);
      const stored = paragraphs(reader.doc).filter((p) => /^\d+:/.test(p));
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.length).toBeLessThan(30);
      expect(stored.every((p) => p.length === p.indexOf(':') + 1 + 1000)).toBe(true);
    } finally {
      await capped.close();
    }
  });
});

function encodeVarUint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 127) {
    bytes.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
