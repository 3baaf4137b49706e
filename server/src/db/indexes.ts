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
  // ----- org (committees, branches, groups, memberships, departments, lawyers, grids) -----
  committees: [{ key: { name: 1 } }],
  /** `_id` "<committeeId>:<userId>". */
  committee_admins: [{ key: { userId: 1 } }, { key: { committeeId: 1 } }],
  branches: [{ key: { committeeId: 1, _id: 1 } }, { key: { industries: 1 } }, { key: { regions: 1 } }],
  groups: [{ key: { branchId: 1, _id: 1 } }],
  memberships: [
    { key: { branchId: 1, userId: 1 }, unique: true },
    { key: { userId: 1, active: 1 } },
    { key: { branchId: 1, active: 1, _id: 1 } },
    { key: { groupId: 1 } },
  ],
  /** Append-only membership history; `_id` "<membershipId>:<version>" arbitrates concurrent changes. */
  membership_changes: [{ key: { membershipId: 1, version: 1 } }],
  departments: [{ key: { headUserId: 1 } }],
  /** `_id` "<departmentId>:<userId>". */
  department_staff: [{ key: { departmentId: 1 } }, { key: { userId: 1 } }],
  /** `_id` = the lawyer's user id. */
  lawyers: [{ key: { available: 1 } }, { key: { specialties: 1 } }],
  grids: [{ key: { committeeId: 1, _id: 1 } }, { key: { leaderId: 1 } }],
  /** `_id` "<gridId>:<userId>". */
  grid_workers: [{ key: { gridId: 1 } }, { key: { userId: 1 } }],
  // ----- invitations -----
  invitations: [{ key: { tokenHash: 1 }, unique: true }, { key: { branchId: 1, _id: 1 } }],
  /** `_id` = invitation id: the one insert that wins is the one acceptance (single use). */
  invitation_acceptances: [{ key: { branchId: 1 } }],
  /** `_id` = invitation id. */
  invitation_revocations: [{ key: { branchId: 1 } }],
  // ----- notifications (deterministic `_id`: creating one twice has one effect) -----
  notifications: [{ key: { userId: 1, createdAt: -1, _id: -1 } }, { key: { userId: 1, readAt: 1 } }],
  // ----- grid issues: append-only log, cached projection, exactly-once escalation audit -----
  /** Unique (issueId, version): the writer that inserts version v+1 wins. */
  grid_issue_events: [
    { key: { issueId: 1, version: 1 }, unique: true },
    { key: { type: 1, at: 1 } },
    { key: { at: 1 } },
  ],
  /** Projection of the log (`_id` = issue id), rewritten after each event; lists filter on it. */
  grid_issues: [
    { key: { reporterId: 1, _id: -1 } },
    { key: { departmentIds: 1, _id: -1 } },
    { key: { targetLawyerId: 1, open: 1 } },
    { key: { status: 1, _id: -1 } },
    { key: { gridId: 1, _id: -1 } },
    { key: { open: 1, nextEscalationAt: 1 } },
    { key: { category: 1, open: 1 } },
  ],
  /** `_id` = "<issueId>:<cycle>.<deadline>.<step>": each escalation step is recorded once. */
  grid_escalations: [{ key: { issueId: 1 } }],
  grid_routing_rules: [{ key: { priority: 1 } }],
  /** `_id` = "fallback". */
  grid_routing_settings: [],
  /** `_id` = grid id: centre and radius for deriving a report's grid from its location. */
  grid_geo: [],
  /** `_id` = issue id: a legal question is published once. */
  grid_qa: [{ key: { gridId: 1, _id: -1 } }],
};
