import type { Redis } from 'ioredis';
import { redisScript } from '../../db/redis-script.js';
import type { IssueState } from './projection.js';

/** Set only when newer than what is there (atomic in Redis, unlike a filtered update on FerretDB). */
const SET_IF_NEWER = `
local cur = redis.call('HGET', KEYS[1], 'v')
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`;

const setIfNewer = redisScript(SET_IF_NEWER);

/** A cached state stays this long after its last write: issues being worked on stay warm. */
const TTL_S = 2 * 86_400;

/**
 * The latest issue state in Redis, next to the `grid_issues` projection: on FerretDB 1.24 even an `_id`
 * lookup is a sequential scan of the table (a JSON containment filter no index serves), so the hot path
 * (routing, deadlines) reads the state here in O(1). Like the projection it is only a cache: written after
 * the event, never newer than the log, and `apply` writes on top of it only through the unique
 * (issueId, version) index, so a stale or missing entry costs a retry or a database read, never a wrong event.
 */
export function createStateCache(redis: Redis, redisPrefix: string) {
  const key = (issueId: string) => `${redisPrefix}:grid:state:${issueId}`;
  return {
    async get(issueId: string): Promise<IssueState | null> {
      const raw = await redis.hget(key(issueId), 's');
      if (!raw) return null;
      const state = JSON.parse(raw) as IssueState;
      return state.id === issueId && Number.isInteger(state.version) ? state : null;
    },
    async put(state: IssueState): Promise<void> {
      await setIfNewer(redis, [key(state.id)], [String(state.version), JSON.stringify(state), String(TTL_S)]);
    },
  };
}
