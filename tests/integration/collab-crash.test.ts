import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Config } from '@zhibu/server';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestApp } from '../support/app.js';
import {
  appendParagraph,
  type Client,
  connectProvider,
  paragraphs,
  synced,
  until,
} from '../support/collab.js';
import { factories } from '../support/factories.js';

const root = path.resolve(import.meta.dirname, '../..');
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let child: ChildProcess | null = null;
let port: number;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** Runs the real server entry point (`tsx server/src/main.ts`) as a child process on the test's database. */
async function startServer(config: Config): Promise<ChildProcess> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const [key, value] of Object.entries(config)) if (value !== undefined) env[key] = String(value);
  env.PORT = String(port);
  env.HOST = '127.0.0.1';
  env.LOG_LEVEL = 'warn';
  // Node itself with tsx as a loader: one process, so SIGKILL really kills the server (the tsx CLI would
  // leave its node child running).
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@zhibu/source', 'server/src/main.ts'],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  await until(
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    'server child up',
    90_000, // a cold start compiles the server with tsx: slow on a busy two-core machine
  );
  return proc;
}

beforeAll(async () => {
  ctx = await startTestApp('collabcrash');
  port = await freePort();
  child = await startServer(ctx.config);
}, 120_000);
afterAll(async () => {
  child?.kill('SIGKILL');
  await ctx.close();
});

describe('kill -9 of the server while clients edit', () => {
  it('keeps every update older than 1 s, and reconnecting clients re-sync the rest without duplicates', async () => {
    const f = factories(ctx.app);
    const secretary = await f.buildMember({ role: 'secretary' });
    const member = await f.buildMember({ branchId: secretary.branchId });
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/documents`, {
      method: 'POST',
      headers: { ...secretary.user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'minutes', branchId: secretary.branchId, title: '崩溃测试' }),
    });
    expect(res.status).toBe(201);
    const doc = (await res.json()) as { id: string; docName: string };

    const clients: Client[] = [
      connectProvider(port, doc.docName, secretary.user.token),
      connectProvider(port, doc.docName, member.user.token),
    ];
    await Promise.all(clients.map((c) => synced(c)));

    // Both clients type a uniquely named paragraph every 25 ms; remember when each was written.
    const written: { token: string; at: number }[] = [];
    let n = 0;
    const typing = setInterval(() => {
      for (const [i, c] of clients.entries()) {
        const token = `p${i}-${n}`;
        appendParagraph(c.doc, token);
        written.push({ token, at: Date.now() });
      }
      n += 1;
    }, 25);
    await new Promise((r) => setTimeout(r, 2500));
    const killedAt = Date.now();
    child?.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    clearInterval(typing);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

    // What survived the crash, read straight from storage.
    const stored = await ctx.app.ctx.db
      .collection<{ parts: { buffer: Uint8Array }[] }>('doc_updates')
      .find({ docId: new ObjectId(doc.id) })
      .toArray();
    const survived = new Y.Doc();
    for (const r of stored) for (const part of r.parts) Y.applyUpdate(survived, new Uint8Array(part.buffer));
    const survivedText = new Set(paragraphs(survived));
    const old = written.filter((w) => w.at < killedAt - 1000);
    expect(old.length).toBeGreaterThan(50);
    expect(old.filter((w) => !survivedText.has(w.token))).toEqual([]);

    // Restart on the same port: the stock providers reconnect by themselves and re-sync what was lost.
    child = await startServer(ctx.config);
    await until(
      () => clients.every((c) => c.provider.synced && c.provider.wsconnected),
      'clients reconnected',
      20_000,
    );
    appendParagraph(clients[0]!.doc, 'after-restart');
    const expected = written.map((w) => w.token);
    const fresh = connectProvider(port, doc.docName, member.user.token);
    try {
      await until(() => {
        const text = paragraphs(fresh.doc);
        return text.includes('after-restart') && expected.every((t) => text.includes(t));
      }, 'a fresh client sees every edit');
      const text = paragraphs(fresh.doc);
      for (const token of expected) expect(text.filter((p) => p === token)).toHaveLength(1);
      expect(text.filter((p) => p === '议程')).toHaveLength(1);
    } finally {
      fresh.provider.destroy();
      for (const c of clients) c.provider.destroy();
    }
  }, 180_000);
});
