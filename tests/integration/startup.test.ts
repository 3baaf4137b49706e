import { spawn } from 'node:child_process';
import path from 'node:path';
import { ConfigError, collectionIndexes, loadConfig } from '@zhibu/server';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';

const root = path.resolve(import.meta.dirname, '../..');
const good = {
  MONGODB_URL: 'mongodb://127.0.0.1:27017',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'x'.repeat(40),
};

describe('configuration', () => {
  it('accepts a valid environment and fills defaults', () => {
    const config = loadConfig(good);
    expect(config.PORT).toBe(3000);
    expect(config.INVITATION_TTL_HOURS).toBe(72);
  });

  it('throws a ConfigError naming every bad or missing field', () => {
    const attempt = () =>
      loadConfig({
        MONGODB_URL: 'http://not-mongo',
        PORT: 'eighty',
        INVITATION_TTL_HOURS: '0',
        REDIS_URL: good.REDIS_URL,
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^MONGODB_URL: /m);
      expect(problems).toMatch(/^PORT: /m);
      expect(problems).toMatch(/^INVITATION_TTL_HOURS: /m);
      expect(problems).toMatch(/^JWT_SECRET: .*\(not set\)/m);
      expect(problems).not.toMatch(/^REDIS_URL/m);
    }
  });
});

/** Runs a TypeScript entry point the way `npm run dev` does, with only the given environment. */
function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@zhibu/source', '--import', 'tsx', entry], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('processes refuse to start with a bad configuration', () => {
  it('server/src/main.ts exits non-zero and names the field', async () => {
    const { code, stderr } = await run('server/src/main.ts', { ...good, JWT_SECRET: 'too-short' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('refuses to start');
    expect(stderr).toContain('JWT_SECRET');
  });

  it('workers/src/main.ts exits non-zero and names the field', async () => {
    const { code, stderr } = await run('workers/src/main.ts', { ...good, REDIS_URL: 'localhost:6379' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('refuse to start');
    expect(stderr).toContain('REDIS_URL');
  });
});

describe('indexes after boot', () => {
  let ctx: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    ctx = await startTestApp('startup');
  });
  afterAll(() => ctx.close());

  it('has created every index declared in collectionIndexes', async () => {
    const client = new MongoClient(ctx.config.MONGODB_URL, { maxPoolSize: 2 });
    try {
      const db = client.db(ctx.config.MONGODB_DB);
      const missing: string[] = [];
      for (const [name, declared] of Object.entries(collectionIndexes)) {
        if (declared.length === 0) continue;
        const existing = await db.collection(name).listIndexes().toArray();
        for (const index of declared) {
          const found = existing.find((e) => JSON.stringify(e.key) === JSON.stringify(index.key));
          if (!found || Boolean(found.unique) !== Boolean(index.unique)) {
            missing.push(`${name} ${JSON.stringify(index.key)}${index.unique ? ' unique' : ''}`);
          }
        }
      }
      expect(missing).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
