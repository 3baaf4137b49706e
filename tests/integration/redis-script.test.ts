import { createHash, randomBytes } from 'node:crypto';
import { createRedis } from '@zhibu/server';
import { afterAll, describe, expect, it } from 'vitest';
import { redisScript } from '../../server/src/db/redis-script.js';
import { testConfig } from '../support/app.js';

const config = testConfig('redisscript');
const redis = createRedis(config, 'zhibu-test-redis-script');
afterAll(() => redis.quit());

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const cached = async (lua: string) => ((await redis.script('EXISTS', sha1(lua))) as number[])[0];

describe('redisScript', () => {
  it('runs a script Redis has never seen (NOSCRIPT, then sent once in full), then by its SHA', async () => {
    // A script text no earlier run can have cached: the first call must fall back to EVAL.
    const lua = `-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
    const run = redisScript(lua);
    const key = `${config.REDIS_PREFIX}:counter`;
    expect(await cached(lua)).toBe(0);
    expect(await run(redis, [key], ['2'])).toBe(2);
    expect(await cached(lua)).toBe(1);
    expect(await run(redis, [key], ['3'])).toBe(5);
    await redis.del(key);
  });

  it('passes script errors through', async () => {
    const run = redisScript(
      `-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCR', KEYS[1], 'extra')`,
    );
    await expect(run(redis, [`${config.REDIS_PREFIX}:x`], [])).rejects.toThrow(/wrong number of arg/i);
  });
});
