import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, gridBullPrefix } from '@zhibu/server';
import { type GridIssue, GridQueues, gridDeadlineJob, gridRouteJob } from '@zhibu/shared';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld, startWorkers, testClock, waitFor } from './grid.fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workerEntry = path.join(root, 'workers/src/jobs/grid-worker.ts');

const clock = testClock('2026-10-20T02:00:00.000Z');
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;
let redis: Redis;
const children: ChildProcess[] = [];

/** A grid worker as its own process (the TypeScript sources, as `npm run workers` runs the build). */
function spawnWorker(
  config: Config,
  env: Record<string, string> = {},
): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@zhibu/source', workerEntry], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      MONGODB_URL: config.MONGODB_URL,
      MONGODB_DB: config.MONGODB_DB,
      REDIS_URL: config.REDIS_URL,
      REDIS_PREFIX: config.REDIS_PREFIX,
      JWT_SECRET: config.JWT_SECRET,
      ZHIBU_GRID_SCHEDULES: '0',
      ZHIBU_GRID_LOCK_MS: '2000',
      ZHIBU_GRID_STALLED_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  child.stderr?.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { child, lines };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );

beforeAll(async () => {
  ctx = await startTestApp('grid-crash', {}, { now: clock.now });
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
  redis = new Redis(ctx.config.REDIS_URL, { maxRetriesPerRequest: null });
  await api.rule(w.admin, { priority: 1, category: 'hazard', departmentId: w.safety.id });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  redis?.disconnect();
  await ctx?.close();
});

const db = () => ctx.app.ctx.db;
const routedEvents = async (issueId: string) =>
  (await api.detail(w.admin, issueId)).timeline.filter((e) => e.data.type === 'routed').length;
const assignedNotices = (issueId: string) =>
  db().collection('notifications').countDocuments({ kind: 'grid.assigned', 'data.issueId': issueId });

describe('workers: crash and duplicate jobs', () => {
  it('retries a job whose worker was killed with kill -9 mid-job, and its effect happens once', async () => {
    const first = spawnWorker(ctx.config, { ZHIBU_GRID_TEST_DELAY_AFTER_ROUTED_MS: '60000' });
    await waitFor(async () => first.lines.includes('grid-workers-ready'), 30_000);
    const issue = await api.report(w.resident, { category: 'hazard', gridId: w.grid1.id, title: '道闸损坏' });

    // The worker has written the routing event and is now inside the job, before its announcements.
    await waitFor(async () => first.lines.includes('routed-event-written'), 20_000);
    expect(await routedEvents(issue.id)).toBe(1);
    expect(await assignedNotices(issue.id)).toBe(0);
    first.child.kill('SIGKILL');
    await exited(first.child);

    // A new worker takes the stalled job over and finishes it.
    const second = spawnWorker(ctx.config);
    await waitFor(async () => second.lines.includes('grid-workers-ready'), 30_000);
    await waitFor(async () => (await assignedNotices(issue.id)) > 0, 20_000);
    const queue = new Queue(GridQueues.routing, {
      connection: redis,
      prefix: gridBullPrefix(ctx.config.REDIS_PREFIX),
    });
    const jobId = gridRouteJob.jobId({ issueId: issue.id, version: 1 });
    await waitFor(async () => (await queue.getJobState(jobId)) === 'completed', 20_000);
    expect(await routedEvents(issue.id)).toBe(1);
    expect(await assignedNotices(issue.id)).toBe(1); // one staff member, one notification

    // Enqueueing the same job id again adds nothing; even a forced re-run has no second effect.
    const again = await queue.add(gridRouteJob.name, { issueId: issue.id, version: 1 }, { jobId });
    expect(again.id).toBe(jobId);
    expect(await queue.getJobState(jobId)).toBe('completed');
    await (await queue.getJob(jobId))?.remove();
    await queue.add(gridRouteJob.name, { issueId: issue.id, version: 1 }, { jobId });
    await waitFor(async () => (await queue.getJobState(jobId)) === 'completed', 20_000);
    expect(await routedEvents(issue.id)).toBe(1);
    expect(await assignedNotices(issue.id)).toBe(1);
    await queue.close();

    // SIGTERM: the worker closes gracefully.
    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(second.child.exitCode).toBe(0);
  }, 120_000);

  it('a reminder (deadline) job run twice escalates once', async () => {
    const workers = await startWorkers(ctx.app, { now: clock.now });
    try {
      clock.set('2026-10-20T02:00:00.000Z');
      const issue = await api.report(w.resident, {
        category: 'hazard',
        gridId: w.grid1.id,
        title: '消防栓漏水',
      });
      await waitFor(async () => (await api.detail(w.resident, issue.id)).status === 'assigned');
      const accepted = await api.act(w.safetyStaff, issue.id, { action: 'accept' });
      const dueAt = Date.parse(accepted.deadlines.nextEscalationAt);
      const queue = new Queue(GridQueues.deadlines, {
        connection: redis,
        prefix: gridBullPrefix(ctx.config.REDIS_PREFIX),
      });
      const jobId = gridDeadlineJob.jobId({ issueId: issue.id, dueAt });
      // The server scheduled it as a delayed job; time passes (weeks), then it runs.
      expect(await queue.getJobState(jobId)).toBe('delayed');
      clock.set('2026-11-20T02:00:00.000Z');
      await (await queue.getJob(jobId))?.promote();
      const steps = async () =>
        (await api.detail(w.admin, issue.id)).timeline
          .filter((e) => e.data.type === 'escalated')
          .map((e) => (e.data.type === 'escalated' ? e.data.step : ''));
      await waitFor(async () => (await steps()).length === 3);
      await waitFor(async () => (await queue.getJobState(jobId)) === 'completed');
      const notes = () =>
        db()
          .collection('notifications')
          .countDocuments({ 'data.issueId': issue.id, kind: /^grid\.(warning|urge|supervision)$/ });
      const sent = await notes();

      await queue.add(gridDeadlineJob.name, { issueId: issue.id, dueAt }, { jobId });
      await (await queue.getJob(jobId))?.remove();
      await queue.add(gridDeadlineJob.name, { issueId: issue.id, dueAt }, { jobId });
      await waitFor(async () => (await queue.getJobState(jobId)) === 'completed');
      expect(await steps()).toEqual(['warning', 'urge', 'supervision']);
      expect(await notes()).toBe(sent);
      await queue.close();
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('the sweeper rewrites projections left behind their event log (a crash before the projection write)', async () => {
    const workers = await startWorkers(ctx.app, { now: clock.now });
    try {
      clock.set('2026-11-21T02:00:00.000Z');
      const issues: GridIssue[] = [];
      for (const title of ['井盖松动', '路灯不亮', '栏杆断裂']) {
        issues.push(await api.report(w.resident, { category: 'hazard', gridId: w.grid1.id, title }));
      }
      for (const issue of issues) {
        await waitFor(async () => (await api.detail(w.resident, issue.id)).status === 'assigned');
      }
      // Two projections lost their last writes; the third is current.
      const projections = db().collection('grid_issues');
      for (const issue of issues.slice(0, 2)) {
        await projections.updateOne(
          { _id: new ObjectId(issue.id) },
          { $set: { version: 1, status: 'awaitingRouting', 'state.status': 'awaitingRouting' } },
        );
      }
      const statuses = async () =>
        Promise.all(
          issues.map(async (issue) => (await projections.findOne({ _id: new ObjectId(issue.id) }))?.status),
        );
      expect(await statuses()).toEqual(['awaitingRouting', 'awaitingRouting', 'assigned']);

      const result = await workers.rt.grid.escalation.sweep();
      expect(result.repaired).toBe(2);
      expect(await statuses()).toEqual(['assigned', 'assigned', 'assigned']);
      // The department's inbox (read from the projections) lists all three again.
      const inbox = await api.call('GET', '/api/v1/grid/issues?view=department', w.safetyStaff);
      const listed = (inbox.json() as { items: { id: string; status: string }[] }).items;
      for (const issue of issues) expect(listed.find((i) => i.id === issue.id)?.status).toBe('assigned');
      // A second sweep finds nothing to repair, and routed nothing twice.
      expect((await workers.rt.grid.escalation.sweep()).repaired).toBe(0);
      for (const issue of issues) expect(await routedEvents(issue.id)).toBe(1);
    } finally {
      await workers.close();
    }
  }, 60_000);
});
