import { bullPrefix, type Config, createRedis } from '@zhibu/server';
import { Worker } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { createWorkerContext } from './context.js';
import { createProcessors, type Processor } from './processors.js';

export { createWorkerContext, type WorkerContext } from './context.js';
export { createProcessors } from './processors.js';

export interface StartOptions {
  now?: () => Date;
  log?: FastifyBaseLogger;
  concurrency?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs, waits for the running ones, then closes connections. */
  close(): Promise<void>;
}

/**
 * Starts one BullMQ Worker per queue that has processors, on "<REDIS_PREFIX>:bull". Each Worker has its
 * own Redis connection (BullMQ blocks on it) with `maxRetriesPerRequest: null`. Tests run this in-process.
 */
export async function startWorkers(config: Config, options: StartOptions = {}): Promise<RunningWorkers> {
  const ctx = await createWorkerContext(config, options);
  const byQueue = new Map<string, Map<string, Processor>>();
  for (const p of createProcessors(ctx)) {
    const names = byQueue.get(p.def.queue) ?? new Map<string, Processor>();
    names.set(p.def.name, p);
    byQueue.set(p.def.queue, names);
  }
  const connections = [...byQueue.keys()].map((queue) => createRedis(config, `zhibu-workers-${queue}`));
  const workers = [...byQueue.entries()].map(([queue, processors], i) => {
    const worker = new Worker(
      queue,
      async (job) => {
        const processor = processors.get(job.name);
        if (!processor) throw new Error(`no processor for job ${job.name} on queue ${queue}`);
        return processor.run(job);
      },
      {
        connection: connections[i]!,
        prefix: bullPrefix(config.REDIS_PREFIX),
        concurrency: options.concurrency ?? 4,
      },
    );
    worker.on('failed', (job, error) =>
      ctx.log.warn(
        { queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error },
        'job failed',
      ),
    );
    worker.on('error', (error) => ctx.log.error({ queue, err: error }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
      await ctx.close();
    },
  };
}
