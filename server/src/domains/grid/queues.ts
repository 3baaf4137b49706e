import type { Static, TSchema } from '@sinclair/typebox';
import { GridQueues, type JobDefinition } from '@zhibu/shared';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export type Enqueue = <S extends TSchema>(
  def: JobDefinition<S>,
  payload: Static<S>,
  opts?: { delayMs?: number },
) => Promise<void>;

/** The BullMQ key prefix shared by every process (server, workers, dashboard). */
export const bullPrefix = (redisPrefix: string) => `${redisPrefix}:bull`;

/** Completed jobs stay a week so that their ids keep deduplicating; failed ones stay until looked at. */
export const jobOptions = (def: JobDefinition, jobId: string, delayMs?: number): JobsOptions => ({
  jobId,
  attempts: def.attempts ?? 5,
  backoff: { type: 'exponential', delay: def.backoffMs ?? 1000 },
  removeOnComplete: { age: 7 * 86_400, count: 50_000 },
  removeOnFail: false,
  ...(delayMs !== undefined && delayMs > 0 ? { delay: Math.round(delayMs) } : {}),
});

/** Producers for the grid queues. Enqueueing a job id that exists is a no-op (BullMQ dedupes by id). */
export function createGridQueues(connection: Redis, redisPrefix: string) {
  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix: bullPrefix(redisPrefix) });
      queues.set(name, q);
    }
    return q;
  };
  for (const name of Object.values(GridQueues)) queue(name);
  const enqueue: Enqueue = async (def, payload, opts) => {
    const jobId = def.jobId(payload);
    await queue(def.queue).add(def.name, payload, jobOptions(def, jobId, opts?.delayMs));
  };
  return {
    enqueue,
    queue,
    all: () => [...queues.values()],
    close: async () => {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
export type GridQueuesHandle = ReturnType<typeof createGridQueues>;
