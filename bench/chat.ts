/**
 * `npm run bench -- chat [--connections 1000] [--channels 50] [--rate 200] [--duration 60] [--saturate 10]
 *   [--inflight 200] [--big 2000] [--big-rate 50] [--big-duration 15] [--profile <dir>]`
 *
 * Real-time messaging under load, against a bare Socket.IO broadcast of the same shape as the baseline:
 * 1. steady: N connections in C channels, R messages/s for D seconds, each message stored (ours) —
 *    delivered messages/s, reach (received ÷ expected), send→receive p50/p99, server CPU and RSS;
 * 2. saturated: as many messages as the server takes (bounded in-flight), deliveries/s;
 * 3. big room: B members in one channel, idle memory per connection, then R2 messages/s, p99;
 * 4. storage floor: bare Socket.IO that stores each message (one minimal document, group-committed) before
 *    it broadcasts, saturated — how much of bare any chat that stores its messages can reach here.
 * The load generator is raw WebSocket clients speaking Engine.IO (bench/_chat-client.ts); the servers run
 * in child processes (bench/_chat-server.ts). The last line printed is one JSON object.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { MongoClient, ObjectId } from 'mongodb';
import { servicesUp } from '../scripts/services.js';
import { connectMany, percentile, RawClient } from './_chat-client.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const opts = {
  connections: flag('connections', 1000),
  channels: flag('channels', 50),
  rate: flag('rate', 200),
  duration: flag('duration', 60),
  saturate: flag('saturate', 10),
  inflight: flag('inflight', 200),
  big: flag('big', 2000),
  bigRate: flag('big-rate', 50),
  bigDuration: flag('big-duration', 15),
};
/** `--profile <dir>`: CPU profiles of both servers in every phase (`<system>-<phase>.cpuprofile`). */
const profileDir = (() => {
  const i = process.argv.indexOf('--profile');
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
})();
const perChannel = Math.floor(opts.connections / opts.channels);
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- server processes ----------

interface ServerStats {
  cpuMs: number;
  rss: number;
  heapUsed: number;
  external: number;
}

class ServerProcess {
  private pending: ((s: ServerStats) => void)[] = [];
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: { type: string } & ServerStats) => {
      if (m.type === 'stats') this.pending.shift()?.(m);
    });
  }

  static async start(mode: 'ours' | 'bare' | 'stored', env: Record<string, string>): Promise<ServerProcess> {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(here, '_chat-server.ts'), mode],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
      child.on('message', (m: { type: string; port?: number }) => {
        if (m.type === 'ready' && m.port) resolve(m.port);
      });
    });
    return new ServerProcess(child, `http://127.0.0.1:${port}`);
  }

  /** Starts or stops (writing `file`) a CPU profile of the server process. */
  profile(action: 'start' | 'stop', file?: string): Promise<void> {
    return new Promise((resolve) => {
      const done = (m: { type: string }) => {
        if (m.type !== 'profiled') return;
        this.child.off('message', done);
        resolve();
      };
      this.child.on('message', done);
      this.child.send({ type: 'profile', action, file });
    });
  }

  stats(gc = false): Promise<ServerStats> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.send({ type: 'stats', gc });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'close' });
    await Promise.race([exited, sleep(10_000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

// ---------- measurement ----------

interface PhaseResult {
  sent: number;
  acked: number;
  failed: Record<string, number>;
  expected: number;
  received: number;
  seconds: number;
  deliveredPerSec: number;
  messagesPerSec: number;
  p50: number;
  p99: number;
  serverCpuPct: number;
  /** Server CPU time per acknowledged message (ms). */
  serverCpuMsPerMsg: number;
  /** How busy the whole machine was (all processes, 100% = every core), null where /proc/stat is missing. */
  machineBusyPct: number | null;
  serverRssMb: number;
  generatorCpuPct: number;
}

/** Busy and total CPU ticks of the machine (Linux /proc/stat), or null elsewhere. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1, 8)
      .map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - cpu[3]! - cpu[4]!, total };
  } catch {
    return null;
  }
}

const MARK = /"text":"b:(\d+(?:\.\d+)?):(\d+)/;

/**
 * Counts deliveries and their latency from the time stamp each message carries, and which messages were
 * seen at all: a message whose ack timed out but that was stored and delivered is still expected.
 */
class Receiver {
  latencies: number[] = [];
  received = 0;
  seen = new Set<number>();
  active = false;
  /** Ids below this belong to an earlier phase (late deliveries are not counted twice). */
  minId = 0;
  constructor(readonly frameEvent: string) {}
  attach(client: RawClient) {
    client.onFrame = (frame) => {
      if (!this.active || !frame.startsWith(this.frameEvent)) return;
      const m = MARK.exec(frame);
      if (!m || Number(m[2]) < this.minId) return;
      this.received += 1;
      this.seen.add(Number(m[2]));
      this.latencies.push(performance.now() - Number(m[1]));
    };
  }
}

let nextMessageId = 0;

type Sender = (n: number) => Promise<boolean | string>;

async function runPhase(opts: {
  server: ServerProcess;
  receiver: Receiver;
  audience: number;
  send: Sender;
  rate: number | null;
  seconds: number;
  inflight: number;
}): Promise<PhaseResult> {
  const { server, receiver } = opts;
  receiver.latencies = [];
  receiver.received = 0;
  receiver.seen = new Set();
  receiver.minId = nextMessageId;
  receiver.active = true;
  const ackedIds = new Set<number>();
  const failed: Record<string, number> = {};
  let sent = 0;
  let acked = 0;
  const cpu0 = process.cpuUsage();
  const m0 = machineTicks();
  const s0 = await server.stats();
  const t0 = performance.now();
  const end = t0 + opts.seconds * 1000;
  const track = async (n: number) => {
    const result = await opts.send(n);
    if (result === true) {
      acked += 1;
      ackedIds.add(n);
    } else failed[String(result)] = (failed[String(result)] ?? 0) + 1;
  };
  const running: Promise<void>[] = [];
  if (opts.rate !== null) {
    // Open loop: a fixed rate regardless of how fast acks come back.
    const interval = 1000 / opts.rate;
    let next = t0;
    while (performance.now() < end) {
      while (next <= performance.now() && next < end) {
        sent += 1;
        running.push(track(nextMessageId++));
        next += interval;
      }
      await sleep(Math.max(1, Math.min(10, next - performance.now())));
    }
  } else {
    // Closed loop: keep `inflight` messages outstanding — the server's saturated throughput.
    await Promise.all(
      Array.from({ length: opts.inflight }, async () => {
        while (performance.now() < end) {
          sent += 1;
          await track(nextMessageId++);
        }
      }),
    );
  }
  await Promise.all(running);
  const sendSeconds = (performance.now() - t0) / 1000;
  // Let in-flight deliveries arrive.
  const expectedNow = () => new Set([...ackedIds, ...receiver.seen]).size * opts.audience;
  const drainUntil = performance.now() + 5000;
  while (receiver.received < expectedNow() && performance.now() < drainUntil) await sleep(50);
  receiver.active = false;
  const wall = (performance.now() - t0) / 1000;
  const s1 = await server.stats();
  const cpu1 = process.cpuUsage(cpu0);
  const m1 = machineTicks();
  const sorted = receiver.latencies.sort((a, b) => a - b);
  return {
    sent,
    acked,
    failed,
    expected: expectedNow(),
    received: receiver.received,
    seconds: sendSeconds,
    deliveredPerSec: receiver.received / sendSeconds,
    messagesPerSec: acked / sendSeconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    serverCpuPct: ((s1.cpuMs - s0.cpuMs) / (wall * 1000)) * 100,
    serverCpuMsPerMsg: acked > 0 ? (s1.cpuMs - s0.cpuMs) / acked : Number.NaN,
    machineBusyPct: m0 && m1 ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100 : null,
    serverRssMb: s1.rss / 1024 / 1024,
    generatorCpuPct: ((cpu1.user + cpu1.system) / 1000 / (wall * 1000)) * 100,
  };
}

function report(label: string, r: PhaseResult) {
  const reach = r.expected > 0 ? r.received / r.expected : 0;
  const failures = Object.entries(r.failed)
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
  log(
    `  ${label.padEnd(22)} sent ${r.sent}, acked ${r.acked}${failures ? ` (failed: ${failures})` : ''}; ` +
      `${r.messagesPerSec.toFixed(0)} msg/s, delivered ${r.deliveredPerSec.toFixed(0)}/s, reach ${reach.toFixed(4)}, ` +
      `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; server CPU ${r.serverCpuPct.toFixed(0)}% ` +
      `(${r.serverCpuMsPerMsg.toFixed(2)} ms/msg), RSS ${r.serverRssMb.toFixed(0)} MB; generator CPU ${r.generatorCpuPct.toFixed(0)}%` +
      (r.machineBusyPct !== null
        ? `; machine ${r.machineBusyPct.toFixed(0)}% busy (${os.cpus().length} cores)`
        : '') +
      (r.generatorCpuPct > 80 ? '  [generator above 80%: figures are bounded by the load generator]' : '') +
      (r.machineBusyPct !== null && r.machineBusyPct > 90
        ? '  [machine CPU saturated: figures are bounded by the CPU this box had left, compare ms/msg]'
        : ''),
  );
}

// ---------- the two systems ----------

interface System {
  name: string;
  /** Connects `count` members of `group` (a channel); returns clients and how to send as each. */
  connect(
    group: number,
    count: number,
    receiver: Receiver,
  ): Promise<{ clients: RawClient[]; send: (client: RawClient, n: number) => Promise<boolean | string> }>;
}

async function ours(env: Record<string, string>, mongoUrl: string, dbName: string) {
  const server = await ServerProcess.start('ours', env);
  const mongo = new MongoClient(mongoUrl, { maxPoolSize: 4 });
  const db = mongo.db(dbName);
  const now = new Date();
  const committeeId = new ObjectId();
  const groups = opts.channels + 1; // the last one is the big room
  const branchIds = Array.from({ length: groups }, () => new ObjectId());
  const sizes = [...Array.from({ length: opts.channels }, () => perChannel), opts.big];
  const members: ObjectId[][] = sizes.map((n) => Array.from({ length: n }, () => new ObjectId()));
  // Seeded directly (not through the services): thousands of password hashes would take minutes.
  await db.collection('committees').insertOne({ _id: committeeId, name: '压测党委', createdAt: now });
  await db.collection('branches').insertMany(
    branchIds.map((_id, i) => ({
      _id,
      committeeId,
      name: `压测支部${i}`,
      virtual: true,
      industries: [],
      regions: [],
      createdAt: now,
    })),
  );
  const allUsers = members.flat();
  for (let i = 0; i < allUsers.length; i += 1000) {
    await db.collection('users').insertMany(
      allUsers.slice(i, i + 1000).map((_id, j) => ({
        _id,
        username: null,
        mobile: null,
        displayName: `压测${i + j}`,
        passwordHash: null,
        role: 'user',
        locale: 'zh-CN',
        timeZone: 'Asia/Shanghai',
        disabled: false,
        createdAt: now,
      })),
    );
  }
  const memberships = members.flatMap((list, g) =>
    list.map((userId) => ({
      _id: new ObjectId(),
      userId,
      branchId: branchIds[g]!,
      committeeId,
      groupId: null,
      role: 'member',
      status: 'full',
      employer: '',
      industry: '',
      region: '',
      active: true,
      joinedAt: now,
      endedAt: null,
      version: 1,
    })),
  );
  for (let i = 0; i < memberships.length; i += 1000)
    await db.collection('memberships').insertMany(memberships.slice(i, i + 1000));
  await mongo.close();

  const key = new TextEncoder().encode(env.JWT_SECRET);
  const tokenOf = (id: ObjectId) =>
    new SignJWT({ role: 'user' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(id.toHexString())
      .setIssuer('zhibu')
      .setAudience('zhibu')
      .setIssuedAt()
      .setExpirationTime('3h')
      .sign(key);
  // Each branch's channel is created on first listing; ask once per branch as one of its members.
  const channelIds: string[] = [];
  for (let g = 0; g < groups; g++) {
    const res = await fetch(`${server.url}/api/v1/channels`, {
      headers: { authorization: `Bearer ${await tokenOf(members[g]![0]!)}` },
    });
    const body = (await res.json()) as { items: { id: string; kind: string; branchId: string }[] };
    channelIds.push(
      body.items.find((c) => c.kind === 'branch' && c.branchId === branchIds[g]!.toHexString())!.id,
    );
  }
  const system: System = {
    name: 'ours',
    async connect(group, count, receiver) {
      const clients = await connectMany(count, 50, async (i) => {
        const client = await RawClient.connect(
          server.url,
          { token: await tokenOf(members[group]![i]!) },
          'hello',
        );
        receiver.attach(client);
        return client;
      });
      const channelId = channelIds[group]!;
      return {
        clients,
        send: async (client, n) => {
          const ack = (await client.emit('message:send', {
            channelId,
            clientId: `bench${n}x${randomBytes(4).toString('hex')}`,
            text: `b:${performance.now().toFixed(3)}:${n}`,
          })) as { ok: boolean; error?: { code: string } };
          return ack.ok ? true : (ack.error?.code ?? 'ERROR');
        },
      };
    },
  };
  return {
    server,
    system,
    persisted: async () => {
      const m = new MongoClient(mongoUrl, { maxPoolSize: 2 });
      try {
        return await m
          .db(dbName)
          .collection('messages')
          .countDocuments({ text: { $regex: '^b:' } });
      } finally {
        await m.close();
      }
    },
  };
}

/** `bare` Socket.IO, or `stored`: bare that stores each message before broadcasting (the storage floor). */
async function bare(mode: 'bare' | 'stored' = 'bare', env: Record<string, string> = {}) {
  const server = await ServerProcess.start(mode, env);
  const system: System = {
    name: mode,
    async connect(group, count, receiver) {
      const room = `room${group}`;
      const clients = await connectMany(count, 50, async () => {
        const client = await RawClient.connect(server.url, null, 'hello');
        await client.emit('join', room);
        receiver.attach(client);
        return client;
      });
      return {
        clients,
        send: async (client, n) => {
          await client.emit('send', { room, text: `b:${performance.now().toFixed(3)}:${n}` });
          return true;
        },
      };
    },
  };
  return { server, system };
}

interface SystemResult {
  steady: PhaseResult;
  saturated: PhaseResult;
  big: PhaseResult;
  memoryPerConnKb: number;
}

/** Runs one phase, under a CPU profile of the server (`<system>-<phase>.cpuprofile`) with --profile. */
async function profiled<T>(
  server: ServerProcess,
  system: string,
  phase: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!profileDir) return run();
  await server.profile('start');
  const result = await run();
  const file = path.join(profileDir, `${system}-${phase}.cpuprofile`);
  await server.profile('stop', file);
  log(`  CPU profile of the ${phase} phase: ${file}`);
  return result;
}

/** Connects the channels' members; `send(n)` sends message n as a random member of channel n mod C. */
async function connectChannels(system: System, receiver: Receiver) {
  log(`[${system.name}] connecting ${opts.channels} × ${perChannel}…`);
  // One channel at a time (each connects in parallel): a storm of thousands of simultaneous handshakes
  // would measure the handshake queue, not messaging.
  const groups: Awaited<ReturnType<System['connect']>>[] = [];
  for (let g = 0; g < opts.channels; g++) groups.push(await system.connect(g, perChannel, receiver));
  return {
    send: (n: number) => {
      const group = groups[n % groups.length]!;
      return group.send(group.clients[Math.floor(Math.random() * group.clients.length)]!, n);
    },
    close: () => {
      for (const g of groups) for (const c of g.clients) c.close();
    },
  };
}

const saturatedPhase = (server: ServerProcess, receiver: Receiver, send: Sender) =>
  runPhase({
    server,
    receiver,
    audience: perChannel,
    send,
    rate: null,
    seconds: opts.saturate,
    inflight: opts.inflight,
  });

async function measure(server: ServerProcess, system: System, frameEvent: string): Promise<SystemResult> {
  const receiver = new Receiver(frameEvent);
  const channels = await connectChannels(system, receiver);
  const pick = channels.send;
  const steady = await profiled(server, system.name, 'steady', () =>
    runPhase({
      server,
      receiver,
      audience: perChannel,
      send: pick,
      rate: opts.rate,
      seconds: opts.duration,
      inflight: 0,
    }),
  );
  report('steady', steady);
  const saturated = await profiled(server, system.name, 'saturated', () =>
    saturatedPhase(server, receiver, pick),
  );
  report('saturated', saturated);
  channels.close();
  await sleep(2000);

  const before = await server.stats(true);
  log(`[${system.name}] big room: connecting ${opts.big}…`);
  const big = await system.connect(opts.channels, opts.big, receiver);
  await sleep(2000);
  const after = await server.stats(true);
  // Live JavaScript heap plus native buffers after a full GC: RSS keeps pages freed by earlier phases,
  // which makes it useless for a per-connection figure.
  const live = (x: ServerStats) => x.heapUsed + x.external;
  const memoryPerConnKb = (live(after) - live(before)) / opts.big / 1024;
  log(
    `  idle memory per connection: ${memoryPerConnKb.toFixed(1)} KB (heap+external ${(live(before) / 2 ** 20).toFixed(0)} → ` +
      `${(live(after) / 2 ** 20).toFixed(0)} MB; RSS ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MB)`,
  );
  const bigResult = await profiled(server, system.name, 'big-room', () =>
    runPhase({
      server,
      receiver,
      audience: opts.big,
      send: (n) => big.send(big.clients[Math.floor(Math.random() * big.clients.length)]!, n),
      rate: opts.bigRate,
      seconds: opts.bigDuration,
      inflight: 0,
    }),
  );
  report('big room', bigResult);
  for (const c of big.clients) c.close();
  return { steady, saturated, big: bigResult, memoryPerConnKb };
}

// ---------- run ----------

const { mongoUrl, redisUrl } = await servicesUp();
const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const dbName = `bench_chat_${id}`;
const prefix = `bench:${id}`;
const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'error',
  MONGODB_URL: mongoUrl,
  MONGODB_DB: dbName,
  MONGODB_POOL_SIZE: '20',
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  JWT_SECRET: randomBytes(32).toString('hex'),
  RATE_LIMIT_PER_MINUTE: '100000',
};
log(
  `chat benchmark: ${opts.connections} connections in ${opts.channels} channels of ${perChannel}, ${opts.rate} msg/s for ` +
    `${opts.duration} s (stored); saturated ${opts.saturate} s with ${opts.inflight} in flight; big room ${opts.big} members, ` +
    `${opts.bigRate} msg/s for ${opts.bigDuration} s. Generator: raw WebSocket clients speaking Engine.IO, one process.`,
);

const ourStack = await ours(env, mongoUrl, dbName);
let oursResult: SystemResult;
try {
  oursResult = await measure(ourStack.server, ourStack.system, '42["channel:event"');
  const stored = await ourStack.persisted();
  const acked = oursResult.steady.acked + oursResult.saturated.acked + oursResult.big.acked;
  log(`  persisted: ${stored} stored messages for ${acked} acknowledged sends`);
} finally {
  await ourStack.server.stop();
}
const bareStack = await bare();
let bareResult: SystemResult;
try {
  bareResult = await measure(bareStack.server, bareStack.system, '42["msg"');
} finally {
  await bareStack.server.stop();
}

// The storage floor: bare Socket.IO that stores each message (one minimal document, group-committed) before
// broadcasting it, saturated. Any chat that stores its messages tops out here on this machine's storage.
const storedStack = await bare('stored', env);
let floor: PhaseResult;
try {
  const receiver = new Receiver('42["msg"');
  const channels = await connectChannels(storedStack.system, receiver);
  floor = await saturatedPhase(storedStack.server, receiver, channels.send);
  report('saturated', floor);
  channels.close();
} finally {
  await storedStack.server.stop();
}

// Clean up the run's data.
{
  const m = new MongoClient(mongoUrl, { maxPoolSize: 2 });
  await m
    .db(dbName)
    .dropDatabase()
    .catch(() => undefined);
  await m.close();
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

const roundOrNull = (x: number | null) => (x === null ? null : Math.round(x));
const reach = oursResult.steady.expected > 0 ? oursResult.steady.received / oursResult.steady.expected : 0;
const summary = {
  reach: Number(reach.toFixed(4)),
  p50Ms: Number(oursResult.steady.p50.toFixed(2)),
  p99Ms: Number(oursResult.steady.p99.toFixed(2)),
  deliveredPerSec: Math.round(oursResult.steady.deliveredPerSec),
  serverCpuPct: Math.round(oursResult.steady.serverCpuPct),
  serverRssMb: Math.round(oursResult.steady.serverRssMb),
  throughputRatio: Number(
    (oursResult.saturated.deliveredPerSec / bareResult.saturated.deliveredPerSec).toFixed(3),
  ),
  /** What storing alone allows: bare + one stored insert per message, saturated, ÷ bare. */
  storageFloorRatio: Number((floor.deliveredPerSec / bareResult.saturated.deliveredPerSec).toFixed(3)),
  /** Ours ÷ that floor. */
  throughputOfFloor: Number((oursResult.saturated.deliveredPerSec / floor.deliveredPerSec).toFixed(3)),
  bigRoomP99Ratio: Number((oursResult.big.p99 / bareResult.big.p99).toFixed(2)),
  memoryPerConnRatio: Number((oursResult.memoryPerConnKb / bareResult.memoryPerConnKb).toFixed(2)),
  bare: {
    p50Ms: Number(bareResult.steady.p50.toFixed(2)),
    p99Ms: Number(bareResult.steady.p99.toFixed(2)),
    saturatedDeliveredPerSec: Math.round(bareResult.saturated.deliveredPerSec),
    saturatedServerCpuMsPerMsg: Number(bareResult.saturated.serverCpuMsPerMsg.toFixed(3)),
    saturatedMachineBusyPct: roundOrNull(bareResult.saturated.machineBusyPct),
    bigRoomP99Ms: Number(bareResult.big.p99.toFixed(2)),
    memoryPerConnKb: Number(bareResult.memoryPerConnKb.toFixed(1)),
  },
  storedFloor: {
    saturatedDeliveredPerSec: Math.round(floor.deliveredPerSec),
    saturatedServerCpuMsPerMsg: Number(floor.serverCpuMsPerMsg.toFixed(3)),
    saturatedMachineBusyPct: roundOrNull(floor.machineBusyPct),
  },
  ours: {
    saturatedDeliveredPerSec: Math.round(oursResult.saturated.deliveredPerSec),
    saturatedMessagesPerSec: Math.round(oursResult.saturated.messagesPerSec),
    saturatedServerCpuMsPerMsg: Number(oursResult.saturated.serverCpuMsPerMsg.toFixed(3)),
    saturatedMachineBusyPct: roundOrNull(oursResult.saturated.machineBusyPct),
    bigRoomP99Ms: Number(oursResult.big.p99.toFixed(2)),
    memoryPerConnKb: Number(oursResult.memoryPerConnKb.toFixed(1)),
  },
  run: opts,
};
log(
  `ratios: throughput ${summary.throughputRatio} (target ≥ 0.8; storing alone allows ${summary.storageFloorRatio}, ` +
    `ours is ${summary.throughputOfFloor} of that), big-room p99 ${summary.bigRoomP99Ratio}, ` +
    `memory/connection ${summary.memoryPerConnRatio} (target ≤ 2); reach ${summary.reach} (target 1.0), p99 ${summary.p99Ms} ms (target ≤ 50)`,
);
log(JSON.stringify(summary));
process.exit(0);
