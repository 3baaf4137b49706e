/**
 * `npm run bench -- collab`: the collaboration server under load, against the stock y-websocket server.
 *
 * Load: 50 documents × 10 editors (stock y-websocket 3.1 providers in this process), 10 document updates/s
 * per document plus 5 awareness updates/s per document. Measured: relay latency (sender edit → each other
 * editor's Y.Doc), server CPU per document update (from /proc of the server process), RSS per loaded
 * document, and the cold-load time of a document with 20,000 edits (connect → synced, after it left memory).
 * The same load runs against the stock server of y-websocket 2.1 (`y-websocket-v2/bin/server.cjs`, yjs 13),
 * and the ratios are printed. The last line is one JSON object.
 * Flags: --docs N --editors N --seconds N --edits N (cold-load edits).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { servicesUp } from '../scripts/services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DOCS = flag('docs', 50);
const EDITORS = flag('editors', 10);
const SECONDS = flag('seconds', 10);
const COLD_EDITS = flag('edits', 20_000);
const UPDATES_PER_SEC = 10;
const AWARENESS_PER_SEC = 5;
const CLK_TCK = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stdout.write(`${s}\n`);

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

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

interface Target {
  name: string;
  pid: number;
  serverUrl: string;
  /** Room name and URL params of document i, editor j. */
  room(i: number): string;
  params(j: number): Record<string, string>;
}

interface Editor {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/** Runs the load against one server; returns its figures. */
async function runLoad(target: Target) {
  const editors: Editor[][] = [];
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;

  // RSS per document: measured between 20% and 100% of the documents loaded, so that the process's
  // one-off warm-up (code paths compiled, pools filled) is not counted as per-document memory.
  const warm = Math.max(1, Math.floor(DOCS / 5));
  let rssWarm = 0;
  for (let i = 0; i < DOCS; i++) {
    if (i === warm) {
      await until(
        () => editors.every((row) => row.every((e) => e.provider.synced)),
        `${target.name}: warm synced`,
      );
      await sleep(1000);
      rssWarm = rssKiB(target.pid);
    }
    const row: Editor[] = [];
    for (let j = 0; j < EDITORS; j++) {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(target.serverUrl, target.room(i), doc, {
        params: target.params(j),
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      // Each editor records when other editors' marks arrive.
      doc.getArray<string>('bench').observe((event) => {
        if (!measuring || event.transaction.local) return;
        const now = performance.now();
        for (const item of event.changes.added) {
          for (const mark of item.content.getContent() as string[]) {
            const t0 = sentAt.get(mark);
            if (t0 !== undefined) latencies.push(now - t0);
          }
        }
      });
      row.push({ doc, provider });
    }
    editors.push(row);
  }
  await until(
    () => editors.every((row) => row.every((e) => e.provider.synced)),
    `${target.name}: all synced`,
  );
  // One paragraph per document to type into (the Lexical layout: an element with a text node).
  for (const row of editors) {
    const first = row[0]!;
    const rootText = first.doc.get('root', Y.XmlText);
    first.doc.transact(() => {
      const p = new Y.XmlText();
      rootText.insertEmbed(rootText.length, p);
      p.setAttribute('__type', 'paragraph');
      const map = new Y.Map<unknown>();
      p.insertEmbed(0, map);
      map.set('__type', 'text');
      p.insert(1, 'bench');
    });
  }
  await sleep(1500);
  const rssLoaded = rssKiB(target.pid);

  const paragraphOf = (doc: Y.Doc): Y.XmlText | null => {
    const ops = doc.get('root', Y.XmlText).toDelta() as { insert: unknown }[];
    for (let k = ops.length - 1; k >= 0; k--) {
      const op = ops[k]?.insert;
      if (op instanceof Y.XmlText) return op;
    }
    return null;
  };

  let updates = 0;
  let seq = 0;
  const tick = (ms: number, fn: () => void) => setInterval(fn, ms);
  const edit = tick(1000 / UPDATES_PER_SEC, () => {
    for (const [i, row] of editors.entries()) {
      const e = row[seq % EDITORS]!;
      const p = paragraphOf(e.doc);
      const mark = `${i}:${seq}`;
      e.doc.transact(() => {
        if (p) p.insert(1 + Math.floor(Math.random() * Math.max(1, p.length - 1)), 'x');
        e.doc.getArray<string>('bench').push([mark]);
      });
      if (measuring) {
        sentAt.set(mark, performance.now());
        updates += 1;
      }
    }
    seq += 1;
  });
  let aw = 0;
  const awareness = tick(1000 / AWARENESS_PER_SEC, () => {
    for (const row of editors) {
      row[aw % EDITORS]!.provider.awareness.setLocalStateField('cursor', { anchor: aw, head: aw + 1 });
    }
    aw += 1;
  });

  await sleep(2000);
  measuring = true;
  const cpu0 = cpuSeconds(target.pid);
  await sleep(SECONDS * 1000);
  const cpu1 = cpuSeconds(target.pid);
  measuring = false;
  clearInterval(edit);
  clearInterval(awareness);
  await sleep(1000);
  for (const row of editors) for (const e of row) e.provider.destroy();

  latencies.sort((a, b) => a - b);
  return {
    relayP50Ms: percentile(latencies, 50),
    relayP99Ms: percentile(latencies, 99),
    samples: latencies.length,
    updates,
    cpuMsPerUpdate: ((cpu1 - cpu0) * 1000) / Math.max(1, updates),
    cpuPercent: ((cpu1 - cpu0) / SECONDS) * 100,
    rssPerDocKiB: (rssLoaded - rssWarm) / (DOCS - warm),
  };
}

async function api<T>(base: string, method: string, url: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function main(): Promise<void> {
  const services = await servicesUp();
  const id = `bench_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = { username: 'benchadmin', password: 'bench-admin-password-1' };
  const ourPort = await freePort();
  const stockPort = await freePort();
  const children: ChildProcess[] = [];
  // The bench itself runs under the tsx CLI, whose loader options must not leak into the children.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('TSX')),
  );
  const env = {
    ...inherited,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(ourPort),
    LOG_LEVEL: 'warn',
    MONGODB_URL: services.mongoUrl,
    MONGODB_DB: id,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: id,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ZHIBU_ADMIN_USERNAME: admin.username,
    ZHIBU_ADMIN_PASSWORD: admin.password,
    RATE_LIMIT_PER_MINUTE: '100000',
    COLLAB_UNLOAD_GRACE_MS: '500',
  };
  try {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of our server (where the time goes).
    const profile = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    const ours = spawn(
      process.execPath,
      [...profile, '--import', 'tsx', '--conditions=@zhibu/source', 'server/src/main.ts'],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(ours);
    const stock = spawn(process.execPath, [path.join(root, 'node_modules/y-websocket-v2/bin/server.cjs')], {
      cwd: root,
      env: { ...inherited, HOST: '127.0.0.1', PORT: String(stockPort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(stock);
    const base = `http://127.0.0.1:${ourPort}`;
    await waitHttp(`${base}/healthz`);
    await waitHttp(`http://127.0.0.1:${stockPort}/`);

    // Org data through the REST API: a branch, EDITORS members (by invitation), DOCS minutes documents.
    const adminToken = (await api<{ accessToken: string }>(base, 'POST', '/api/v1/auth/login', admin))
      .accessToken;
    const committee = await api<{ id: string }>(
      base,
      'POST',
      '/api/v1/committees',
      { name: '基准党委' },
      adminToken,
    );
    const branch = await api<{ id: string }>(
      base,
      'POST',
      '/api/v1/branches',
      { committeeId: committee.id, name: '基准支部' },
      adminToken,
    );
    const tokens: string[] = [];
    for (let j = 0; j < EDITORS; j++) {
      const username = `bench_${j}`;
      const password = `bench-password-${j}`;
      const inv = await api<{ token: string }>(
        base,
        'POST',
        `/api/v1/branches/${branch.id}/invitations`,
        { displayName: `编辑${j}`, username, role: j === 0 ? 'secretary' : 'member' },
        adminToken,
      );
      await api(base, 'POST', `/api/v1/invitations/${inv.token}/accept`, { username, password });
      tokens.push(
        (await api<{ accessToken: string }>(base, 'POST', '/api/v1/auth/login', { username, password }))
          .accessToken,
      );
    }
    const docs: string[] = [];
    for (let i = 0; i < DOCS + 1; i++) {
      const doc = await api<{ docName: string }>(
        base,
        'POST',
        '/api/v1/documents',
        { kind: 'minutes', branchId: branch.id, title: `基准会议记录${i}` },
        tokens[0],
      );
      docs.push(doc.docName);
    }

    log(
      `load: ${DOCS} documents × ${EDITORS} editors, ${UPDATES_PER_SEC} updates/s + ${AWARENESS_PER_SEC} awareness/s per document, ${SECONDS} s measured`,
    );
    const oursResult = await runLoad({
      name: 'zhibu',
      pid: ours.pid ?? 0,
      serverUrl: `ws://127.0.0.1:${ourPort}/collab`,
      room: (i) => docs[i]!,
      params: (j) => ({ token: tokens[j]! }),
    });
    const stockResult = await runLoad({
      name: 'stock',
      pid: stock.pid ?? 0,
      serverUrl: `ws://127.0.0.1:${stockPort}`,
      room: (i) => `bench-${i}`,
      params: () => ({}),
    });

    // Cold load: 20,000 single-character edits, the document leaves memory, then one client opens it.
    const coldName = docs[DOCS]!;
    const writerDoc = new Y.Doc();
    const writer = new WebsocketProvider(`ws://127.0.0.1:${ourPort}/collab`, coldName, writerDoc, {
      params: { token: tokens[0]! },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    await until(() => writer.synced, 'cold writer synced');
    const rootText = writerDoc.get('root', Y.XmlText);
    const para = (rootText.toDelta() as { insert: unknown }[])
      .map((o) => o.insert)
      .filter((x) => x instanceof Y.XmlText)[1] as Y.XmlText;
    for (let k = 0; k < COLD_EDITS; k++) {
      para.insert(1 + (k % 50), String.fromCharCode(0x4e00 + (k % 2000)));
      if (k % 500 === 499) await sleep(5);
    }
    await sleep(1500);
    writer.destroy();
    await sleep(2500); // unload grace (500 ms) + final flush
    const coldSamples: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const doc = new Y.Doc();
      const t0 = performance.now();
      const reader = new WebsocketProvider(`ws://127.0.0.1:${ourPort}/collab`, coldName, doc, {
        params: { token: tokens[1]! },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      await until(() => reader.synced, 'cold reader synced');
      coldSamples.push(performance.now() - t0);
      const length = (doc.get('root', Y.XmlText).toDelta() as { insert: unknown }[]).length;
      if (length < 5) throw new Error('cold load returned an empty document');
      reader.destroy();
      await sleep(2500);
    }
    coldSamples.sort((a, b) => a - b);
    const coldLoadMs = coldSamples[1] ?? coldSamples[0] ?? Number.NaN;

    const f = (n: number) => n.toFixed(2);
    log('');
    log('                    zhibu      stock');
    log(`relay p50 (ms)   ${f(oursResult.relayP50Ms).padStart(8)} ${f(stockResult.relayP50Ms).padStart(10)}`);
    log(`relay p99 (ms)   ${f(oursResult.relayP99Ms).padStart(8)} ${f(stockResult.relayP99Ms).padStart(10)}`);
    log(
      `CPU/update (ms)  ${f(oursResult.cpuMsPerUpdate).padStart(8)} ${f(stockResult.cpuMsPerUpdate).padStart(10)}`,
    );
    log(`server CPU (%)   ${f(oursResult.cpuPercent).padStart(8)} ${f(stockResult.cpuPercent).padStart(10)}`);
    log(
      `RSS/doc (KiB)    ${f(oursResult.rssPerDocKiB).padStart(8)} ${f(stockResult.rssPerDocKiB).padStart(10)}`,
    );
    log(
      `updates measured ${String(oursResult.updates).padStart(8)} ${String(stockResult.updates).padStart(10)}`,
    );
    log(`cold load of ${COLD_EDITS} edits: ${coldSamples.map(f).join(' / ')} ms (median ${f(coldLoadMs)})`);
    const cpuPerUpdateRatio = oursResult.cpuMsPerUpdate / stockResult.cpuMsPerUpdate;
    log(
      `ratios (zhibu ÷ stock): relay p99 ${f(oursResult.relayP99Ms / stockResult.relayP99Ms)}, CPU/update ${f(cpuPerUpdateRatio)}, RSS/doc ${f(oursResult.rssPerDocKiB / stockResult.rssPerDocKiB)}`,
    );
    log(
      `targets: relay p99 ≤ 20 ms ${oursResult.relayP99Ms <= 20 ? 'met' : 'MISSED'}; CPU/update ≤ 1.3 × stock ${cpuPerUpdateRatio <= 1.3 ? 'met' : 'MISSED'}; cold load ≤ 150 ms ${coldLoadMs <= 150 ? 'met' : 'MISSED'}`,
    );
    log(
      JSON.stringify({
        relayP50Ms: Number(f(oursResult.relayP50Ms)),
        relayP99Ms: Number(f(oursResult.relayP99Ms)),
        cpuPerUpdateRatio: Number(f(cpuPerUpdateRatio)),
        rssPerDocKiB: Number(f(oursResult.rssPerDocKiB)),
        coldLoadMs: Number(f(coldLoadMs)),
        stockRelayP50Ms: Number(f(stockResult.relayP50Ms)),
        stockRelayP99Ms: Number(f(stockResult.relayP99Ms)),
        stockRssPerDocKiB: Number(f(stockResult.rssPerDocKiB)),
        docs: DOCS,
        editors: EDITORS,
        updatesMeasured: oursResult.updates,
      }),
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await sleep(500);
    const client = new MongoClient(services.mongoUrl, { maxPoolSize: 2 });
    await client.connect();
    await client
      .db(id)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench collab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
