import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';

/**
 * A deterministic ObjectId for a natural key ("branch:<id>", "dm:<a>:<b>"): creating the same channel
 * twice, from any process, inserts the same `_id`, and the unique `_id` makes the second a no-op.
 */
export function idForKey(key: string): ObjectId {
  return new ObjectId(createHash('sha256').update(`zhibu-channel:${key}`).digest().subarray(0, 12));
}

export const oid = (hex: string): ObjectId => new ObjectId(hex);
export const hex = (id: ObjectId): string => id.toHexString();
export const isHexId = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{24}$/.test(s);
