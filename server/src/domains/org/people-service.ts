import type {
  CreateDepartmentBody,
  CreateGridBody,
  CreateLawyerBody,
  Department,
  DepartmentListQuery,
  Grid,
  GridListQuery,
  Lawyer,
  LawyerListQuery,
  PageOf,
  PersonRef,
  UpdateDepartmentBody,
  UpdateGridBody,
  UpdateLawyerBody,
} from '@zhibu/shared';
import { type Collection, type Filter, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { containsText, idCursorFilter, oid, pageOf } from '../../db/pagination.js';
import { AppError, notFound } from '../../http/app-error.js';
import {
  type DepartmentDoc,
  type GridDoc,
  type LawyerDoc,
  orgCollections,
  toDepartment,
  toGrid,
  toLawyer,
} from './docs.js';
import { displayNames, fieldError, nameOf, requireUser, withPersonNames } from './helpers.js';

interface LinkDoc {
  _id: string;
  userId: ObjectId;
}

/** Departments (职能部门) with staff, the lawyers pool, grids (网格) with leader and workers. */
export function createPeopleService(ctx: AppContext) {
  const c = orgCollections(ctx.db);
  const optionalUser = (id: string | null | undefined, field: string) =>
    id ? requireUser(ctx.db, id, field) : Promise.resolve(null);

  /** People linked to a thing by a document "<thingId>:<userId>" (unique `_id`: adding twice is one effect). */
  function links<D extends LinkDoc>(coll: Collection<D>, key: 'departmentId' | 'gridId') {
    return {
      async add(thingId: ObjectId, userId: string): Promise<PersonRef> {
        const uid = await requireUser(ctx.db, userId, 'body.userId');
        try {
          await (coll as unknown as Collection<LinkDoc & Record<string, unknown>>).insertOne({
            _id: `${thingId.toHexString()}:${userId}`,
            [key]: thingId,
            userId: uid,
          });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
        return { userId, displayName: nameOf(await displayNames(ctx.db, [uid]), uid) };
      },
      async remove(thingId: ObjectId, userId: string): Promise<void> {
        const { deletedCount } = await coll.deleteOne({
          _id: `${thingId.toHexString()}:${userId}`,
        } as Filter<D>);
        if (deletedCount === 0) throw notFound('No such person here');
      },
      async list(thingId: ObjectId): Promise<PersonRef[]> {
        const docs = await coll
          .find({ [key]: thingId } as Filter<D>)
          .limit(1000)
          .toArray();
        const names = await displayNames(
          ctx.db,
          docs.map((d) => d.userId),
        );
        return docs
          .map((d) => ({ userId: d.userId.toHexString(), displayName: nameOf(names, d.userId) }))
          .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
      },
    };
  }
  const staff = links(c.departmentStaff, 'departmentId');
  const workers = links(c.gridWorkers, 'gridId');

  async function departmentDoc(id: string): Promise<DepartmentDoc> {
    const doc = await c.departments.findOne({ _id: oid(id) });
    if (!doc) throw notFound('No such department');
    return doc;
  }
  async function lawyerDoc(id: string): Promise<LawyerDoc> {
    const doc = await c.lawyers.findOne({ _id: oid(id) });
    if (!doc) throw notFound('No such lawyer');
    return doc;
  }
  async function gridDoc(id: string): Promise<GridDoc> {
    const doc = await c.grids.findOne({ _id: oid(id) });
    if (!doc) throw notFound('No such grid');
    return doc;
  }
  const departmentsOut = (docs: DepartmentDoc[]) =>
    withPersonNames(ctx.db, docs, (d) => d.headUserId, toDepartment);
  const departmentOut = async (doc: DepartmentDoc): Promise<Department> => (await departmentsOut([doc]))[0]!;
  const gridsOut = (docs: GridDoc[]) => withPersonNames(ctx.db, docs, (d) => d.leaderId, toGrid);
  const gridOut = async (doc: GridDoc): Promise<Grid> => (await gridsOut([doc]))[0]!;

  async function lawyersOut(docs: LawyerDoc[]): Promise<Lawyer[]> {
    const names = await displayNames(
      ctx.db,
      docs.map((d) => d.userId),
    );
    return docs.map((d) => toLawyer(d, nameOf(names, d.userId)));
  }

  return {
    // ----- departments -----
    async createDepartment(body: CreateDepartmentBody): Promise<Department> {
      const doc: DepartmentDoc = {
        _id: new ObjectId(),
        name: body.name,
        description: body.description ?? '',
        headUserId: await optionalUser(body.headUserId, 'body.headUserId'),
      };
      await c.departments.insertOne(doc);
      return departmentOut(doc);
    },
    getDepartment: async (id: string) => departmentOut(await departmentDoc(id)),
    departmentDoc,
    async listDepartments(q: DepartmentListQuery): Promise<PageOf<Department>> {
      const filter: Filter<DepartmentDoc> = q.q ? { name: containsText(q.q) } : {};
      const docs = await c.departments
        .find({ $and: [filter, idCursorFilter(q.cursor)] })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      const page = pageOf(docs, q.limit, (d) => d);
      return {
        items: await departmentsOut(page.items),
        nextCursor: page.nextCursor,
        total: await c.departments.countDocuments(filter),
      };
    },
    async updateDepartment(id: string, body: UpdateDepartmentBody): Promise<Department> {
      const doc = await departmentDoc(id);
      const set: Partial<DepartmentDoc> = {};
      if (body.name !== undefined) set.name = body.name;
      if (body.description !== undefined) set.description = body.description;
      if (body.headUserId !== undefined)
        set.headUserId = await optionalUser(body.headUserId, 'body.headUserId');
      await c.departments.updateOne({ _id: doc._id }, { $set: set });
      return departmentOut({ ...doc, ...set });
    },
    async deleteDepartment(id: string): Promise<void> {
      const doc = await departmentDoc(id);
      if (await c.departmentStaff.findOne({ departmentId: doc._id })) {
        throw new AppError('INVALID_STATE', 'The department still has staff');
      }
      await c.departments.deleteOne({ _id: doc._id });
    },
    addStaff: async (departmentId: string, userId: string) =>
      staff.add((await departmentDoc(departmentId))._id, userId),
    removeStaff: async (departmentId: string, userId: string) =>
      staff.remove((await departmentDoc(departmentId))._id, userId),
    listStaff: async (departmentId: string) => staff.list((await departmentDoc(departmentId))._id),

    // ----- lawyers -----
    async createLawyer(body: CreateLawyerBody): Promise<Lawyer> {
      const userId = await requireUser(ctx.db, body.userId, 'body.userId');
      const doc: LawyerDoc = {
        _id: userId,
        userId,
        firm: body.firm,
        specialties: body.specialties ?? [],
        available: body.available ?? true,
      };
      try {
        await c.lawyers.insertOne(doc);
      } catch (error) {
        if (isDuplicateKey(error)) throw new AppError('CONFLICT', 'This user is already in the lawyers pool');
        throw error;
      }
      return (await lawyersOut([doc]))[0]!;
    },
    getLawyer: async (id: string) => (await lawyersOut([await lawyerDoc(id)]))[0]!,
    async listLawyers(q: LawyerListQuery): Promise<PageOf<Lawyer>> {
      const filter: Filter<LawyerDoc> = {};
      if (q.available !== undefined) filter.available = q.available;
      if (q.specialty) filter.specialties = q.specialty;
      const docs = await c.lawyers
        .find({ $and: [filter, idCursorFilter(q.cursor)] })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      const page = pageOf(docs, q.limit, (d) => d);
      return {
        items: await lawyersOut(page.items),
        nextCursor: page.nextCursor,
        total: await c.lawyers.countDocuments(filter),
      };
    },
    async updateLawyer(id: string, body: UpdateLawyerBody): Promise<Lawyer> {
      const doc = await lawyerDoc(id);
      await c.lawyers.updateOne({ _id: doc._id }, { $set: body });
      return (await lawyersOut([{ ...doc, ...body }]))[0]!;
    },
    async deleteLawyer(id: string): Promise<void> {
      const { deletedCount } = await c.lawyers.deleteOne({ _id: oid(id) });
      if (deletedCount === 0) throw notFound('No such lawyer');
    },

    // ----- grids -----
    async createGrid(body: CreateGridBody): Promise<Grid> {
      const committee = await c.committees.findOne({ _id: new ObjectId(body.committeeId) });
      if (!committee) throw fieldError('body.committeeId', 'is not a known committee');
      const doc: GridDoc = {
        _id: new ObjectId(),
        name: body.name,
        committeeId: committee._id,
        area: body.area ?? '',
        leaderId: await optionalUser(body.leaderId, 'body.leaderId'),
      };
      await c.grids.insertOne(doc);
      return gridOut(doc);
    },
    gridDoc,
    getGrid: async (id: string) => gridOut(await gridDoc(id)),
    async listGrids(q: GridListQuery, onlyCommittees: string[] | null): Promise<PageOf<Grid>> {
      const filter: Filter<GridDoc> = {};
      if (q.committeeId) filter.committeeId = new ObjectId(q.committeeId);
      if (q.q) filter.name = containsText(q.q);
      const scoped: Filter<GridDoc>[] = [filter];
      if (onlyCommittees) scoped.push({ committeeId: { $in: onlyCommittees.map((id) => new ObjectId(id)) } });
      const docs = await c.grids
        .find({ $and: [...scoped, idCursorFilter(q.cursor)] })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      const page = pageOf(docs, q.limit, (d) => d);
      return {
        items: await gridsOut(page.items),
        nextCursor: page.nextCursor,
        total: await c.grids.countDocuments({ $and: scoped }),
      };
    },
    async updateGrid(id: string, body: UpdateGridBody): Promise<Grid> {
      const doc = await gridDoc(id);
      const set: Partial<GridDoc> = {};
      if (body.name !== undefined) set.name = body.name;
      if (body.area !== undefined) set.area = body.area;
      if (body.leaderId !== undefined) set.leaderId = await optionalUser(body.leaderId, 'body.leaderId');
      await c.grids.updateOne({ _id: doc._id }, { $set: set });
      return gridOut({ ...doc, ...set });
    },
    async deleteGrid(id: string): Promise<void> {
      const doc = await gridDoc(id);
      if (await c.gridWorkers.findOne({ gridId: doc._id })) {
        throw new AppError('INVALID_STATE', 'The grid still has workers');
      }
      await c.grids.deleteOne({ _id: doc._id });
    },
    addGridWorker: async (gridId: string, userId: string) => workers.add((await gridDoc(gridId))._id, userId),
    removeGridWorker: async (gridId: string, userId: string) =>
      workers.remove((await gridDoc(gridId))._id, userId),
    listGridWorkers: async (gridId: string) => workers.list((await gridDoc(gridId))._id),
  };
}
export type PeopleService = ReturnType<typeof createPeopleService>;
