/**
 * `npm run bench -- collab`: the collaboration server under load, against the stock y-websocket server.
 *
 * Load: 50 documents × 10 editors, 10 document updates/s per document plus 5 awareness updates/s per
 * document, each document on its own offset rhythm (not all at once). Per document, 2 editors are stock y-websocket 3.1 providers (they send the edits and apply every
 * remote update) and the other 8 are listeners: raw sockets that speak the protocol's handshake and their
 * awareness but time each relayed edit by finding its mark in the frame instead of applying it. With 500
 * full providers the load generator's own event loop (one process, the same machine) was slower than
 * either server and dominated the tail; `--active 10` brings that load back for comparison.
 * Measured: relay latency (sender edit → frame at each listener; also → each other provider's Y.Doc),
 * server CPU per document update (from /proc of the server process), the event-loop delay of each server
 * (bench/_eld-probe.mjs) and of the generator, RSS per loaded document, and the cold-load time of a
 * document with 20,000 edits (connect → synced, after it left memory). The same load runs against the
 * stock server of y-websocket 2.1 (`y-websocket-v2/bin/server.cjs`, yjs 13), and the ratios are printed. Our
 * server runs compiled (`server/dist/main.js`, built by `npm run bench`), as `npm start` and the image run it.
 * The last line is one JSON object.
 * Each server gets --rounds rounds of --seconds, alternating (A B B A A B): a change of the machine's load
 * during the run weighs on both; the figures pool all rounds, and each round's CPU ratio is printed too.
 * Every round starts when both servers are idle (the previous round's unloading and compaction done).
 * Flags: --docs N --editors N --active N --seconds N --rounds N --edits N (cold-load edits) --stock-first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import * as encoding from 'lib0/encoding';
import { MongoClient } from 'mongodb';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
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
const ACTIVE = flag('active', 2);
/** Measured rounds per server, alternating between the servers. */
const ROUNDS = Math.max(1, flag('rounds', 3));
/** Documents per bench user: keeps each user under the per-user connection limit. */
const DOCS_PER_USER = 17;
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

/**
 * Waits until the server process has been idle for a second (under 2% of a core), at most 60 s: each round
 * starts from a quiet server, so that the background work of the previous round's end (documents unloaded,
 * their last writes and compaction) is not counted as the next round's per-update cost.
 */
async function quiet(pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  let before = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    if (now - before < 0.02) return;
    before = now;
  }
}

/**
 * CPU seconds of the storage processes (FerretDB, PostgreSQL, Redis) on this machine. They are shared with
 * whatever else runs, so only the difference between the two servers' windows means much: the stock
 * server stores nothing, ours writes every update within a second.
 */
function storageCpuSeconds(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8');
      if (/^(ferretdb|postgres|redis)/.test(comm)) byPid.set(Number(entry), cpuSeconds(Number(entry)));
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/** CPU seconds the storage processes used between two samples (a PostgreSQL backend may come or go). */
function storageCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Busy and total jiffies of the whole machine (every core), from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
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
  params(i: number, j: number): Record<string, string>;
  /** Where the server's event-loop probe (bench/_eld-probe.mjs) writes on SIGUSR2. */
  eldFile: string;
}

interface Editor {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/**
 * An editor that only listens: a raw WebSocket that speaks just enough y-websocket (sync step 1 on open, an
 * empty sync step 2 for the server's step 1, its own awareness state) and timestamps the relayed marks by
 * finding their bytes in each frame, without decoding or applying anything. The server cannot tell it from
 * a provider; the load generator pays a buffer search per frame instead of a Y.Doc update.
 */
interface Listener {
  ws: WebSocket;
  awareness: awarenessProtocol.Awareness;
  synced: boolean;
}

/** Marks are pushed as `BM<doc:seq>`; a string in a Yjs update is stored as its UTF-8 bytes. */
const MARK_OPEN = Buffer.from('BM<');
const MARK_CLOSE = 0x3e; // '>'

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function listen(url: string, onMark: (mark: string, at: number) => void): Listener {
  const ws = new WebSocket(url);
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  const listener: Listener = { ws, awareness, synced: false };
  const empty = new Y.Doc();
  ws.binaryType = 'nodebuffer';
  ws.on('open', () => {
    ws.send(
      frame((e) => {
        encoding.writeVarUint(e, 0);
        syncProtocol.writeSyncStep1(e, empty);
      }),
    );
    sendAwareness(listener);
  });
  ws.on('message', (data: Buffer) => {
    const at = performance.now();
    if (data[0] !== 0) return; // awareness, auth: nothing to time
    if (data[1] === syncProtocol.messageYjsSyncStep1) {
      ws.send(
        frame((e) => {
          encoding.writeVarUint(e, 0);
          syncProtocol.writeSyncStep2(e, empty);
        }),
      );
      return;
    }
    if (data[1] === syncProtocol.messageYjsSyncStep2) listener.synced = true;
    for (let k = data.indexOf(MARK_OPEN); k >= 0; k = data.indexOf(MARK_OPEN, k + 1)) {
      const end = data.indexOf(MARK_CLOSE, k);
      if (end > k) onMark(data.toString('latin1', k, end + 1), at);
    }
  });
  ws.on('error', () => undefined);
  return listener;
}

function sendAwareness(listener: Listener): void {
  if (listener.ws.readyState !== WebSocket.OPEN) return;
  const update = awarenessProtocol.encodeAwarenessUpdate(listener.awareness, [listener.awareness.clientID]);
  listener.ws.send(
    frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, update);
    }),
  );
}

function signalEld(pid: number): void {
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    // the process is gone: its figures are simply missing
  }
}

async function readEld(target: Target): Promise<{ p50: number; p99: number; max: number } | null> {
  signalEld(target.pid);
  await sleep(200);
  try {
    return JSON.parse(readFileSync(target.eldFile, 'utf8')) as { p50: number; p99: number; max: number };
  } catch {
    return null;
  }
}

type LoadResult = Awaited<ReturnType<typeof runLoad>>;

/**
 * The rounds of one server as one result: latencies pooled, CPU per update over all rounds, RSS per
 * document from the first round (the stock server keeps documents loaded after their clients leave).
 */
function pooled(rounds: LoadResult[]): LoadResult {
  const first = rounds[0]!;
  const relay = rounds.flatMap((r) => r.relay).sort((a, b) => a - b);
  const provider = rounds.flatMap((r) => r.provider).sort((a, b) => a - b);
  const sum = (f: (r: LoadResult) => number) => rounds.reduce((n, r) => n + f(r), 0);
  const mean = (f: (r: LoadResult) => number) => sum(f) / rounds.length;
  const updates = sum((r) => r.updates);
  const cpuMs = sum((r) => r.cpuMs);
  const elds = rounds.flatMap((r) => (r.serverEld ? [r.serverEld] : []));
  return {
    ...first,
    relay,
    provider,
    cpuMs,
    updates,
    relayP50Ms: percentile(relay, 50),
    relayP99Ms: percentile(relay, 99),
    samples: relay.length,
    providerP50Ms: percentile(provider, 50),
    providerP99Ms: percentile(provider, 99),
    cpuMsPerUpdate: cpuMs / Math.max(1, updates),
    cpuPercent: mean((r) => r.cpuPercent),
    generatorCpuPercent: mean((r) => r.generatorCpuPercent),
    storageCpuPercent: mean((r) => r.storageCpuPercent),
    machineBusyPercent: mean((r) => r.machineBusyPercent),
    generatorEld: {
      p50: mean((r) => r.generatorEld.p50),
      p99: mean((r) => r.generatorEld.p99),
      max: Math.max(...rounds.map((r) => r.generatorEld.max)),
    },
    serverEld:
      elds.length > 0
        ? {
            p50: elds.reduce((n, e) => n + e.p50, 0) / elds.length,
            p99: elds.reduce((n, e) => n + e.p99, 0) / elds.length,
            max: Math.max(...elds.map((e) => e.max)),
          }
        : null,
  };
}

/** Runs the load against one server; returns its figures. */
async function runLoad(target: Target) {
  // Per document: --active N real providers (default 2; they send every edit and apply every remote update)
  // and EDITORS − N listeners. --active EDITORS is the original all-provider load.
  const active = Math.min(EDITORS, Math.max(1, ACTIVE));
  const editors: Editor[][] = [];
  const listeners: Listener[][] = [];
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const providerLatencies: number[] = [];
  let measuring = false;
  const record = (into: number[], mark: string, at: number) => {
    const t0 = sentAt.get(mark);
    if (t0 !== undefined) into.push(at - t0);
  };
  const allSynced = () =>
    editors.every((row) => row.every((e) => e.provider.synced)) &&
    listeners.every((row) => row.every((l) => l.synced));

  // RSS per document: measured between 20% and 100% of the documents loaded, so that the process's
  // one-off warm-up (code paths compiled, pools filled) is not counted as per-document memory.
  const warm = Math.max(1, Math.floor(DOCS / 5));
  let rssWarm = 0;
  for (let i = 0; i < DOCS; i++) {
    if (i === warm) {
      await until(allSynced, `${target.name}: warm synced`);
      await sleep(1000);
      rssWarm = rssKiB(target.pid);
    }
    const row: Editor[] = [];
    for (let j = 0; j < active; j++) {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(target.serverUrl, target.room(i), doc, {
        params: target.params(i, j),
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      // Each provider records when other editors' marks reach its Y.Doc.
      doc.getArray<string>('bench').observe((event) => {
        if (!measuring || event.transaction.local) return;
        const now = performance.now();
        for (const item of event.changes.added) {
          for (const mark of item.content.getContent() as string[]) record(providerLatencies, mark, now);
        }
      });
      row.push({ doc, provider });
    }
    editors.push(row);
    const quiet: Listener[] = [];
    for (let j = active; j < EDITORS; j++) {
      const url = `${target.serverUrl}/${target.room(i)}?${new URLSearchParams(target.params(i, j))}`;
      quiet.push(
        listen(url, (mark, at) => {
          if (measuring) record(latencies, mark, at);
        }),
      );
    }
    listeners.push(quiet);
  }
  await until(allSynced, `${target.name}: all synced`);
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
  // Each document keeps its own rhythm, offset from the others (people do not type in lockstep): one timer
  // per document and kind, the first tick of document i at i/DOCS of the period. A single timer for all
  // documents would hit both servers with bursts of 50 updates at once, every period.
  const timers: ReturnType<typeof setInterval>[] = [];
  const starts: ReturnType<typeof setTimeout>[] = [];
  const everyDoc = (ms: number, fn: (i: number) => void) => {
    for (let i = 0; i < editors.length; i++) {
      starts.push(
        setTimeout(
          () => {
            fn(i);
            timers.push(setInterval(() => fn(i), ms));
          },
          (ms * i) / editors.length,
        ),
      );
    }
  };
  const seqOf = new Array<number>(editors.length).fill(0);
  everyDoc(1000 / UPDATES_PER_SEC, (i) => {
    const row = editors[i]!;
    const seq = seqOf[i]!++;
    {
      const e = row[seq % row.length]!;
      const p = paragraphOf(e.doc);
      const mark = `BM<${i}:${seq}>`;
      // Before the transaction: the provider sends the update synchronously inside it.
      if (measuring) {
        sentAt.set(mark, performance.now());
        updates += 1;
      }
      e.doc.transact(() => {
        if (p) p.insert(1 + Math.floor(Math.random() * Math.max(1, p.length - 1)), 'x');
        e.doc.getArray<string>('bench').push([mark]);
      });
    }
  });
  const awOf = new Array<number>(editors.length).fill(0);
  everyDoc(1000 / AWARENESS_PER_SEC, (i) => {
    const row = editors[i]!;
    const aw = awOf[i]!++;
    {
      const j = aw % EDITORS;
      const cursor = { anchor: aw, head: aw + 1 };
      if (j < row.length) row[j]!.provider.awareness.setLocalStateField('cursor', cursor);
      else {
        const l = listeners[i]![j - row.length]!;
        l.awareness.setLocalStateField('cursor', cursor);
        sendAwareness(l);
      }
    }
  });

  await sleep(2000);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  signalEld(target.pid);
  await sleep(100);
  measuring = true;
  loopDelay.enable();
  const cpu0 = cpuSeconds(target.pid);
  const gen0 = process.cpuUsage();
  const storage0 = storageCpuSeconds();
  const machine0 = machineJiffies();
  await sleep(SECONDS * 1000);
  const machine1 = machineJiffies();
  const storage1 = storageCpuSeconds();
  const cpu1 = cpuSeconds(target.pid);
  const gen1 = process.cpuUsage(gen0);
  loopDelay.disable();
  const serverEld = await readEld(target);
  measuring = false;
  for (const t of starts) clearTimeout(t);
  for (const t of timers) clearInterval(t);
  await sleep(1000);
  for (const row of editors) for (const e of row) e.provider.destroy();
  for (const row of listeners) for (const l of row) l.ws.close();

  latencies.sort((a, b) => a - b);
  providerLatencies.sort((a, b) => a - b);
  // Without listeners (--active = editors) the providers' figures are the relay figures, as before.
  const relay = latencies.length > 0 ? latencies : providerLatencies;
  return {
    relay,
    provider: providerLatencies,
    cpuMs: (cpu1 - cpu0) * 1000,
    relayP50Ms: percentile(relay, 50),
    relayP99Ms: percentile(relay, 99),
    samples: relay.length,
    providerP50Ms: percentile(providerLatencies, 50),
    providerP99Ms: percentile(providerLatencies, 99),
    updates,
    cpuMsPerUpdate: ((cpu1 - cpu0) * 1000) / Math.max(1, updates),
    cpuPercent: ((cpu1 - cpu0) / SECONDS) * 100,
    rssPerDocKiB: (rssLoaded - rssWarm) / (DOCS - warm),
    generatorCpuPercent: ((gen1.user + gen1.system) / 1e6 / SECONDS) * 100,
    storageCpuPercent: (storageCpuBetween(storage0, storage1) / SECONDS) * 100,
    /** How busy the whole machine was (all cores, everyone's processes): above ~90% every figure is bounded by it. */
    machineBusyPercent:
      ((machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total)) * 100,
    generatorEld: {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    },
    serverEld,
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
  const jwtSecret = randomBytes(32).toString('hex');
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
    JWT_SECRET: jwtSecret,
    ZHIBU_ADMIN_USERNAME: admin.username,
    ZHIBU_ADMIN_PASSWORD: admin.password,
    RATE_LIMIT_PER_MINUTE: '100000',
    COLLAB_UNLOAD_GRACE_MS: '500',
  };
  try {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server (where the time goes).
    const profile = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    // Both servers carry the same event-loop probe.
    const probe = ['--import', pathToFileURL(path.join(root, 'bench/_eld-probe.mjs')).href];
    const eldFile = (name: string) => path.join(tmpdir(), `${id}-${name}-eld.json`);
    const ours = spawn(process.execPath, [...profile, ...probe, 'server/dist/main.js'], {
      cwd: root,
      env: { ...env, BENCH_ELD_FILE: eldFile('zhibu') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(ours);
    const stock = spawn(
      process.execPath,
      [...profile, ...probe, path.join(root, 'node_modules/y-websocket-v2/bin/server.cjs')],
      {
        cwd: root,
        env: { ...inherited, HOST: '127.0.0.1', PORT: String(stockPort), BENCH_ELD_FILE: eldFile('stock') },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
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
    // Editor j of document i is user (group of i, j): a group of DOCS_PER_USER documents shares its
    // editors, so that nobody holds more collaboration connections than the per-user limit allows.
    const groups = Math.ceil(DOCS / DOCS_PER_USER);
    const tokens: string[][] = [];
    for (let g = 0; g < groups; g++) {
      const row = await Promise.all(
        Array.from({ length: EDITORS }, async (_, j) => {
          const username = `bench_${g}_${j}`;
          const password = `bench-password-${g}-${j}`;
          const inv = await api<{ token: string }>(
            base,
            'POST',
            `/api/v1/branches/${branch.id}/invitations`,
            { displayName: `编辑${g}-${j}`, username, role: g === 0 && j === 0 ? 'secretary' : 'member' },
            adminToken,
          );
          const { userId } = await api<{ userId: string }>(
            base,
            'POST',
            `/api/v1/invitations/${inv.token}/accept`,
            { username, password },
          );
          // Signed here with the server's secret: logging in this many accounts trips the login rate limit.
          return new SignJWT({ role: 'user' })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject(userId)
            .setIssuer('zhibu')
            .setAudience('zhibu')
            .setIssuedAt()
            .setExpirationTime('2h')
            .sign(new TextEncoder().encode(jwtSecret));
        }),
      );
      tokens.push(row);
    }
    const tokenOf = (i: number, j: number) => tokens[Math.floor(i / DOCS_PER_USER)]![j]!;
    const docs: string[] = [];
    for (let i = 0; i < DOCS + 1; i++) {
      const doc = await api<{ docName: string }>(
        base,
        'POST',
        '/api/v1/documents',
        { kind: 'minutes', branchId: branch.id, title: `基准会议记录${i}` },
        tokenOf(0, 0),
      );
      docs.push(doc.docName);
    }

    log(
      `load: ${DOCS} documents × ${EDITORS} editors, ${UPDATES_PER_SEC} updates/s + ${AWARENESS_PER_SEC} awareness/s per document, ${SECONDS} s measured per round, ${ROUNDS} rounds per server`,
    );
    const oursTarget: Target = {
      name: 'zhibu',
      pid: ours.pid ?? 0,
      serverUrl: `ws://127.0.0.1:${ourPort}/collab`,
      room: (i) => docs[i]!,
      params: (i, j) => ({ token: tokenOf(i, j) }),
      eldFile: eldFile('zhibu'),
    };
    const stockTarget: Target = {
      name: 'stock',
      pid: stock.pid ?? 0,
      serverUrl: `ws://127.0.0.1:${stockPort}`,
      room: (i) => `bench-${i}`,
      params: () => ({}),
      eldFile: eldFile('stock'),
    };
    // ROUNDS rounds per server in the order A B B A A B …, so that a machine getting busier or quieter
    // during the run weighs on both alike; --stock-first makes the stock server A.
    const stockFirst = process.argv.includes('--stock-first');
    const [a, b] = stockFirst ? [stockTarget, oursTarget] : [oursTarget, stockTarget];
    const rounds = new Map<Target, LoadResult[]>([
      [oursTarget, []],
      [stockTarget, []],
    ]);
    for (let k = 0; k < ROUNDS; k++) {
      for (const target of k % 2 === 0 ? [a, b] : [b, a]) {
        // The previous round's connections are closed: give the server a moment to see every close (each
        // user's connections count against the per-user limit until then) and to unload the documents.
        if (k > 0 || target === b) await sleep(3000);
        await quiet(oursTarget.pid);
        await quiet(stockTarget.pid);
        const result = await runLoad(target);
        rounds.get(target)!.push(result);
        log(
          `  round ${k + 1} ${target.name.padEnd(5)}: CPU/update ${result.cpuMsPerUpdate.toFixed(3)} ms, relay p99 ${result.relayP99Ms.toFixed(2)} ms, machine ${result.machineBusyPercent.toFixed(0)}% busy`,
        );
      }
    }
    const oursResult = pooled(rounds.get(oursTarget)!);
    const stockResult = pooled(rounds.get(stockTarget)!);
    const roundRatios = rounds
      .get(oursTarget)!
      .map((r, k) => r.cpuMsPerUpdate / rounds.get(stockTarget)![k]!.cpuMsPerUpdate);

    // Cold load: 20,000 single-character edits, the document leaves memory, then one client opens it.
    const coldName = docs[DOCS]!;
    const writerDoc = new Y.Doc();
    const writer = new WebsocketProvider(`ws://127.0.0.1:${ourPort}/collab`, coldName, writerDoc, {
      params: { token: tokenOf(0, 0) },
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
        params: { token: tokenOf(0, 1) },
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
      `  at providers p50 ${f(oursResult.providerP50Ms).padStart(8)} ${f(stockResult.providerP50Ms).padStart(10)}`,
    );
    log(
      `  at providers p99 ${f(oursResult.providerP99Ms).padStart(8)} ${f(stockResult.providerP99Ms).padStart(10)}`,
    );
    const eld = (r: typeof oursResult) =>
      r.serverEld ? `${f(r.serverEld.p50)}/${f(r.serverEld.p99)}/${f(r.serverEld.max)}` : 'n/a';
    const genEld = (r: typeof oursResult) =>
      `${f(r.generatorEld.p50)}/${f(r.generatorEld.p99)}/${f(r.generatorEld.max)}`;
    log(`server loop delay p50/p99/max (ms): zhibu ${eld(oursResult)}, stock ${eld(stockResult)}`);
    log(
      `generator loop delay p50/p99/max (ms): with zhibu ${genEld(oursResult)}, with stock ${genEld(stockResult)}`,
    );
    log(
      `generator CPU (%)  ${f(oursResult.generatorCpuPercent).padStart(6)} ${f(stockResult.generatorCpuPercent).padStart(10)}`,
    );
    log(
      `storage CPU (%)    ${f(oursResult.storageCpuPercent).padStart(6)} ${f(stockResult.storageCpuPercent).padStart(10)}   (FerretDB + PostgreSQL + Redis, shared)`,
    );
    log(
      `machine busy (%)   ${f(oursResult.machineBusyPercent).padStart(6)} ${f(stockResult.machineBusyPercent).padStart(10)}   (all cores, all processes; load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')})`,
    );
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
    log(`CPU/update ratio per round: ${roundRatios.map(f).join(', ')} (all rounds: ${f(cpuPerUpdateRatio)})`);
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
        providerRelayP99Ms: Number(f(oursResult.providerP99Ms)),
        stockProviderRelayP99Ms: Number(f(stockResult.providerP99Ms)),
        serverLoopDelayP99Ms: oursResult.serverEld ? Number(f(oursResult.serverEld.p99)) : null,
        stockServerLoopDelayP99Ms: stockResult.serverEld ? Number(f(stockResult.serverEld.p99)) : null,
        generatorLoopDelayP99Ms: Number(f(oursResult.generatorEld.p99)),
        generatorCpuPercent: Number(f(oursResult.generatorCpuPercent)),
        machineBusyPercent: Number(f(oursResult.machineBusyPercent)),
        stockMachineBusyPercent: Number(f(stockResult.machineBusyPercent)),
        docs: DOCS,
        editors: EDITORS,
        activeProviders: Math.min(EDITORS, ACTIVE),
        updatesMeasured: oursResult.updates,
        rounds: ROUNDS,
        cpuPerUpdateRatioPerRound: roundRatios.map((r) => Number(f(r))),
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
