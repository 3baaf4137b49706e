import { Value } from '@sinclair/typebox/value';
import type { JobDefinition, JobPayload } from '@zhibu/shared';
import { type JobsOptions, Queue } from 'bullmq';
import type { AppContext } from '../context.js';

/** BullMQ keys live under "<REDIS_PREFIX>:bull", so each deployment (and each test file) is isolated. */
export const bullPrefix = (redisPrefix: string) => `${redisPrefix}:bull`;

/** Defaults for every job: retried with exponential backoff; finished jobs are trimmed, not kept forever. */
export function jobOptions(def: JobDefinition, payload: unknown, opts: JobsOptions = {}): JobsOptions {
  return {
    jobId: def.jobId(payload),
    attempts: def.attempts ?? 5,
    backoff: { type: 'exponential', delay: def.backoffMs ?? 1000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
    ...opts,
  };
}

export type Queues = ReturnType<typeof createQueues>;

/**
 * One BullMQ Queue per queue name, created on first use and sharing the server's Redis connection.
 * `enqueue` validates the payload with the shared schema and uses the definition's deterministic job id,
 * so enqueuing the same work twice while the first is waiting adds it once.
 */
export function createQueues(ctx: Pick<AppContext, 'redis' | 'config'>) {
  const queues = new Map<string, Queue>();
  const queueFor = (name: string): Queue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: ctx.redis, prefix: bullPrefix(ctx.config.REDIS_PREFIX) });
      queues.set(name, queue);
    }
    return queue;
  };

  return {
    queueFor,
    async enqueue<D extends JobDefinition>(
      def: D,
      payload: JobPayload<D>,
      opts?: JobsOptions,
    ): Promise<string> {
      if (!Value.Check(def.payload, payload)) {
        const first = [...Value.Errors(def.payload, payload)][0];
        throw new Error(`job ${def.name}: invalid payload at ${first?.path ?? '/'}: ${first?.message ?? ''}`);
      }
      const job = await queueFor(def.queue).add(def.name, payload, jobOptions(def, payload, opts));
      return job.id ?? def.jobId(payload);
    },
    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}
