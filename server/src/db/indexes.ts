import type { IndexDescription } from 'mongodb';

/**
 * Every collection and its indexes, in one place. Only what MongoDB 7 and FerretDB 1.24 both support:
 * no TTL (expiry is checked at read time or by a clean-up job), no partial or text indexes.
 * Unique indexes are how concurrent writers are arbitrated (see README, "Storage rules").
 */
export const collectionIndexes: Record<string, IndexDescription[]> = {
  users: [{ key: { role: 1 } }, { key: { createdAt: -1 } }],
  /** username / mobile uniqueness: `_id` is "username:<lowercase>" or "mobile:<number>". */
  user_handles: [{ key: { userId: 1 } }],
  refresh_tokens: [{ key: { familyId: 1 } }, { key: { userId: 1 } }],
  /** One document per used refresh token (`_id` = token id): the first use wins, a second is reuse. */
  refresh_rotations: [],
  /** One document per revoked token family (`_id` = family id). */
  refresh_revocations: [],
};
