import type {
  Branch,
  BranchListQuery,
  Committee,
  CommitteeAdmin,
  CommitteeListQuery,
  CreateBranchBody,
  CreateGroupBody,
  Group,
  PageOf,
  UpdateBranchBody,
  UpdateGroupBody,
} from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { containsText, idCursorFilter, oid, pageOf } from '../../db/pagination.js';
import { AppError, notFound } from '../../http/app-error.js';
import {
  type BranchDoc,
  type CommitteeDoc,
  type GroupDoc,
  orgCollections,
  toBranch,
  toCommittee,
  toGroup,
} from './docs.js';
import { publishOrgEvent } from './events.js';
import { displayNames, fieldError, nameOf, requireUser, withPersonNames } from './helpers.js';

/** Committees (党委), branches (党支部) and groups (党小组). No permissions here: routes authorize. */
export function createTreeService(ctx: AppContext) {
  const c = orgCollections(ctx.db);

  async function committeeDoc(id: string): Promise<CommitteeDoc> {
    const doc = await c.committees.findOne({ _id: oid(id) });
    if (!doc) throw notFound('No such committee');
    return doc;
  }
  async function branchDoc(id: string): Promise<BranchDoc> {
    const doc = await c.branches.findOne({ _id: oid(id) });
    if (!doc) throw notFound('No such branch');
    return doc;
  }
  async function groupDoc(id: string): Promise<GroupDoc> {
    const doc = await c.groups.findOne({ _id: oid(id) });
    if (!doc) throw notFound('No such group');
    return doc;
  }
  const groupsOut = (docs: GroupDoc[]) => withPersonNames(ctx.db, docs, (d) => d.leaderId, toGroup);
  const groupOut = async (doc: GroupDoc): Promise<Group> => (await groupsOut([doc]))[0]!;

  /** A group leader must be a current member of the group's branch. */
  async function checkLeader(branchId: ObjectId, leaderId: string | null | undefined) {
    if (!leaderId) return null;
    const userId = new ObjectId(leaderId);
    const m = await c.memberships.findOne({ branchId, userId, active: true }, { projection: { _id: 1 } });
    if (!m) throw fieldError('body.leaderId', 'is not a member of this branch');
    return userId;
  }

  return {
    // ----- committees -----
    async createCommittee(name: string): Promise<Committee> {
      const doc: CommitteeDoc = { _id: new ObjectId(), name, createdAt: ctx.now() };
      await c.committees.insertOne(doc);
      return toCommittee(doc);
    },
    getCommittee: async (id: string) => toCommittee(await committeeDoc(id)),
    async listCommittees(q: CommitteeListQuery, onlyIds: string[] | null): Promise<PageOf<Committee>> {
      const filter: Filter<CommitteeDoc> = {};
      if (onlyIds) filter._id = { $in: onlyIds.map((id) => new ObjectId(id)) };
      if (q.q) filter.name = containsText(q.q);
      const docs = await c.committees
        .find({ $and: [filter, idCursorFilter(q.cursor)] })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      return { ...pageOf(docs, q.limit, toCommittee), total: await c.committees.countDocuments(filter) };
    },
    /** Ids and names of the given committees (unknown ids are left out), in the order given. */
    async committeeRefs(ids: readonly string[]): Promise<{ id: string; name: string }[]> {
      if (ids.length === 0) return [];
      const docs = await c.committees
        .find({ _id: { $in: ids.map((id) => new ObjectId(id)) } }, { projection: { name: 1 } })
        .toArray();
      const names = new Map(docs.map((d) => [d._id.toHexString(), d.name]));
      return ids.flatMap((id) => {
        const name = names.get(id);
        return name === undefined ? [] : [{ id, name }];
      });
    },
    async updateCommittee(id: string, name: string): Promise<Committee> {
      const doc = await committeeDoc(id);
      await c.committees.updateOne({ _id: doc._id }, { $set: { name } });
      return toCommittee({ ...doc, name });
    },
    /** Only an empty committee can be deleted: nothing stored beneath it is ever lost. */
    async deleteCommittee(id: string): Promise<void> {
      const doc = await committeeDoc(id);
      const [branch, grid] = await Promise.all([
        c.branches.findOne({ committeeId: doc._id }, { projection: { _id: 1 } }),
        c.grids.findOne({ committeeId: doc._id }, { projection: { _id: 1 } }),
      ]);
      if (branch || grid) throw new AppError('INVALID_STATE', 'The committee still has branches or grids');
      await c.committeeAdmins.deleteMany({ committeeId: doc._id });
      await c.committees.deleteOne({ _id: doc._id });
    },
    async addCommitteeAdmin(committeeId: string, userId: string): Promise<CommitteeAdmin> {
      const committee = await committeeDoc(committeeId);
      const uid = await requireUser(ctx.db, userId, 'body.userId');
      try {
        await c.committeeAdmins.insertOne({
          _id: `${committeeId}:${userId}`,
          committeeId: committee._id,
          userId: uid,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // already an admin: adding twice has one effect
      }
      const names = await displayNames(ctx.db, [uid]);
      return { committeeId, userId, displayName: nameOf(names, uid) };
    },
    async removeCommitteeAdmin(committeeId: string, userId: string): Promise<void> {
      const { deletedCount } = await c.committeeAdmins.deleteOne({ _id: `${committeeId}:${userId}` });
      if (deletedCount === 0) throw notFound('Not an admin of this committee');
    },
    async listCommitteeAdmins(committeeId: string): Promise<CommitteeAdmin[]> {
      const committee = await committeeDoc(committeeId);
      const docs = await c.committeeAdmins.find({ committeeId: committee._id }).limit(500).toArray();
      const names = await displayNames(
        ctx.db,
        docs.map((d) => d.userId),
      );
      return docs.map((d) => ({
        committeeId,
        userId: d.userId.toHexString(),
        displayName: nameOf(names, d.userId),
      }));
    },

    // ----- branches -----
    async createBranch(body: CreateBranchBody): Promise<Branch> {
      const committee = await c.committees.findOne({ _id: new ObjectId(body.committeeId) });
      if (!committee) throw fieldError('body.committeeId', 'is not a known committee');
      const doc: BranchDoc = {
        _id: new ObjectId(),
        committeeId: committee._id,
        name: body.name,
        virtual: body.virtual ?? false,
        industries: body.industries ?? [],
        regions: body.regions ?? [],
        createdAt: ctx.now(),
      };
      await c.branches.insertOne(doc);
      await publishOrgEvent(ctx, {
        type: 'branch.created',
        branchId: doc._id.toHexString(),
        committeeId: body.committeeId,
      });
      return toBranch(doc);
    },
    branchDoc,
    getBranch: async (id: string) => toBranch(await branchDoc(id)),
    async listBranches(
      q: BranchListQuery,
      visible: { committeeIds: string[]; branchIds: string[] } | null,
    ): Promise<PageOf<Branch>> {
      const filter: Filter<BranchDoc> = {};
      if (q.committeeId) filter.committeeId = new ObjectId(q.committeeId);
      if (q.virtual !== undefined) filter.virtual = q.virtual;
      if (q.industry) filter.industries = q.industry;
      if (q.region) filter.regions = q.region;
      if (q.q) filter.name = containsText(q.q);
      const scoped: Filter<BranchDoc>[] = [filter];
      if (visible) {
        scoped.push({
          $or: [
            { committeeId: { $in: visible.committeeIds.map((id) => new ObjectId(id)) } },
            { _id: { $in: visible.branchIds.map((id) => new ObjectId(id)) } },
          ],
        });
      }
      const docs = await c.branches
        .find({ $and: [...scoped, idCursorFilter(q.cursor)] })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      return { ...pageOf(docs, q.limit, toBranch), total: await c.branches.countDocuments({ $and: scoped }) };
    },
    async updateBranch(id: string, body: UpdateBranchBody): Promise<Branch> {
      const doc = await branchDoc(id);
      await c.branches.updateOne({ _id: doc._id }, { $set: body });
      return toBranch({ ...doc, ...body });
    },
    /** Only a branch that never had members or groups can be deleted (history is kept). */
    async deleteBranch(id: string): Promise<void> {
      const doc = await branchDoc(id);
      const [m, g] = await Promise.all([
        c.memberships.findOne({ branchId: doc._id }, { projection: { _id: 1 } }),
        c.groups.findOne({ branchId: doc._id }, { projection: { _id: 1 } }),
      ]);
      if (m || g) throw new AppError('INVALID_STATE', 'The branch has members or groups');
      await c.branches.deleteOne({ _id: doc._id });
    },

    // ----- groups -----
    async createGroup(branchId: string, body: CreateGroupBody): Promise<Group> {
      const branch = await branchDoc(branchId);
      const doc: GroupDoc = {
        _id: new ObjectId(),
        branchId: branch._id,
        committeeId: branch.committeeId,
        name: body.name,
        leaderId: await checkLeader(branch._id, body.leaderId),
      };
      await c.groups.insertOne(doc);
      await publishOrgEvent(ctx, { type: 'group.created', groupId: doc._id.toHexString(), branchId });
      return groupOut(doc);
    },
    groupDoc,
    async listGroups(branchId: string, q: { limit: number; cursor?: string }): Promise<PageOf<Group>> {
      const filter = { branchId: oid(branchId) };
      const docs = await c.groups
        .find({ ...filter, ...idCursorFilter(q.cursor) })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      const page = pageOf(docs, q.limit, (d) => d);
      return {
        items: await groupsOut(page.items),
        nextCursor: page.nextCursor,
        total: await c.groups.countDocuments(filter),
      };
    },
    async updateGroup(id: string, body: UpdateGroupBody): Promise<Group> {
      const doc = await groupDoc(id);
      const set: Partial<GroupDoc> = {};
      if (body.name !== undefined) set.name = body.name;
      if (body.leaderId !== undefined) set.leaderId = await checkLeader(doc.branchId, body.leaderId);
      await c.groups.updateOne({ _id: doc._id }, { $set: set });
      return groupOut({ ...doc, ...set });
    },
    async deleteGroup(id: string): Promise<void> {
      const doc = await groupDoc(id);
      const m = await c.memberships.findOne({ groupId: doc._id, active: true }, { projection: { _id: 1 } });
      if (m) throw new AppError('INVALID_STATE', 'The group still has members');
      await c.groups.deleteOne({ _id: doc._id });
    },
  };
}
export type TreeService = ReturnType<typeof createTreeService>;
