import { ChannelLimits } from '@zhibu/shared';
import type { Redis } from 'ioredis';
import type { ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';
import type { UserAccess } from './access.js';
import type { ChannelDoc } from './model.js';

/** Sending rate, slow mode and mutes. Counters live in Redis so every process sees the same budget. */
export function createSendLimits(redis: Redis, prefix: string, now: () => Date) {
  return {
    /** `access` carries the user's mutes (loaded with their access, dropped when a moderator mutes). */
    async check(channel: ChannelDoc, userId: ObjectId, exempt: boolean, access: UserAccess): Promise<void> {
      const until = access.mutedUntil.get(channel._id.toHexString());
      if (until && until.getTime() > now().getTime()) throw new AppError('CHANNEL_MUTED');

      const window = Math.floor(now().getTime() / 1000 / ChannelLimits.sendRateWindowSeconds);
      const rateKey = `${prefix}:rate:send:${userId.toHexString()}:${window}`;
      const [[, count]] = (await redis
        .multi()
        .incr(rateKey)
        .expire(rateKey, ChannelLimits.sendRateWindowSeconds * 2)
        .exec()) as [[Error | null, number]];
      if (count > ChannelLimits.sendRatePerWindow) throw new AppError('SEND_RATE_LIMITED');

      if (channel.slowModeSeconds > 0 && !exempt) {
        const slowKey = `${prefix}:slow:${channel._id.toHexString()}:${userId.toHexString()}`;
        const ok = await redis.set(slowKey, '1', 'EX', channel.slowModeSeconds, 'NX');
        if (ok === null) throw new AppError('SLOW_MODE');
      }
    },
  };
}
