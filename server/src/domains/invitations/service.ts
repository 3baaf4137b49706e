import { createHash, randomBytes } from 'node:crypto';
import {
  type AcceptInvitationBody,
  type AcceptInvitationResponse,
  type CreatedInvitation,
  type CreateInvitationBody,
  type Invitation,
  type InvitationListQuery,
  type InvitationPreview,
  inviteNotification,
  type PageOf,
} from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { idCursorFilter, oid, pageOf } from '../../db/pagination.js';
import { AppError, notFound } from '../../http/app-error.js';
import type { Queues } from '../../jobs/queues.js';
import { hashPassword } from '../auth/password.js';
import { type BranchDoc, toBranch } from '../org/docs.js';
import { fieldError } from '../org/helpers.js';
import type { OrgService } from '../org/service.js';
import { createUsersRepo, type UserDoc } from '../users/repo.js';
import { type InvitationDoc, invitationCollections, stateOf, toInvitation } from './repo.js';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const invalid = () => new AppError('INVITATION_INVALID');

export type InvitationsService = ReturnType<typeof createInvitationsService>;

/**
 * Invitations into a branch: single use (a unique insert into `invitation_acceptances` decides the one
 * winner), expiring after INVITATION_TTL_HOURS (checked at read time), revocable. No permissions here.
 */
export function createInvitationsService(ctx: AppContext, deps: { org: OrgService; queues: Queues }) {
  const c = invitationCollections(ctx.db);
  const users = createUsersRepo(ctx.db, ctx.now);
  const { org } = deps;

  async function byToken(token: string): Promise<InvitationDoc> {
    const doc = await c.invitations.findOne({ tokenHash: hashToken(token) });
    if (!doc) throw invalid();
    return doc;
  }

  async function stateNow(doc: InvitationDoc) {
    const [acceptance, revocation] = await Promise.all([
      c.acceptances.findOne({ _id: doc._id }),
      c.revocations.findOne({ _id: doc._id }, { projection: { _id: 1 } }),
    ]);
    return { acceptance, state: stateOf(doc, ctx.now(), acceptance, revocation !== null) };
  }

  /** Adds the membership an accepted invitation promises (idempotent: an existing one is kept). */
  async function join(doc: InvitationDoc, userId: ObjectId) {
    const branch = await org.tree.branchDoc(doc.branchId.toHexString());
    const groupStillThere =
      doc.groupId &&
      (await ctx.db.collection('groups').findOne({ _id: doc.groupId, branchId: doc.branchId }));
    const membership = await org.members.add(
      branch,
      {
        userId: userId.toHexString(),
        role: doc.role,
        status: doc.status,
        employer: doc.employer,
        industry: doc.industry,
        region: doc.region,
        groupId: groupStillThere ? doc.groupId!.toHexString() : null,
      },
      doc.invitedBy,
    );
    return { branch, membership };
  }

  /** Creating an account takes well under a minute; an unfinished claim older than this is abandoned. */
  const isStale = (at: Date) => ctx.now().getTime() - at.getTime() > 5 * 60_000;

  return {
    stateNow,

    async create(
      branch: BranchDoc,
      body: CreateInvitationBody,
      inviterId: string,
    ): Promise<CreatedInvitation> {
      if (body.groupId) {
        const g = await ctx.db
          .collection('groups')
          .findOne({ _id: new ObjectId(body.groupId), branchId: branch._id });
        if (!g) throw fieldError('body.groupId', 'is not a group of this branch');
      }
      let invitee: UserDoc | null = null;
      if (body.username) invitee = await users.findByLogin(body.username);
      if (!invitee && body.mobile) invitee = await users.findByLogin(body.mobile);
      if (invitee) {
        const m = await ctx.db
          .collection('memberships')
          .findOne({ branchId: branch._id, userId: invitee._id, active: true }, { projection: { _id: 1 } });
        if (m) throw new AppError('ALREADY_MEMBER');
      }
      const token = randomBytes(32).toString('base64url');
      const createdAt = ctx.now();
      const doc: InvitationDoc = {
        _id: new ObjectId(),
        tokenHash: hashToken(token),
        branchId: branch._id,
        committeeId: branch.committeeId,
        displayName: body.displayName,
        mobile: body.mobile ?? null,
        username: body.username ?? null,
        role: body.role ?? 'member',
        status: body.status ?? 'full',
        employer: body.employer ?? '',
        industry: body.industry ?? '',
        region: body.region ?? '',
        groupId: body.groupId ? new ObjectId(body.groupId) : null,
        invitedBy: new ObjectId(inviterId),
        inviteeUserId: invitee?._id ?? null,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + ctx.config.INVITATION_TTL_HOURS * 3_600_000),
      };
      await c.invitations.insertOne(doc);
      await deps.queues.enqueue(inviteNotification, {
        invitationId: doc._id.toHexString(),
        branchId: branch._id.toHexString(),
        branchName: branch.name,
        inviterId,
        inviteeUserId: doc.inviteeUserId ? doc.inviteeUserId.toHexString() : null,
        displayName: doc.displayName,
      });
      return { invitation: toInvitation(doc, 'pending', null), token, path: `/invite/${token}` };
    },

    async preview(token: string): Promise<InvitationPreview> {
      const doc = await byToken(token);
      const [{ state }, branch, inviter] = await Promise.all([
        stateNow(doc),
        ctx.db.collection<{ _id: ObjectId; name: string }>('branches').findOne({ _id: doc.branchId }),
        users.findById(doc.invitedBy),
      ]);
      return {
        branchId: doc.branchId.toHexString(),
        branchName: branch?.name ?? '',
        inviterName: inviter?.displayName ?? '',
        displayName: doc.displayName,
        username: doc.username,
        expiresAt: doc.expiresAt.toISOString(),
        expired: state === 'expired',
        state,
      };
    },

    /**
     * Accepts an invitation: as the signed-in user (`actorId`), or by creating an account from
     * `username` + `password`. The acceptance insert is the single-use arbiter; if creating the account
     * fails afterwards, the acceptance is withdrawn so that the invitation can still be used.
     */
    async accept(
      token: string,
      body: AcceptInvitationBody,
      actorId: string | null,
    ): Promise<AcceptInvitationResponse> {
      return this.acceptDoc(await byToken(token), body, actorId);
    },

    /** `accept` once the invitation is known (by its token, or by id for the signed-in invitee). */
    async acceptDoc(
      doc: InvitationDoc,
      body: AcceptInvitationBody,
      actorId: string | null,
    ): Promise<AcceptInvitationResponse> {
      const { state, acceptance } = await stateNow(doc);
      if (
        state === 'accepted' &&
        acceptance?.userId &&
        actorId &&
        acceptance.userId.toHexString() === actorId
      ) {
        // The same person again after an interrupted accept: finish the membership it promised.
        const done = await join(doc, acceptance.userId).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'ALREADY_MEMBER') throw invalid();
          throw error;
        });
        return {
          userId: actorId,
          membership: done.membership,
          branch: toBranch(done.branch),
          createdAccount: false,
        };
      }
      if (state === 'accepted' && acceptance && acceptance.userId === null && isStale(acceptance.at)) {
        // An accept that died between claiming the invitation and creating the account: release it.
        await c.acceptances.deleteOne({ _id: doc._id, userId: null, at: acceptance.at });
        return this.acceptDoc(doc, body, actorId);
      }
      if (state !== 'pending') throw invalid();

      let actor: UserDoc | null = null;
      let newAccount: { username: string; passwordHash: string; displayName: string } | null = null;
      if (actorId) {
        actor = await users.findById(actorId);
        if (!actor || actor.disabled) throw new AppError('UNAUTHENTICATED');
        const m = await ctx.db
          .collection('memberships')
          .findOne({ branchId: doc.branchId, userId: actor._id, active: true }, { projection: { _id: 1 } });
        if (m) throw new AppError('ALREADY_MEMBER');
      } else {
        const username = body.username ?? doc.username;
        if (!username) throw fieldError('body.username', 'is required');
        if (!body.password) throw fieldError('body.password', 'is required');
        if (await users.findByLogin(username)) throw new AppError('USERNAME_TAKEN');
        newAccount = {
          username,
          passwordHash: await hashPassword(body.password),
          displayName: body.displayName ?? doc.displayName,
        };
      }

      try {
        await c.acceptances.insertOne({
          _id: doc._id,
          branchId: doc.branchId,
          userId: actor?._id ?? null,
          at: ctx.now(),
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw invalid();
        throw error;
      }

      let userId: ObjectId;
      if (actor) {
        userId = actor._id;
      } else {
        try {
          const created = await users.create({
            ...newAccount!,
            // The mobile belongs to the new account unless it already identifies another one.
            mobile: doc.mobile && !doc.inviteeUserId ? doc.mobile : null,
            role: 'user',
          });
          userId = created._id;
        } catch (error) {
          await c.acceptances.deleteOne({ _id: doc._id, userId: null });
          throw error;
        }
        await c.acceptances.updateOne({ _id: doc._id }, { $set: { userId } });
      }

      try {
        const { branch, membership } = await join(doc, userId);
        if (actor?.role === 'resident') {
          // A resident who joins a branch becomes a regular account; only this request writes the role.
          await users.users.updateOne({ _id: actor._id, role: 'resident' }, { $set: { role: 'user' } });
        }
        return { userId: userId.toHexString(), membership, branch: toBranch(branch), createdAccount: !actor };
      } catch (error) {
        if (actor && error instanceof AppError && error.code === 'ALREADY_MEMBER') {
          await c.acceptances.deleteOne({ _id: doc._id, userId: actor._id });
        }
        throw error;
      }
    },

    async list(branchId: string, q: InvitationListQuery): Promise<PageOf<Invitation>> {
      const bid = oid(branchId);
      const [accepted, revoked] = await Promise.all([
        c.acceptances.find({ branchId: bid }, { projection: { _id: 1, userId: 1 } }).toArray(),
        c.revocations.find({ branchId: bid }, { projection: { _id: 1 } }).toArray(),
      ]);
      const acceptedBy = new Map(accepted.map((a) => [a._id.toHexString(), a.userId]));
      const revokedIds = new Set(revoked.map((r) => r._id.toHexString()));
      const closed = [...accepted.map((a) => a._id), ...revoked.map((r) => r._id)];
      const filter: Filter<InvitationDoc> = { branchId: bid };
      const now = ctx.now();
      if (q.state === 'accepted') filter._id = { $in: accepted.map((a) => a._id) };
      if (q.state === 'revoked') {
        filter._id = { $in: revoked.map((r) => r._id).filter((id) => !acceptedBy.has(id.toHexString())) };
      }
      if (q.state === 'pending') Object.assign(filter, { _id: { $nin: closed }, expiresAt: { $gt: now } });
      if (q.state === 'expired') Object.assign(filter, { _id: { $nin: closed }, expiresAt: { $lte: now } });
      const docs = await c.invitations
        .find({ $and: [filter, idCursorFilter(q.cursor)] })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      const total = await c.invitations.countDocuments(filter);
      return {
        ...pageOf(docs, q.limit, (d) => {
          const key = d._id.toHexString();
          const state = stateOf(
            d,
            now,
            acceptedBy.has(key) ? { _id: d._id, branchId: bid, userId: null, at: now } : null,
            revokedIds.has(key),
          );
          return toInvitation(d, state, acceptedBy.get(key) ?? null);
        }),
        total,
      };
    },

    async revoke(branch: BranchDoc, invitationId: string, by: string): Promise<Invitation> {
      const doc = await c.invitations.findOne({ _id: oid(invitationId), branchId: branch._id });
      if (!doc) throw notFound('No such invitation');
      const { acceptance } = await stateNow(doc);
      if (acceptance) throw new AppError('INVALID_STATE', 'The invitation was already accepted');
      try {
        await c.revocations.insertOne({
          _id: doc._id,
          branchId: branch._id,
          by: new ObjectId(by),
          at: ctx.now(),
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // revoking twice has one effect
      }
      // An accept may have won the race just before the revocation: report what is true now.
      const after = await stateNow(doc);
      return toInvitation(doc, after.state, after.acceptance?.userId ?? null);
    },
  };
}
