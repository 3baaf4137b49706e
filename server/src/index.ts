export { type BuildOptions, buildApp } from './app.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export type { AppContext } from './context.js';
export { collectionIndexes } from './db/indexes.js';
export { appendEvent, insertOnce, redisSequence, type VersionedEvent } from './db/patterns.js';
export { connectMongo, ensureIndexes, isDuplicateKey, type Mongo } from './db/mongo.js';
export { AppError } from './http/app-error.js';
export { createRedis } from './redis.js';
