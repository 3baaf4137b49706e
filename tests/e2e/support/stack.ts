/**
 * The end-to-end stack: real services (through the harness), the BUILT server serving the BUILT client,
 * and the workers when they exist; each run on its own database, Redis prefix and free port.
 *
 * Playwright's global setup calls `startStack()` in the runner process; the returned teardown stops the
 * processes and drops the run's data. The base URL and the run's settings travel to the test workers
 * through environment variables (workers inherit the runner's environment), read back with `e2eEnv()`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const logDir = path.join(root, 'test-results', 'e2e-logs');

/** The bootstrapped admin of every e2e run. */
export const E2E_ADMIN = { username: 'e2eadmin', password: 'e2e-admin-password-2026' } as const;

export interface E2EEnv {
  baseURL: string;
  mongoUrl: string;
  mongoDb: string;
  redisUrl: string;
  redisPrefix: string;
}

/** What the running stack is, for specs (and their helpers) in the test workers. */
export function e2eEnv(): E2EEnv {
  const baseURL = process.env.ZHIBU_E2E_BASE_URL;
  if (!baseURL)
    throw new Error('ZHIBU_E2E_BASE_URL is not set: run the specs through tests/e2e/playwright.config.ts');
  return {
    baseURL,
    mongoUrl: process.env.ZHIBU_E2E_MONGODB_URL ?? '',
    mongoDb: process.env.ZHIBU_E2E_MONGODB_DB ?? '',
    redisUrl: process.env.ZHIBU_E2E_REDIS_URL ?? '',
    redisPrefix: process.env.ZHIBU_E2E_REDIS_PREFIX ?? '',
  };
}

function servicesUp(): { mongoUrl: string; redisUrl: string } {
  const out = execFileSync('npm', ['run', '--silent', 'services', '--', 'up'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const mongoUrl = /^MONGODB_URL=(\S+)/m.exec(out)?.[1];
  const redisUrl = /^REDIS_URL=(\S+)/m.exec(out)?.[1];
  if (!mongoUrl || !redisUrl) throw new Error(`npm run services -- up printed no URLs:\n${out}`);
  return { mongoUrl, redisUrl };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Builds what is missing (a fresh clone); the test script builds everything beforehand. */
function ensureBuilt(): void {
  if (!existsSync(path.join(root, 'server/dist/main.js'))) {
    execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
  }
  if (!existsSync(path.join(root, 'client/dist/index.html'))) {
    execFileSync('npm', ['run', 'build', '-w', '@zhibu/client'], { cwd: root, stdio: 'inherit' });
  }
}

function startProcess(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.stderr?.on('data', (chunk: Buffer) => {
    // Surface crashes in the Playwright output, not only in the log file.
    const text = chunk.toString();
    if (/error|refuses|failed/i.test(text)) process.stderr.write(`[${name}] ${text}`);
  });
  return child;
}

async function waitReady(baseURL: string, server: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`the server exited with ${server.exitCode}; see ${logDir}/server.log`);
    try {
      const response = await fetch(`${baseURL}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server was not ready within ${timeoutMs} ms; see ${logDir}/server.log`);
}

function stop(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function dropRunData(env: E2EEnv): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(env.mongoUrl, { maxPoolSize: 2 });
  try {
    await client.db(env.mongoDb).dropDatabase();
  } finally {
    await client.close();
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.redisPrefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Starts services, server and workers; returns the teardown. */
export async function startStack(): Promise<() => Promise<void>> {
  ensureBuilt();
  const { mongoUrl, redisUrl } = servicesUp();
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  const env: E2EEnv = {
    baseURL: `http://127.0.0.1:${port}`,
    mongoUrl,
    mongoDb: `e2e_${id}`,
    redisUrl,
    redisPrefix: `e2e:${id}`,
  };
  const processEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: env.baseURL,
    MONGODB_URL: mongoUrl,
    MONGODB_DB: env.mongoDb,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: env.redisPrefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ZHIBU_ADMIN_USERNAME: E2E_ADMIN.username,
    ZHIBU_ADMIN_PASSWORD: E2E_ADMIN.password,
    CLIENT_DIST: path.join(root, 'client/dist'),
    // One browser drives many requests from one IP; the production default is tuned for people.
    RATE_LIMIT_PER_MINUTE: '10000',
  };

  const children: ChildProcess[] = [];
  const teardown = async () => {
    await Promise.all(children.map((c) => stop(c)));
    await dropRunData(env).catch((error: unknown) => {
      process.stderr.write(`e2e teardown: could not drop ${env.mongoDb}: ${String(error)}\n`);
    });
  };
  try {
    const server = startProcess('server', 'server/dist/main.js', processEnv);
    children.push(server);
    await waitReady(env.baseURL, server);
    const workers = path.join(root, 'workers/dist/main.js');
    if (existsSync(workers)) children.push(startProcess('workers', workers, processEnv));
  } catch (error) {
    await teardown();
    throw error;
  }

  process.env.ZHIBU_E2E_BASE_URL = env.baseURL;
  process.env.ZHIBU_E2E_MONGODB_URL = env.mongoUrl;
  process.env.ZHIBU_E2E_MONGODB_DB = env.mongoDb;
  process.env.ZHIBU_E2E_REDIS_URL = env.redisUrl;
  process.env.ZHIBU_E2E_REDIS_PREFIX = env.redisPrefix;
  return teardown;
}
