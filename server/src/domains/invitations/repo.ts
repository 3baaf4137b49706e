import type { BranchRole, Invitation, InvitationState, MemberStatus } from '@zhibu/shared';
import type { Collection, Db, ObjectId } from 'mongodb';

/** An invitation. Only the SHA-256 of its token is stored; the token itself is shown once. */
export interface InvitationDoc {
  _id: ObjectId;
  tokenHash: string;
  branchId: ObjectId;
  committeeId: ObjectId;
  displayName: string;
  mobile: string | null;
  username: string | null;
  role: BranchRole;
  status: MemberStatus;
  employer: string;
  industry: string;
  region: string;
  groupId: ObjectId | null;
  invitedBy: ObjectId;
  /** The existing account this invitation is addressed to (by username or mobile), if any. */
  inviteeUserId: ObjectId | null;
  createdAt: Date;
  expiresAt: Date;
}

/** `_id` = invitation id: a unique insert, so of two concurrent accepts exactly one wins. */
export interface AcceptanceDoc {
  _id: ObjectId;
  branchId: ObjectId;
  /** Set once the account exists (the accepting request is the only writer of this document). */
  userId: ObjectId | null;
  at: Date;
}

/** `_id` = invitation id. */
export interface RevocationDoc {
  _id: ObjectId;
  branchId: ObjectId;
  by: ObjectId;
  at: Date;
}

export function invitationCollections(db: Db) {
  return {
    invitations: db.collection<InvitationDoc>('invitations') as Collection<InvitationDoc>,
    acceptances: db.collection<AcceptanceDoc>('invitation_acceptances') as Collection<AcceptanceDoc>,
    revocations: db.collection<RevocationDoc>('invitation_revocations') as Collection<RevocationDoc>,
  };
}

export function stateOf(
  doc: InvitationDoc,
  now: Date,
  acceptance: AcceptanceDoc | null | undefined,
  revoked: boolean,
): InvitationState {
  if (acceptance) return 'accepted';
  if (revoked) return 'revoked';
  if (doc.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

export const toInvitation = (
  d: InvitationDoc,
  state: InvitationState,
  acceptedBy: ObjectId | null,
): Invitation => ({
  id: d._id.toHexString(),
  branchId: d.branchId.toHexString(),
  committeeId: d.committeeId.toHexString(),
  displayName: d.displayName,
  mobile: d.mobile,
  username: d.username,
  role: d.role,
  status: d.status,
  employer: d.employer,
  industry: d.industry,
  region: d.region,
  groupId: d.groupId ? d.groupId.toHexString() : null,
  invitedBy: d.invitedBy.toHexString(),
  createdAt: d.createdAt.toISOString(),
  expiresAt: d.expiresAt.toISOString(),
  state,
  acceptedBy: acceptedBy ? acceptedBy.toHexString() : null,
});
