import { type AppContext, type Config, connectMongo, createRedis } from '@zhibu/server';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';

/** A worker process's context: the same shape as the server's, so domain services run unchanged. */
export interface WorkerContext extends AppContext {
  close(): Promise<void>;
}

export async function createWorkerContext(
  config: Config,
  options: { now?: () => Date; log?: FastifyBaseLogger } = {},
): Promise<WorkerContext> {
  const mongo = await connectMongo(config);
  const redis = createRedis(config, 'zhibu-workers');
  const log =
    options.log ?? (pino({ level: config.LOG_LEVEL, name: 'workers' }) as unknown as FastifyBaseLogger);
  return {
    config,
    mongo,
    db: mongo.db,
    redis,
    log,
    now: options.now ?? (() => new Date()),
    async close() {
      await redis.quit().catch(() => undefined);
      await mongo.client.close();
    },
  };
}
