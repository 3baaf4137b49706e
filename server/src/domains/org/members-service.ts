import type {
  AddMemberBody,
  MemberListQuery,
  Membership,
  MyMembership,
  PageOf,
  UpdateMemberBody,
} from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { idCursorFilter, oid, pageOf } from '../../db/pagination.js';
import { AppError, notFound } from '../../http/app-error.js';
import { type BranchDoc, type MembershipDoc, orgCollections, toMembership } from './docs.js';
import { publishOrgEvent } from './events.js';
import { displayNames, fieldError, nameOf, requireUser } from './helpers.js';

type State = Omit<MembershipDoc, '_id' | 'version'>;
const stateOf = ({ _id, version, ...state }: MembershipDoc): State => state;

/**
 * Memberships. A membership document changes only through its append-only log `membership_changes`:
 * the writer that inserts version v+1 (unique `_id`) wins and then projects the new state; a loser
 * re-reads and retries. So two managers editing one member at once never lose an update on FerretDB.
 */
export function createMembersService(ctx: AppContext) {
  const c = orgCollections(ctx.db);

  /** The winner of a version may have died before projecting it: apply the logged state (idempotent). */
  async function repair(current: MembershipDoc): Promise<void> {
    const logged = await c.membershipChanges.findOne({
      _id: `${current._id.toHexString()}:${current.version + 1}`,
    });
    if (logged) {
      await c.memberships.updateOne(
        { _id: current._id, version: current.version },
        { $set: { ...logged.state, version: logged.version } },
      );
    }
  }

  async function change(
    id: ObjectId,
    by: ObjectId | null,
    decide: (current: MembershipDoc) => Partial<State>,
  ): Promise<{ before: MembershipDoc; after: MembershipDoc }> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await c.memberships.findOne({ _id: id });
      if (!current) throw notFound('No such membership');
      const state: State = { ...stateOf(current), ...decide(current) };
      const version = current.version + 1;
      try {
        await c.membershipChanges.insertOne({
          _id: `${id.toHexString()}:${version}`,
          membershipId: id,
          version,
          at: ctx.now(),
          by,
          state,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        await new Promise((r) => setTimeout(r, 5 * (attempt + 1)));
        await repair(current);
        continue;
      }
      await c.memberships.updateOne({ _id: id, version: current.version }, { $set: { ...state, version } });
      return { before: current, after: { _id: id, version, ...state } };
    }
    throw new AppError('CONFLICT', 'The membership is being changed by someone else; try again');
  }

  async function checkGroup(branch: BranchDoc, groupId: string | null | undefined) {
    if (!groupId) return null;
    const g = await c.groups.findOne(
      { _id: new ObjectId(groupId), branchId: branch._id },
      { projection: { _id: 1 } },
    );
    if (!g) throw fieldError('body.groupId', 'is not a group of this branch');
    return g._id;
  }

  async function withName(doc: MembershipDoc): Promise<Membership> {
    const names = await displayNames(ctx.db, [doc.userId]);
    return toMembership(doc, nameOf(names, doc.userId));
  }

  async function memberDoc(branchId: string, userId: string): Promise<MembershipDoc> {
    const doc = await c.memberships.findOne({ branchId: oid(branchId), userId: oid(userId) });
    if (!doc) throw notFound('No such member');
    return doc;
  }

  return {
    /** Adds a user to a branch, or re-activates a former member. Publishes `membership.started`. */
    async add(branch: BranchDoc, body: AddMemberBody, by: ObjectId | null): Promise<Membership> {
      const userId = await requireUser(ctx.db, body.userId, 'body.userId');
      const groupId = await checkGroup(branch, body.groupId);
      const fresh: State = {
        userId,
        branchId: branch._id,
        committeeId: branch.committeeId,
        groupId,
        role: body.role ?? 'member',
        status: body.status ?? 'full',
        employer: body.employer ?? '',
        industry: body.industry ?? '',
        region: body.region ?? '',
        active: true,
        joinedAt: ctx.now(),
        endedAt: null,
      };
      let doc: MembershipDoc;
      const existing = await c.memberships.findOne({ branchId: branch._id, userId });
      if (existing) {
        const { after } = await change(existing._id, by, (current) => {
          if (current.active) throw new AppError('ALREADY_MEMBER');
          return fresh;
        });
        doc = after;
      } else {
        doc = { _id: new ObjectId(), version: 1, ...fresh };
        try {
          await c.memberships.insertOne(doc);
        } catch (error) {
          // (branchId, userId) is unique: of two concurrent adds exactly one inserts.
          if (isDuplicateKey(error)) throw new AppError('ALREADY_MEMBER');
          throw error;
        }
        await c.membershipChanges
          .insertOne({
            _id: `${doc._id.toHexString()}:1`,
            membershipId: doc._id,
            version: 1,
            at: ctx.now(),
            by,
            state: fresh,
          })
          .catch((error: unknown) => {
            if (!isDuplicateKey(error)) throw error;
          });
      }
      await publishOrgEvent(ctx, {
        type: 'membership.started',
        userId: userId.toHexString(),
        branchId: branch._id.toHexString(),
        groupId: groupId ? groupId.toHexString() : null,
      });
      return withName(doc);
    },

    async update(
      branch: BranchDoc,
      userId: string,
      body: UpdateMemberBody,
      by: ObjectId | null,
    ): Promise<Membership> {
      const existing = await memberDoc(branch._id.toHexString(), userId);
      const patch: Partial<State> = {};
      if (body.role !== undefined) patch.role = body.role;
      if (body.status !== undefined) patch.status = body.status;
      if (body.employer !== undefined) patch.employer = body.employer;
      if (body.industry !== undefined) patch.industry = body.industry;
      if (body.region !== undefined) patch.region = body.region;
      if (body.groupId !== undefined) patch.groupId = await checkGroup(branch, body.groupId);
      const { before, after } = await change(existing._id, by, (current) => {
        if (!current.active) throw new AppError('INVALID_STATE', 'This person is no longer a member');
        return patch;
      });
      if (before.role !== after.role || String(before.groupId) !== String(after.groupId)) {
        await publishOrgEvent(ctx, {
          type: 'membership.changed',
          userId,
          branchId: branch._id.toHexString(),
          groupId: after.groupId ? after.groupId.toHexString() : null,
          role: after.role,
        });
      }
      return withName(after);
    },

    /** Ends a membership (kept as history, `active: false`). Publishes `membership.ended`. */
    async end(branch: BranchDoc, userId: string, by: ObjectId | null): Promise<Membership> {
      const existing = await memberDoc(branch._id.toHexString(), userId);
      const { after } = await change(existing._id, by, (current) => {
        if (!current.active) throw notFound('No such member');
        return { active: false, endedAt: ctx.now() };
      });
      await publishOrgEvent(ctx, { type: 'membership.ended', userId, branchId: branch._id.toHexString() });
      return withName(after);
    },

    get: async (branchId: string, userId: string) => withName(await memberDoc(branchId, userId)),

    async list(branchId: string, q: MemberListQuery): Promise<PageOf<Membership>> {
      const filter: Filter<MembershipDoc> = { branchId: oid(branchId), active: q.active ?? true };
      if (q.role) filter.role = q.role;
      if (q.status) filter.status = q.status;
      if (q.groupId) filter.groupId = new ObjectId(q.groupId);
      if (q.employer) filter.employer = q.employer;
      if (q.industry) filter.industry = q.industry;
      if (q.region) filter.region = q.region;
      const docs = await c.memberships
        .find({ ...filter, ...idCursorFilter(q.cursor) })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      const names = await displayNames(
        ctx.db,
        docs.map((d) => d.userId),
      );
      return {
        ...pageOf(docs, q.limit, (d) => toMembership(d, nameOf(names, d.userId))),
        total: await c.memberships.countDocuments(filter),
      };
    },

    /** A user's own current memberships, with the branch name (for the shell and "my branch"). */
    async mine(userId: string): Promise<MyMembership[]> {
      const docs = await c.memberships
        .find({ userId: oid(userId), active: true })
        .limit(100)
        .toArray();
      const branches = await c.branches.find({ _id: { $in: docs.map((d) => d.branchId) } }).toArray();
      const byId = new Map(branches.map((b) => [b._id.toHexString(), b]));
      const names = await displayNames(ctx.db, [new ObjectId(userId)]);
      return docs.map((d) => {
        const b = byId.get(d.branchId.toHexString());
        return {
          ...toMembership(d, nameOf(names, d.userId)),
          branchName: b?.name ?? '',
          virtual: b?.virtual ?? false,
        };
      });
    },
  };
}
export type MembersService = ReturnType<typeof createMembersService>;
