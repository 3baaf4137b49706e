import { Redis } from 'ioredis';
import type { Config } from './config.js';

/** A Redis connection suitable for commands and for BullMQ (which needs maxRetriesPerRequest: null). */
export function createRedis(config: Pick<Config, 'REDIS_URL'>, name = 'zhibu'): Redis {
  return new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: null,
    connectionName: name,
    lazyConnect: false,
  });
}
