import { gridBullPrefix } from '@zhibu/server';
import { GridQueues, gridRouteJob } from '@zhibu/shared';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld, startWorkers, waitFor } from './grid.fixtures.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;

beforeAll(async () => {
  ctx = await startTestApp('grid-dashboard');
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
});
afterAll(() => ctx?.close());

describe('queue dashboard (bull-board) at /admin/queues', () => {
  it('is for admins only', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
    const staff = await api.call('GET', '/admin/queues', w.safetyStaff);
    expect(staff.statusCode).toBe(403);
    const admin = await api.call('GET', '/admin/queues', w.admin);
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['content-type']).toContain('text/html');
  });

  it('opens by cookie after a bearer-authenticated session call', async () => {
    const session = await api.call('POST', '/api/v1/admin/queues/session', w.admin);
    expect(session.statusCode).toBe(200);
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^zhibu_queues=/);
    const page = await ctx.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect((await api.call('POST', '/api/v1/admin/queues/session', w.resident)).statusCode).toBe(403);
  });

  it('keeps a job that must not retry as failed, visible with its reason', async () => {
    const workers = await startWorkers(ctx.app);
    const queue = new Queue(GridQueues.routing, {
      connection: ctx.app.ctx.redis,
      prefix: gridBullPrefix(ctx.config.REDIS_PREFIX),
    });
    try {
      // A routing job for an issue that does not exist: UnrecoverableError, one attempt, kept as failed.
      const payload = { issueId: 'ab'.repeat(12), version: 1 };
      await queue.add(gridRouteJob.name, payload, { jobId: gridRouteJob.jobId(payload), attempts: 5 });
      await waitFor(async () => (await queue.getJobState(gridRouteJob.jobId(payload))) === 'failed');
      const job = await queue.getJob(gridRouteJob.jobId(payload));
      expect(job?.attemptsMade).toBe(1);
      const res = await api.call(
        'GET',
        '/admin/queues/api/queues?activeQueue=grid-routing&status=failed',
        w.admin,
      );
      expect(res.statusCode).toBe(200);
      const routing = (
        res.json().queues as { name: string; counts: { failed: number }; jobs: { failedReason: string }[] }[]
      ).find((q) => q.name === GridQueues.routing);
      expect(routing?.counts.failed).toBe(1);
      expect(routing?.jobs[0]?.failedReason).toContain('No such issue');
    } finally {
      await queue.close();
      await workers.close();
    }
  });
});
