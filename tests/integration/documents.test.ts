import { buildApp } from '@zhibu/server';
import { CollabCloseCodes, DOC_META_MAP } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import {
  appendParagraph,
  type Client,
  connectProvider,
  fingerprint,
  paragraphs,
  portOf,
  synced,
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
  ctx = await startTestApp('documents', {
    COLLAB_UNLOAD_GRACE_MS: '200',
    COLLAB_FLUSH_MS: '100',
    COLLAB_COMPACT_AFTER: '5',
  });
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

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  ctx.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

async function branchWithMinutes(title = '支委会会议记录') {
  const secretary = await f.buildMember({ role: 'secretary' });
  const member = await f.buildMember({ branchId: secretary.branchId });
  const res = await api('POST', '/api/v1/documents', secretary.user.headers, {
    kind: 'minutes',
    branchId: secretary.branchId,
    title,
  });
  expect(res.statusCode).toBe(201);
  return { secretary, member, doc: res.json() as { id: string; docName: string } };
}

describe('documents REST', () => {
  it('creates minutes and reflections, lists only what the user may read, and validates input', async () => {
    const { secretary, member, doc } = await branchWithMinutes();
    const outsider = await f.buildMember();

    const group = await f.buildGroup(secretary.branchId);
    const inGroup = await f.buildMember({ branchId: secretary.branchId, groupId: group.id });
    const reflection = await api('POST', '/api/v1/documents', inGroup.user.headers, {
      kind: 'reflection',
      groupId: group.id,
      title: '第一季度学习心得',
    });
    expect(reflection.statusCode).toBe(201);
    expect(reflection.json().branchId).toBe(secretary.branchId);

    const mine = await api('GET', `/api/v1/documents?branchId=${secretary.branchId}`, member.user.headers);
    expect(mine.statusCode).toBe(200);
    expect(
      mine
        .json()
        .items.map((d: { id: string }) => d.id)
        .sort(),
    ).toEqual([doc.id, reflection.json().id].sort());
    const theirs = await api('GET', '/api/v1/documents', outsider.user.headers);
    expect(theirs.json().items.map((d: { id: string }) => d.id)).not.toContain(doc.id);
    expect((await api('GET', `/api/v1/documents/${doc.id}`, outsider.user.headers)).statusCode).toBe(404);

    const meta = await api('GET', `/api/v1/documents/${doc.id}`, member.user.headers);
    expect(meta.json()).toMatchObject({
      kind: 'minutes',
      status: 'draft',
      access: 'write',
      docName: `minutes:${doc.id}`,
    });
    expect(meta.json().actions).toEqual(['submit']);
    // A member of the branch outside the group reads the reflection but does not write it.
    const reflectionMeta = await api('GET', `/api/v1/documents/${reflection.json().id}`, member.user.headers);
    expect(reflectionMeta.json().access).toBe('read');

    const outsiderCreates = await api('POST', '/api/v1/documents', outsider.user.headers, {
      kind: 'minutes',
      branchId: secretary.branchId,
      title: 'x',
    });
    expect(outsiderCreates.statusCode).toBe(403);
    const bad = await api('POST', '/api/v1/documents', secretary.user.headers, { kind: 'poem', title: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const noBranch = await api('POST', '/api/v1/documents', secretary.user.headers, {
      kind: 'minutes',
      title: 'x',
    });
    expect(noBranch.statusCode).toBe(400);
  });

  it('stores every update within 1 s, keeps the plain text searchable, unloads and reloads intact', async () => {
    const { member, doc } = await branchWithMinutes('组织生活会记录');
    const a = open(portA, doc.docName, member.user.token);
    await synced(a);
    appendParagraph(a.doc, '讨论了网格化管理的隐患排查');
    const sentAt = Date.now();
    await until(async () => {
      const n = await ctx.app.ctx.db
        .collection('doc_updates')
        .countDocuments({ docId: new ObjectId(doc.id), kind: 'update' });
      return n > 0;
    }, 'update stored');
    expect(Date.now() - sentAt).toBeLessThan(1000);

    await until(async () => {
      const res = await api(
        'GET',
        `/api/v1/documents?q=${encodeURIComponent('隐患排查')}`,
        member.user.headers,
      );
      return res.json().items.some((d: { id: string }) => d.id === doc.id);
    }, 'plain text searchable');

    const before = fingerprint(a.doc);
    a.provider.destroy();
    await until(() => ctx.app.collab.stats().rooms === 0, 'document unloaded after the grace period');
    const b = open(portB, doc.docName, member.user.token);
    await synced(b);
    expect(fingerprint(b.doc)).toBe(before);
  });

  it('compacts stored updates across processes without losing an edit', async () => {
    const { member, secretary, doc } = await branchWithMinutes();
    const a = open(portA, doc.docName, member.user.token);
    const b = open(portB, doc.docName, secretary.user.token);
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 30; i++) {
      appendParagraph(i % 2 ? a.doc : b.doc, `line-${i}`);
      await new Promise((r) => setTimeout(r, 40));
    }
    await until(() => paragraphs(a.doc).filter((p) => p.startsWith('line-')).length === 30, 'all lines');
    a.provider.destroy();
    b.provider.destroy();
    await until(
      () => ctx.app.collab.stats().rooms === 0 && second.collab.stats().rooms === 0,
      'unloaded on both processes',
    );
    const records = await ctx.app.ctx.db
      .collection('doc_updates')
      .countDocuments({ docId: new ObjectId(doc.id) });
    expect(records).toBeLessThan(30);
    const c = open(portA, doc.docName, member.user.token);
    await synced(c);
    const lines = paragraphs(c.doc).filter((p) => p.startsWith('line-'));
    expect(lines.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `line-${i}`).sort());
  });
});

describe('lifecycle', () => {
  it('approved minutes turn read-only on every process; reopening needs the secretary and a reason', async () => {
    const { secretary, member, doc } = await branchWithMinutes();
    const editorA = open(portA, doc.docName, member.user.token);
    const editorB = open(portB, doc.docName, member.user.token);
    await Promise.all([synced(editorA), synced(editorB)]);

    expect(
      (await api('POST', `/api/v1/documents/${doc.id}/lifecycle`, member.user.headers, { action: 'approve' }))
        .statusCode,
    ).toBe(409);
    const submitted = await api('POST', `/api/v1/documents/${doc.id}/lifecycle`, member.user.headers, {
      action: 'submit',
    });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json().status).toBe('submitted');
    // A submitted draft is written by the branch leaders only: the member's connections on both processes
    // are told so (ACCESS_READ) and reconnect by themselves as viewers.
    await until(
      () =>
        editorA.closes.includes(CollabCloseCodes.ACCESS_READ) &&
        editorB.closes.includes(CollabCloseCodes.ACCESS_READ),
      'both member connections closed with ACCESS_READ',
    );
    await Promise.all([synced(editorA), synced(editorB)]);
    expect(
      (await api('POST', `/api/v1/documents/${doc.id}/lifecycle`, member.user.headers, { action: 'approve' }))
        .statusCode,
    ).toBe(403);
    const approved = await api('POST', `/api/v1/documents/${doc.id}/lifecycle`, secretary.user.headers, {
      action: 'approve',
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', access: 'read' });

    await until(
      () =>
        editorA.doc.getMap(DOC_META_MAP).get('status') === 'approved' &&
        editorB.doc.getMap(DOC_META_MAP).get('status') === 'approved',
      'status mirrored into both editors',
    );
    await new Promise((r) => setTimeout(r, 200));
    appendParagraph(editorA.doc, '批准后不能再改');
    appendParagraph(editorB.doc, '另一个进程也不能改');
    const watcher = open(portA, doc.docName, secretary.user.token);
    await synced(watcher);
    await new Promise((r) => setTimeout(r, 400));
    expect(paragraphs(watcher.doc)).not.toContain('批准后不能再改');
    expect(paragraphs(watcher.doc)).not.toContain('另一个进程也不能改');

    const noReason = await api('POST', `/api/v1/documents/${doc.id}/lifecycle`, secretary.user.headers, {
      action: 'reopen',
    });
    expect(noReason.statusCode).toBe(400);
    const reopened = await api('POST', `/api/v1/documents/${doc.id}/lifecycle`, secretary.user.headers, {
      action: 'reopen',
      reason: '决议措辞需要修改',
    });
    expect(reopened.json().status).toBe('draft');
    // Reopened: the member's viewer connections are told they write again, reconnect, and their edits count.
    await until(
      () =>
        editorA.closes.includes(CollabCloseCodes.ACCESS_WRITE) &&
        editorB.closes.includes(CollabCloseCodes.ACCESS_WRITE),
      'both member connections closed with ACCESS_WRITE',
    );
    expect(
      editorA.closes.filter((c) => c !== CollabCloseCodes.ACCESS_READ && c !== CollabCloseCodes.ACCESS_WRITE),
    ).toEqual([]);
    await Promise.all([synced(editorA), synced(editorB)]);
    appendParagraph(editorB.doc, '重新打开后可以修改');
    await until(
      () => paragraphs(watcher.doc).includes('重新打开后可以修改'),
      'edit after reopening reaches the watcher',
    );
    const events = await api('GET', `/api/v1/documents/${doc.id}/events`, member.user.headers);
    expect(events.json().items.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'submitted',
      'approved',
      'reopened',
    ]);
    expect(events.json().items[3].reason).toBe('决议措辞需要修改');
    const versions = await api('GET', `/api/v1/documents/${doc.id}/versions`, member.user.headers);
    expect(versions.json().items.map((v: { name: string }) => v.name)).toEqual(
      expect.arrayContaining(['submitted', 'approved']),
    );
  });

  it('of two concurrent approvals exactly one wins', async () => {
    const { secretary, doc } = await branchWithMinutes();
    await api('POST', `/api/v1/documents/${doc.id}/lifecycle`, secretary.user.headers, { action: 'submit' });
    const results = await Promise.all(
      [0, 1].map(() =>
        api('POST', `/api/v1/documents/${doc.id}/lifecycle`, secretary.user.headers, { action: 'approve' }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });
});

describe('versions', () => {
  it('restoring a version converges every client on both processes to that content', async () => {
    const { member, secretary, doc } = await branchWithMinutes();
    const a = open(portA, doc.docName, member.user.token);
    const b = open(portB, doc.docName, secretary.user.token);
    await Promise.all([synced(a), synced(b)]);
    appendParagraph(a.doc, '第一稿');
    await until(() => paragraphs(b.doc).includes('第一稿'), 'first draft everywhere');
    const saved = await api('POST', `/api/v1/documents/${doc.id}/versions`, member.user.headers, {
      name: '初稿',
    });
    expect(saved.statusCode).toBe(201);
    const firstDraft = paragraphs(a.doc);

    appendParagraph(b.doc, '第二稿的内容');
    await until(() => paragraphs(a.doc).includes('第二稿的内容'), 'second draft everywhere');

    const preview = await api(
      'GET',
      `/api/v1/documents/${doc.id}/versions/${saved.json().id}`,
      member.user.headers,
    );
    expect(preview.json().text).toContain('第一稿');
    expect(preview.json().text).not.toContain('第二稿的内容');

    const restored = await api(
      'POST',
      `/api/v1/documents/${doc.id}/versions/${saved.json().id}/restore`,
      member.user.headers,
    );
    expect(restored.statusCode).toBe(200);
    await until(
      () =>
        JSON.stringify(paragraphs(a.doc)) === JSON.stringify(firstDraft) &&
        fingerprint(a.doc) === fingerprint(b.doc),
      'both clients converge to the restored version',
    );
    // Still an ordinary document: editing after the restore works.
    appendParagraph(b.doc, '恢复后继续');
    await until(() => paragraphs(a.doc).includes('恢复后继续'), 'edit after restore');
  });
});

describe('export', () => {
  it('exports Markdown, .docx and a PDF with an embedded CJK font', async () => {
    const { member, doc } = await branchWithMinutes('主题党日会议记录');
    const a = open(portA, doc.docName, member.user.token);
    await synced(a);
    appendParagraph(a.doc, '学习贯彻党的二十大精神');
    await until(async () => {
      const md = await api('GET', `/api/v1/documents/${doc.id}/export?format=md`, member.user.headers);
      return md.body.includes('学习贯彻党的二十大精神');
    }, 'markdown export has the new text');
    const md = await api('GET', `/api/v1/documents/${doc.id}/export?format=md`, member.user.headers);
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.body).toContain('# 主题党日会议记录');
    expect(md.body).toContain('## 议程');

    const docx = await api('GET', `/api/v1/documents/${doc.id}/export?format=docx`, member.user.headers);
    expect(docx.statusCode).toBe(200);
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    const pdf = await api('GET', `/api/v1/documents/${doc.id}/export?format=pdf`, member.user.headers);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.toString('latin1')).toMatch(/FontFile[23]?/);
    expect(pdf.rawPayload.toString('latin1')).toContain('NotoSansCJK');

    const bad = await api('GET', `/api/v1/documents/${doc.id}/export?format=exe`, member.user.headers);
    expect(bad.statusCode).toBe(400);
  });

  it('answers a missing CJK font with a clear 503', async () => {
    const { member, doc } = await branchWithMinutes();
    const noFont = await buildApp({ ...ctx.config, PDF_CJK_FONT_PATH: '/nonexistent/font.ttc' });
    try {
      const res = await noFont.inject({
        method: 'GET',
        url: `/api/v1/documents/${doc.id}/export?format=pdf`,
        headers: member.user.headers,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('EXPORT_FONT_MISSING');
      expect(res.json().message).toContain('fonts-noto-cjk');
    } finally {
      await noFont.close();
    }
  });
});
