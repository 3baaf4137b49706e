import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { Config } from './config.js';
import type { Mongo } from './db/mongo.js';

/** What every service gets: configuration and the real services' clients. No HTTP in here. */
export interface AppContext {
  config: Config;
  mongo: Mongo;
  db: Db;
  redis: Redis;
  log: FastifyBaseLogger;
  /** The current time; tests may replace it to run deadline scenarios in compressed time. */
  now: () => Date;
}
