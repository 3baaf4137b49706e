import { randomBytes } from 'node:crypto';
import { type BuildOptions, buildApp, type Config, loadConfig } from '@zhibu/server';
import { MongoClient } from 'mongodb';
import { inject } from 'vitest';

export const ADMIN = { username: 'admin', password: 'admin-password-123' };

/** A database name and Redis prefix unique to one test file (FerretDB: ≤ 63 chars, no dots). */
export function isolation(label: string): { db: string; prefix: string } {
  const id = `${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return { db: `t_${id}`, prefix: `t:${id}` };
}

export function testConfig(label: string, overrides: Record<string, string> = {}): Config {
  const { db, prefix } = isolation(label);
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URL: inject('mongoUrl'),
    MONGODB_DB: db,
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ZHIBU_ADMIN_USERNAME: ADMIN.username,
    ZHIBU_ADMIN_PASSWORD: ADMIN.password,
    ...overrides,
  });
}

/** Builds a server on its own database and Redis prefix; `close()` stops it and drops its data. */
export async function startTestApp(
  label: string,
  overrides: Record<string, string> = {},
  options: BuildOptions = {},
) {
  const config = testConfig(label, overrides);
  const app = await buildApp(config, options);
  const close = async () => {
    await app.close();
    await dropTestData(config);
  };
  return { app, config, close };
}

export async function dropTestData(config: Config): Promise<void> {
  const client = new MongoClient(config.MONGODB_URL, { maxPoolSize: 2 });
  try {
    await client.db(config.MONGODB_DB).dropDatabase();
  } finally {
    await client.close();
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.REDIS_PREFIX}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

type Injectable = Awaited<ReturnType<typeof startTestApp>>['app'];

/** Signs in through the real login route and returns the tokens and user. */
export async function login(app: Injectable, username: string, password: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  return res.json() as { accessToken: string; refreshToken: string; user: { id: string; role: string } };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
