import {
  type AppContext,
  type Config,
  connectMongo,
  createGridQueues,
  createGridService,
  createNotifier,
  createRedis,
  type GridService,
  type WorkCalendar,
} from '@zhibu/server';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';

export interface GridRuntime {
  ctx: AppContext;
  grid: GridService;
  close(): Promise<void>;
}

/**
 * What a worker process needs to run grid jobs: the same context and domain code as the server (the
 * domain decides; the job files only parse, call and classify errors).
 */
export async function createGridRuntime(
  config: Config,
  options: { now?: () => Date; calendar?: WorkCalendar; log?: FastifyBaseLogger } = {},
): Promise<GridRuntime> {
  const mongo = await connectMongo(config);
  const redis = createRedis(config, 'zhibu-workers-grid');
  const log =
    options.log ?? (pino({ level: config.LOG_LEVEL, name: 'workers-grid' }) as unknown as FastifyBaseLogger);
  const ctx: AppContext = { config, mongo, db: mongo.db, redis, log, now: options.now ?? (() => new Date()) };
  const queues = createGridQueues(redis, config.REDIS_PREFIX);
  const grid = createGridService(ctx, {
    enqueue: queues.enqueue,
    notifier: createNotifier(ctx),
    ...(options.calendar ? { calendar: options.calendar } : {}),
  });
  return {
    ctx,
    grid,
    async close() {
      // Projections the routing jobs queued (their events are stored) are written before the pool closes.
      await grid.core.projections.drain();
      await queues.close();
      await redis.quit().catch(() => undefined);
      await mongo.client.close();
    },
  };
}
