/**
 * `npm run bench -- routing`: grid issue routing on BullMQ, against a no-op BullMQ worker on the same Redis.
 *
 * 1. Baseline: 10,000 no-op jobs drained by one Worker (concurrency C) → noopPerSec.
 * 1b. Storage floor: the same jobs, each storing one event-sized document (group-committed like the events)
 *    → storedNoopPerSec: what storing a decision alone allows on this storage, as a share of no-op.
 * 2. Throughput: 10,000 reports (hazards, real rules, one staff member per department) are filed first,
 *    then the routing Worker (concurrency C, the real processor: event, projection, notification, deadline
 *    job) drains them → routedPerSec, and throughputRatio = routedPerSec / noopPerSec (target ≥ 0.5).
 * 3. Latency: 1,000 more reports paced at half the measured routing rate; report-to-routed is from the start
 *    of the report call to the end of routing (the routed event written and announced) → p50/p99.
 * 4. Reminders: 1,000 delayed deadline jobs falling due over 10 s (100/s), processed by the real deadline
 *    processor; lateness = processing start − due time.
 * Runs on its own database and Redis prefix (dropped afterwards). The last line is one JSON object.
 * Flags: --reports N --concurrency C --paced N --reminders N --reminder-window S.
 * Needs the built server (`npx tsc -b`): `@zhibu/server` resolves to server/dist here.
 */
import { randomBytes } from 'node:crypto';
import { createInsertBatcher, ensureIndexes, gridBullPrefix, INSERT_BATCH, loadConfig } from '@zhibu/server';
import { GridQueues, gridDeadlineJob } from '@zhibu/shared';
import { type Job, Queue, Worker } from 'bullmq';
import { ObjectId } from 'mongodb';
import { servicesUp } from '../scripts/services.js';
import { gridDeadlinesProcessor } from '../workers/src/jobs/grid-deadlines.js';
import { gridRoutingProcessor } from '../workers/src/jobs/grid-routing.js';
import { createGridRuntime } from '../workers/src/jobs/grid-runtime.js';

const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPORTS = flag('reports', 10_000);
/** Jobs in flight, the same for the no-op baseline and routing (the workers' routing default is 32). */
const CONCURRENCY = flag('concurrency', 32);
const PACED = flag('paced', 1_000);
const REMINDERS = flag('reminders', 1_000);
/** Reminders fall due evenly over this many seconds, starting 1 s ahead (100/s by default). */
const REMINDER_WINDOW_S = flag('reminder-window', 10);

const log = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `fn` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function until(check: () => boolean, what: string, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

const { mongoUrl, redisUrl } = await servicesUp();
const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const config = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'error',
  MONGODB_URL: mongoUrl,
  MONGODB_DB: `bench_routing_${id}`,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: `bench:routing:${id}`,
  JWT_SECRET: randomBytes(32).toString('hex'),
});
const prefix = gridBullPrefix(config.REDIS_PREFIX);
const rt = await createGridRuntime(config);
const { db, redis } = rt.ctx;
await ensureIndexes(db);

// A small org: three departments with one staff member each, rules for every routed category.
const departments = [new ObjectId(), new ObjectId(), new ObjectId()];
await db
  .collection('departments')
  .insertMany(departments.map((_id, i) => ({ _id, name: `部门${i}`, description: '', headUserId: null })));
await db.collection<{ _id: string; departmentId: ObjectId; userId: ObjectId }>('department_staff').insertMany(
  departments.map((d) => {
    const userId = new ObjectId();
    return { _id: `${d.toHexString()}:${userId.toHexString()}`, departmentId: d, userId };
  }),
);
for (const [i, category] of (['hazard', 'dispute', 'opinion'] as const).entries()) {
  await rt.grid.routing.createRule({
    priority: 10,
    category,
    gridIds: [],
    keywords: [],
    departmentId: departments[i]!.toHexString(),
    enabled: true,
  });
}
await rt.grid.routing.setSettings(departments[0]!.toHexString());
const reporter = new ObjectId().toHexString();
const scope = {
  userId: reporter,
  role: 'resident' as const,
  isAdmin: false,
  adminOfCommittees: [],
  memberships: [],
  departmentIds: [],
  headOfDepartments: [],
  isLawyer: false,
  gridIds: [],
  leaderOfGrids: [],
};
const categories = ['hazard', 'dispute', 'opinion'] as const;
const report = (i: number) =>
  rt.grid.reports.report(scope, {
    category: categories[i % 3]!,
    title: `道闸损坏 ${i}`,
    description: '基准测试',
    address: '幸福路 1 号',
    photos: [],
    anonymous: false,
  });

/** Jobs/s of one Worker (concurrency C) draining REPORTS queued jobs through `processor`. */
async function drain(name: string, processor: (job: Job) => Promise<unknown>): Promise<number> {
  const queue = new Queue(name, { connection: redis, prefix });
  for (let i = 0; i < REPORTS; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, REPORTS - i) }, (_, k) => ({
        name,
        data: { i: i + k },
        opts: { jobId: `${name}_${i + k}`, removeOnComplete: true },
      })),
    );
  }
  let done = 0;
  const start = performance.now();
  const worker = new Worker(name, processor, {
    connection: redis.duplicate(),
    prefix,
    concurrency: CONCURRENCY,
  });
  worker.on('completed', () => done++);
  await until(() => done >= REPORTS, `${name} drained`);
  const perSec = REPORTS / ((performance.now() - start) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return perSec;
}

// ---- 1. no-op baseline ----
log(`no-op baseline: ${REPORTS} jobs, concurrency ${CONCURRENCY}`);
const noopPerSec = await drain('bench-noop', async () => undefined);
log(`  ${round(noopPerSec)} jobs/s`);

// ---- 1b. storage floor: a job that only stores one event-sized document, group-committed like the events ----
// Routing must store at least its decision; this is how much of the no-op rate that alone allows here.
log('storage floor: the same jobs, each storing one routed-event-sized document');
const floorWrites = createInsertBatcher(
  db.collection('bench_floor'),
  { value: undefined, onDuplicate: () => ({ ok: true, value: undefined }) },
  { maxBatch: INSERT_BATCH },
);
const storedNoopPerSec = await drain('bench-stored', (job) =>
  floorWrites.add({
    _id: new ObjectId(),
    issueId: new ObjectId(),
    version: 2,
    type: 'routed',
    at: new Date(),
    actorId: null,
    data: { i: job.data.i, target: { kind: 'department', departmentId: departments[0]!.toHexString() } },
  }),
);
log(`  ${round(storedNoopPerSec)} jobs/s (ratio to no-op ${round(storedNoopPerSec / noopPerSec, 3)})`);

// ---- 2. routing throughput: file the reports, then drain ----
log(`filing ${REPORTS} reports…`);
const reportedAt = new Map<string, number>();
await pool(
  Array.from({ length: REPORTS }, (_, i) => i),
  16,
  async (i) => {
    await report(i);
  },
);
log(`routing ${REPORTS} reports, concurrency ${CONCURRENCY}`);
let routed = 0;
const latencies: number[] = [];
const realRouting = gridRoutingProcessor(rt);
const routingProcessor = async (job: Job) => {
  const result = await realRouting(job);
  const t0 = reportedAt.get(job.data.issueId);
  if (t0 !== undefined) latencies.push(performance.now() - t0);
  return result;
};
const routeStart = performance.now();
const routingWorker = new Worker(GridQueues.routing, routingProcessor, {
  connection: redis.duplicate(),
  prefix,
  concurrency: CONCURRENCY,
});
routingWorker.on('completed', () => routed++);
routingWorker.on('failed', (job, error) => log(`  failed ${job?.id}: ${error.message}`));
await until(() => routed >= REPORTS, 'routing drained');
const routedAt = performance.now();
const routedPerSec = REPORTS / ((routedAt - routeStart) / 1000);
// The routed events and notifications are stored when a job completes; the list projections are written
// behind them (projection-writer.ts). How long they take to catch up is part of the figure.
await until(() => rt.grid.core.projections.pending === 0, 'projections written');
const projectionCatchUpMs = performance.now() - routedAt;
const projectedPerSec = REPORTS / ((performance.now() - routeStart) / 1000);
const check = await db.collection('grid_issues').countDocuments({ status: 'assigned' });
log(
  `  ${round(routedPerSec)} reports/s (ratio to no-op ${round(routedPerSec / noopPerSec, 3)}); projections caught up ` +
    `${round(projectionCatchUpMs)} ms later (${round(projectedPerSec)} reports/s including them; ${check} assigned)`,
);

// ---- 3. paced latency ----
const rate = Math.max(1, Math.min(200, routedPerSec / 2));
log(`latency: ${PACED} reports at ${round(rate)}/s`);
const pacedStart = routed;
for (let i = 0; i < PACED; i++) {
  const due = performance.now() + 1000 / rate;
  const t0 = performance.now();
  const issue = await report(REPORTS + i);
  reportedAt.set(issue.id, t0);
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
}
await until(() => routed - pacedStart >= PACED, 'paced routing done');
const routedP50Ms = percentile(latencies, 50);
const routedP99Ms = percentile(latencies, 99);
log(`  report→routed p50 ${round(routedP50Ms)} ms, p99 ${round(routedP99Ms)} ms`);
await routingWorker.close();

// ---- 4. delayed reminder lateness ----
// Redis checks blocking timeouts `hz` times a second; a delayed job wakes its worker through one.
const redisHz = Number(((await redis.config('GET', 'hz')) as string[])[1]);
log(`reminders: ${REMINDERS} delayed jobs due over ${REMINDER_WINDOW_S} s (Redis hz ${redisHz})`);
const issues = await db
  .collection('grid_issues')
  .find({}, { projection: { _id: 1 } })
  .limit(REMINDERS)
  .toArray();
const deadlines = new Queue(GridQueues.deadlines, { connection: redis, prefix });
await deadlines.obliterate({ force: true }); // drop the real (weeks-ahead) deadline jobs the routing scheduled
const lateness: number[] = [];
const real = gridDeadlinesProcessor(rt);
const reminderWorker = new Worker(
  GridQueues.deadlines,
  async (job: Job) => {
    // Against the due time in the payload (what the reminder is for), not BullMQ's own bookkeeping.
    lateness.push(Date.now() - Number(job.data.dueAt));
    return real(job);
  },
  { connection: redis.duplicate(), prefix, concurrency: CONCURRENCY },
);
const base = Date.now();
await pool(issues, 16, async (doc) => {
  const delay = 1000 + Math.floor(Math.random() * REMINDER_WINDOW_S * 1000);
  const payload = { issueId: doc._id.toHexString(), dueAt: base + delay };
  await deadlines.add(gridDeadlineJob.name, payload, {
    jobId: gridDeadlineJob.jobId(payload),
    delay: Math.max(0, payload.dueAt - Date.now()),
  });
});
await until(() => lateness.length >= issues.length, 'reminders ran');
const reminderLatenessP50Ms = percentile(lateness, 50);
const reminderLatenessP99Ms = percentile(lateness, 99);
log(`  lateness p50 ${round(reminderLatenessP50Ms)} ms, p99 ${round(reminderLatenessP99Ms)} ms`);
await reminderWorker.close();
await deadlines.close();

// ---- clean up ----
for (const name of Object.values(GridQueues)) {
  const q = new Queue(name, { connection: redis, prefix });
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
}
await db.dropDatabase();
await rt.close();

const result = {
  reports: REPORTS,
  concurrency: CONCURRENCY,
  storage: rt.ctx.mongo.isFerret ? 'ferretdb' : 'mongodb',
  redisHz,
  routedPerSec: round(routedPerSec),
  noopPerSec: round(noopPerSec),
  throughputRatio: round(routedPerSec / noopPerSec, 3),
  throughputTarget: 0.5,
  storedNoopPerSec: round(storedNoopPerSec),
  /** Storing one document per job alone, ÷ no-op: the most any stored routing reaches here. */
  storageFloorRatio: round(storedNoopPerSec / noopPerSec, 3),
  projectionCatchUpMs: round(projectionCatchUpMs),
  projectedPerSec: round(projectedPerSec),
  routedP50Ms: round(routedP50Ms),
  routedP99Ms: round(routedP99Ms),
  reminderLatenessP50Ms: round(reminderLatenessP50Ms),
  reminderLatenessP99Ms: round(reminderLatenessP99Ms),
  reminderLatenessTargetP99Ms: 100,
};
log(JSON.stringify(result));
process.exit(0);
