import type { AcceptInvitationResponse, MyInvitation } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { oid } from '../../db/pagination.js';
import { AppError, notFound } from '../../http/app-error.js';
import { createUsersRepo } from '../users/repo.js';
import { invitationCollections } from './repo.js';
import type { InvitationsService } from './service.js';

/** At most this many pending invitations are listed for one person (there are rarely more than one). */
const MAX_LISTED = 50;

/**
 * Invitations seen from the invitee's side, for a person who already has an account. Such a person never
 * receives the raw token (only its hash is stored), so the app lists their pending invitations and accepts
 * one by id.
 *
 * "Addressed to me" means the invitation's `inviteeUserId`: the account the inviter named by username or
 * mobile, resolved when the invitation was created. An account registered *after* the invitation with the
 * same username or mobile does not match: registration verifies neither, so matching on them would let
 * anyone claim an invitation by registering the name first. Such a person uses the invitation link.
 */
export function createMyInvitations(ctx: AppContext, invitations: InvitationsService) {
  const c = invitationCollections(ctx.db);
  const users = createUsersRepo(ctx.db, ctx.now);
  const memberships = ctx.db.collection<{ branchId: ObjectId; userId: ObjectId; active: boolean }>(
    'memberships',
  );
  const isMember = async (branchId: ObjectId, userId: ObjectId) =>
    (await memberships.findOne({ branchId, userId, active: true }, { projection: { _id: 1 } })) !== null;

  return {
    /** Pending invitations addressed to the user, newest first, leaving out branches they already belong to. */
    async list(userId: string): Promise<MyInvitation[]> {
      const me = new ObjectId(userId);
      const now = ctx.now();
      const docs = await c.invitations
        .find({ inviteeUserId: me, expiresAt: { $gt: now } })
        .sort({ _id: -1 })
        .limit(MAX_LISTED * 2)
        .toArray();
      if (docs.length === 0) return [];
      const ids = docs.map((d) => d._id);
      const [accepted, revoked, mine] = await Promise.all([
        c.acceptances.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray(),
        c.revocations.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray(),
        memberships.distinct('branchId', {
          userId: me,
          active: true,
          branchId: { $in: docs.map((d) => d.branchId) },
        }),
      ]);
      const closed = new Set([...accepted, ...revoked].map((x) => x._id.toHexString()));
      const memberOf = new Set(mine.map((b: ObjectId) => b.toHexString()));
      const open = docs
        .filter((d) => !closed.has(d._id.toHexString()) && !memberOf.has(d.branchId.toHexString()))
        .slice(0, MAX_LISTED);
      const [branches, inviters] = await Promise.all([
        ctx.db
          .collection<{ _id: ObjectId; name: string }>('branches')
          .find({ _id: { $in: open.map((d) => d.branchId) } }, { projection: { name: 1 } })
          .toArray(),
        users.findByIds([...new Map(open.map((d) => [d.invitedBy.toHexString(), d.invitedBy])).values()]),
      ]);
      const branchName = new Map(branches.map((b) => [b._id.toHexString(), b.name]));
      const inviterName = new Map(inviters.map((u) => [u._id.toHexString(), u.displayName]));
      return open.map((d) => ({
        id: d._id.toHexString(),
        branchId: d.branchId.toHexString(),
        branchName: branchName.get(d.branchId.toHexString()) ?? '',
        inviterName: inviterName.get(d.invitedBy.toHexString()) ?? '',
        displayName: d.displayName,
        role: d.role,
        status: d.status,
        createdAt: d.createdAt.toISOString(),
        expiresAt: d.expiresAt.toISOString(),
      }));
    },

    /**
     * Accepts an invitation addressed to the user. Not theirs: FORBIDDEN (403). Already accepted (by them,
     * membership in place): INVITATION_ALREADY_ACCEPTED (409) — not idempotent, so that a second click
     * says what happened instead of pretending to join again. Revoked or expired: INVITATION_INVALID (410).
     * An accept of theirs that was interrupted before the membership was written is finished instead.
     */
    async accept(userId: string, invitationId: string): Promise<AcceptInvitationResponse> {
      const doc = await c.invitations.findOne({ _id: oid(invitationId) });
      if (!doc) throw notFound('No such invitation');
      const me = new ObjectId(userId);
      if (!doc.inviteeUserId?.equals(me)) throw new AppError('FORBIDDEN', 'This invitation is not yours');
      const alreadyAccepted = async () => {
        const { state, acceptance } = await invitations.stateNow(doc);
        return (
          state === 'accepted' && (!acceptance?.userId?.equals(me) || (await isMember(doc.branchId, me)))
        );
      };
      if (await alreadyAccepted()) throw new AppError('INVITATION_ALREADY_ACCEPTED');
      try {
        return await invitations.acceptDoc(doc, {}, userId);
      } catch (error) {
        // A concurrent accept (a second tab, a double click) won the single-use insert.
        if (
          error instanceof AppError &&
          error.code === 'INVITATION_INVALID' &&
          (await invitations.stateNow(doc)).state === 'accepted'
        )
          throw new AppError('INVITATION_ALREADY_ACCEPTED');
        throw error;
      }
    },
  };
}
