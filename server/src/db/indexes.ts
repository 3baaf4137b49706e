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
  invitations: [
    { key: { tokenHash: 1 }, unique: true },
    { key: { branchId: 1, _id: 1 } },
    { key: { inviteeUserId: 1, _id: -1 } },
  ],
  /** `_id` = invitation id: the one insert that wins is the one acceptance (single use). */
  invitation_acceptances: [{ key: { branchId: 1 } }],
  /** `_id` = invitation id. */
  invitation_revocations: [{ key: { branchId: 1 } }],
  // ----- notifications (deterministic `_id`: creating one twice has one effect) -----
  notifications: [{ key: { userId: 1, createdAt: -1, _id: -1 } }, { key: { userId: 1, read: 1 } }],
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
  /** `_id` = grid id: a polygon, or a centre and radius, for deriving a report's grid from its location. */
  grid_geo: [],
  /** Report and verification photos (files in the `grid_files` GridFS bucket); written once by the uploader. */
  grid_photos: [{ key: { uploaderId: 1 } }, { key: { used: 1, createdAt: 1 } }],
  /** `_id` = photo id: the unique `_id` decides which issue gets a photo; `issueId` set by that claimant. */
  grid_photo_uses: [{ key: { issueId: 1 } }, { key: { settled: 1, at: 1 } }],
  grid_report_keys: [{ key: { at: 1 } }],
  /** `_id` = "digest_<day>_<userId>": a daily digest e-mail, recorded once it is sent. */
  digest_emails: [],
  /** `_id` = issue id: a legal question is published once. */
  grid_qa: [{ key: { gridId: 1, _id: -1 } }],
  // ----- channels and messages (issue 3): sets are documents with unique keys, counters in Redis -----
  /** Natural channels (branch, announcement, group, DM) have a deterministic `_id` from their key. */
  channels: [
    { key: { branchId: 1, kind: 1 } },
    { key: { groupId: 1 } },
    { key: { branchIds: 1 } },
    { key: { committeeId: 1 } },
  ],
  /** `_id` = "<channelId>:<userId>": invited people of topic channels, people of DMs. */
  channel_members: [{ key: { userId: 1 } }, { key: { channelId: 1 } }],
  /** slot = "s:<seq>" or "r:<rootId>:<replySeq>": unique per channel (sequence safety net). */
  messages: [
    { key: { channelId: 1, slot: 1 }, unique: true },
    { key: { channelId: 1, clientId: 1 }, unique: true },
    { key: { channelId: 1, seq: 1 } },
    /** A message is its channel's message.created event: catch-up reads it by eventSeq. */
    { key: { channelId: 1, eventSeq: 1 } },
    /** The author's last message marks the channel read up to it (read-state.ts). */
    { key: { channelId: 1, authorId: 1, seq: 1 } },
    { key: { threadRootId: 1, replySeq: 1 } },
    { key: { grams: 1 } },
    { key: { createdAt: -1 } },
  ],
  /** `_id` = "<channelId>:<eventSeq>": the append-only log catch-up replays. */
  channel_events: [{ key: { channelId: 1, eventSeq: 1 }, unique: true }, { key: { messageId: 1 } }],
  /** `_id` = "<messageId>:<version>". */
  message_edits: [{ key: { messageId: 1, version: 1 } }],
  /** `_id` = "<messageId>:<userId>:<emoji>". */
  message_reactions: [{ key: { messageId: 1 } }],
  /** `_id` = "<channelId>:<messageId>". */
  channel_pins: [{ key: { channelId: 1, pinnedAt: -1 } }],
  /** `_id` = "<rootId>:<userId>". */
  thread_follows: [{ key: { rootId: 1, following: 1 } }],
  /** `_id` = "<channelId>:<userId>"; written only by its owner, monotonic with $max. */
  channel_reads: [{ key: { userId: 1 } }],
  /** `_id` = "<messageId>:<userId|*>". */
  mentions: [{ key: { channelId: 1, userId: 1, seq: 1 } }],
  message_reports: [
    { key: { messageId: 1, reporterId: 1 }, unique: true },
    { key: { channelId: 1, status: 1, createdAt: -1 } },
  ],
  /** `_id` = "<channelId>:<userId>". */
  channel_mutes: [],
  moderation_log: [{ key: { channelId: 1, at: -1 } }],
  chat_attachments: [{ key: { channelId: 1 } }, { key: { messageId: 1 } }],
  // ----- co-edited documents (Yjs) -----
  documents: [{ key: { branchId: 1, _id: -1 } }, { key: { committeeId: 1, _id: -1 } }],
  /** Lifecycle log; the writer of version v+1 wins. */
  document_events: [{ key: { docId: 1, version: 1 }, unique: true }],
  /** Stored Yjs updates; clock 0 is the template (one per document), the rest from a Redis counter. */
  doc_updates: [{ key: { docId: 1, clock: 1 }, unique: true }],
  /** `_id` = document id: plain text for search and the archive list. */
  document_texts: [],
  /** Named versions (ObjectId hex `_id`) and automatic ones (`auto:<docId>:<period>`). */
  document_versions: [{ key: { docId: 1, createdAt: -1 } }],
};
