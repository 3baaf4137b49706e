import { pathToFileURL } from 'node:url';
import { createRedis, gridBullPrefix, loadConfig } from '@zhibu/server';
import { GridQueues, gridDigestJob, gridSweepJob } from '@zhibu/shared';
import { Queue, Worker } from 'bullmq';
import { gridDeadlinesProcessor } from './grid-deadlines.js';
import { GRID_DIGEST_DAILY, gridDigestProcessor } from './grid-digest.js';
import { gridRoutingProcessor } from './grid-routing.js';
import { createGridRuntime, type GridRuntime } from './grid-runtime.js';

export interface GridWorkerOptions {
  concurrency?: number;
  /**
   * Routing jobs in flight at once (default 32). They mostly wait on group-committed writes (events,
   * notifications: one insertMany per batch), so more of them make bigger batches, not more database calls.
   */
  routingConcurrency?: number;
  /** Shorter lock/stall detection lets tests see a killed worker's job retried quickly. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Test hook: runs between the routing event and its announcements. */
  afterRoutedEvent?: () => Promise<void>;
  /** Install the repeatable sweep (every minute) and daily digest (08:00 Shanghai). */
  schedules?: boolean;
}

/**
 * One BullMQ Worker per grid queue. `close()` stops taking jobs and waits for the running ones, so a
 * SIGTERM finishes in-flight work; a killed process's jobs stall and another worker takes them over.
 */
export async function startGridWorkers(rt: GridRuntime, options: GridWorkerOptions = {}) {
  const { config } = rt.ctx;
  const prefix = gridBullPrefix(config.REDIS_PREFIX);
  const common = {
    prefix,
    concurrency: options.concurrency ?? 4,
    ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
  };
  const connections: ReturnType<typeof createRedis>[] = [];
  const connection = () => {
    const c = createRedis(config, 'zhibu-workers-grid-bullmq');
    connections.push(c);
    return c;
  };
  const digestQueue = new Queue(GridQueues.digest, { connection: rt.ctx.redis, prefix });
  const enqueueDigest = async (day: string) => {
    await digestQueue.add(
      gridDigestJob.name,
      { day },
      {
        jobId: gridDigestJob.jobId({ day }),
        attempts: 5,
        backoff: { type: 'exponential', delay: 10_000 },
        removeOnFail: false,
      },
    );
  };
  const hooks = options.afterRoutedEvent ? { afterEvent: options.afterRoutedEvent } : {};
  const workers = [
    new Worker(GridQueues.routing, gridRoutingProcessor(rt, hooks), {
      ...common,
      concurrency: options.routingConcurrency ?? 32,
      connection: connection(),
    }),
    new Worker(GridQueues.deadlines, gridDeadlinesProcessor(rt), { ...common, connection: connection() }),
    new Worker(GridQueues.digest, gridDigestProcessor(rt, enqueueDigest), {
      ...common,
      concurrency: 1,
      connection: connection(),
    }),
  ];
  for (const w of workers) {
    w.on('failed', (job, error) =>
      rt.ctx.log.warn({ queue: w.name, jobId: job?.id, err: error }, 'grid job failed'),
    );
    w.on('error', (error) => rt.ctx.log.error({ queue: w.name, err: error }, 'grid worker error'));
  }
  if (options.schedules) {
    const deadlines = new Queue(GridQueues.deadlines, { connection: rt.ctx.redis, prefix });
    await deadlines.upsertJobScheduler(
      'grid-sweep',
      { every: 60_000 },
      { name: gridSweepJob.name, data: { minute: 0 } },
    );
    await digestQueue.upsertJobScheduler(
      'grid-digest',
      { pattern: '0 8 * * *', tz: 'Asia/Shanghai' },
      { name: GRID_DIGEST_DAILY, data: {} },
    );
    await deadlines.close();
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await digestQueue.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
    },
  };
}

/** `node workers/dist/jobs/grid-worker.js`: a process that runs only the grid queues. */
async function main(): Promise<void> {
  const config = loadConfig();
  const rt = await createGridRuntime(config);
  const env = process.env;
  const delay = Number(env.ZHIBU_GRID_TEST_DELAY_AFTER_ROUTED_MS ?? 0);
  const running = await startGridWorkers(rt, {
    schedules: env.ZHIBU_GRID_SCHEDULES !== '0',
    ...(env.ZHIBU_GRID_LOCK_MS ? { lockDurationMs: Number(env.ZHIBU_GRID_LOCK_MS) } : {}),
    ...(env.ZHIBU_GRID_STALLED_MS ? { stalledIntervalMs: Number(env.ZHIBU_GRID_STALLED_MS) } : {}),
    ...(delay > 0
      ? {
          afterRoutedEvent: async () => {
            process.stdout.write('routed-event-written\n');
            await new Promise((resolve) => setTimeout(resolve, delay));
          },
        }
      : {}),
  });
  process.stdout.write('grid-workers-ready\n');
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    running
      .close()
      .then(() => rt.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `grid workers failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
