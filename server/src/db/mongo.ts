import { type Db, MongoClient, MongoServerError } from 'mongodb';
import type { Config } from '../config.js';
import { collectionIndexes } from './indexes.js';

export interface Mongo {
  client: MongoClient;
  db: Db;
  /** True when the server is FerretDB (its buildInfo carries `ferretdbVersion`, or `ferretdb` in newer releases). */
  isFerret: boolean;
}

/**
 * The one owner of the MongoDB client. The pool is bounded (MONGODB_POOL_SIZE, default 10) because
 * FerretDB deadlocks with more than about 50 operations in flight across all processes.
 */
export async function connectMongo(
  config: Pick<Config, 'MONGODB_URL' | 'MONGODB_DB' | 'MONGODB_POOL_SIZE'>,
): Promise<Mongo> {
  const client = new MongoClient(config.MONGODB_URL, {
    maxPoolSize: config.MONGODB_POOL_SIZE,
    serverSelectionTimeoutMS: 10_000,
    appName: 'zhibu',
  });
  await client.connect();
  const db = client.db(config.MONGODB_DB);
  const info = await db.admin().command({ buildInfo: 1 });
  return { client, db, isFerret: 'ferretdbVersion' in info || 'ferretdb' in info };
}

/** Creates every declared index and waits for it. Called at boot, before the server listens. */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(collectionIndexes)) {
    // One index per call: FerretDB 1.24 panics (and drops the connection) when one createIndexes call
    // names two or more indexes that already exist, i.e. on every restart against an existing database.
    for (const index of indexes) await db.collection(name).createIndexes([{ ...index }]);
  }
}

export const isDuplicateKey = (error: unknown): boolean =>
  error instanceof MongoServerError && error.code === 11000;
