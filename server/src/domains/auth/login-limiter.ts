import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { AppError } from '../../http/app-error.js';

/**
 * Counts failed sign-ins per account and per IP in Redis (INCR is atomic across processes). Past the
 * limit, sign-in is refused for LOGIN_LOCK_SECONDS whether or not the account exists.
 */
export function createLoginLimiter(redis: Redis, config: Config) {
  const prefix = `${config.REDIS_PREFIX}:login`;
  const accountKey = (login: string) => `${prefix}:acct:${login.toLowerCase()}`;
  const ipKey = (ip: string) => `${prefix}:ip:${ip}`;

  return {
    async check(login: string, ip: string): Promise<void> {
      const [account, address] = await redis.mget(accountKey(login), ipKey(ip));
      if (
        Number(account ?? 0) >= config.LOGIN_MAX_FAILURES_PER_ACCOUNT ||
        Number(address ?? 0) >= config.LOGIN_MAX_FAILURES_PER_IP
      ) {
        throw new AppError('LOGIN_LOCKED');
      }
    },
    async failed(login: string, ip: string): Promise<void> {
      await redis
        .multi()
        .incr(accountKey(login))
        .expire(accountKey(login), config.LOGIN_LOCK_SECONDS)
        .incr(ipKey(ip))
        .expire(ipKey(ip), config.LOGIN_LOCK_SECONDS)
        .exec();
    },
    async succeeded(login: string): Promise<void> {
      await redis.del(accountKey(login));
    },
  };
}
