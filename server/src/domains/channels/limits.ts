import { ChannelLimits } from '@zhibu/shared';
import type { Redis } from 'ioredis';
import type { ObjectId } from 'mongodb';
import { redisScript } from '../../db/redis-script.js';
import { AppError } from '../../http/app-error.js';
import type { UserAccess } from './access.js';
import type { ChannelDoc } from './model.js';

/**
 * The admission of one send, in one Redis round trip:
 *   KEYS: client-id claim, rate counter, slow-mode key, then counters to take a value of (optional);
 *   ARGV: claim owner, claim TTL, mode, rate TTL, rate maximum, slow-mode seconds (0: none).
 * Modes: "check" only tells whether the client id is claimed (a send refused for another reason counts
 * nothing); "claim" claims it, then counts the rate and slow mode; "count" counts without claiming.
 * Returns {-1} claimed by an earlier send, {-2} rate limited, {-3} slow mode, else {0, values…}: once
 * admitted, the next value of each counter — only when all of them exist (a missing one must be seeded
 * from the database first, so then none is taken). A refused send gives its claim back in the same
 * script, so a corrected re-send is not taken for a duplicate.
 */
const ADMIT = `if ARGV[3] == 'check' then
  if redis.call('EXISTS', KEYS[1]) == 1 then return {-1} end
  return {0}
end
local claimed = false
if ARGV[3] == 'claim' then
  if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return {-1} end
  claimed = true
end
local n = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
if n > tonumber(ARGV[5]) then
  if claimed then redis.call('DEL', KEYS[1]) end
  return {-2}
end
if tonumber(ARGV[6]) > 0 and not redis.call('SET', KEYS[3], '1', 'EX', ARGV[6], 'NX') then
  if claimed then redis.call('DEL', KEYS[1]) end
  return {-3}
end
local out = {0}
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then return out end
end
for i = 4, #KEYS do out[#out + 1] = redis.call('INCR', KEYS[i]) end
return out`;
const admit = redisScript(ADMIT);

const CLAIM_TTL_SECONDS = 86_400;

export type AdmitMode = 'check' | 'claim' | 'count';

/** Sending rate, slow mode and mutes. Counters live in Redis so every process sees the same budget. */
export function createSendLimits(redis: Redis, prefix: string, now: () => Date) {
  return {
    /** The claim key of a client id: the first send of it holds the claim while it is being stored. */
    claimKey: (channelId: ObjectId, clientId: string) =>
      `${prefix}:cid:${channelId.toHexString()}:${clientId}`,

    /** `access` carries the user's mutes (loaded with their access, dropped when a moderator mutes). */
    muted(channel: ChannelDoc, access: UserAccess): AppError | null {
      const until = access.mutedUntil.get(channel._id.toHexString());
      return until && until.getTime() > now().getTime() ? new AppError('CHANNEL_MUTED') : null;
    },

    /**
     * Claims the client id (mode "claim") and counts the sending rate and slow mode (`exempt`: moderators
     * skip slow mode). "duplicate" when the client id is claimed already: nothing was counted. Once
     * admitted, `taken` holds the next value of each of `counterKeys` (full Redis keys), or is null when
     * one of them was missing (none was taken then).
     */
    async admit(
      mode: AdmitMode,
      claim: string,
      channel: ChannelDoc,
      userId: ObjectId,
      exempt: boolean,
      counterKeys: string[] = [],
    ): Promise<{ verdict: 'admitted'; taken: number[] | null } | { verdict: 'duplicate' }> {
      const window = Math.floor(now().getTime() / 1000 / ChannelLimits.sendRateWindowSeconds);
      const rateKey = `${prefix}:rate:send:${userId.toHexString()}:${window}`;
      const slowKey = `${prefix}:slow:${channel._id.toHexString()}:${userId.toHexString()}`;
      const slow = channel.slowModeSeconds > 0 && !exempt ? channel.slowModeSeconds : 0;
      const reply = (await admit(
        redis,
        [claim, rateKey, slowKey, ...counterKeys],
        [
          userId.toHexString(),
          String(CLAIM_TTL_SECONDS),
          mode,
          String(ChannelLimits.sendRateWindowSeconds * 2),
          String(ChannelLimits.sendRatePerWindow),
          String(slow),
        ],
      )) as number[];
      const verdict = Number(reply[0]);
      if (verdict === -1) return { verdict: 'duplicate' };
      if (verdict === -2) throw new AppError('SEND_RATE_LIMITED');
      if (verdict === -3) throw new AppError('SLOW_MODE');
      const taken = reply.slice(1).map(Number);
      return {
        verdict: 'admitted',
        taken: counterKeys.length > 0 && taken.length === counterKeys.length ? taken : null,
      };
    },
  };
}
