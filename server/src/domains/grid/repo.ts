import type { GridEvent, GridEventData } from '@zhibu/shared';
import { type Collection, type Db, type Filter, ObjectId } from 'mongodb';
import { createInsertBatcher } from '../../db/batch.js';
import { isDuplicateKey } from '../../db/mongo.js';
import type { IssueState } from './projection.js';

/** One stored event. `(issueId, version)` is unique: the writer that inserts version v+1 wins. */
export interface GridEventDoc {
  _id: ObjectId;
  issueId: ObjectId;
  version: number;
  type: GridEventData['type'];
  at: Date;
  actorId: string | null;
  data: GridEventData;
}

/** The cached projection: the state plus the fields lists filter on, written after each event. */
export interface GridIssueDoc {
  _id: ObjectId;
  version: number;
  state: IssueState;
  status: IssueState['status'];
  category: IssueState['category'];
  gridId: string | null;
  reporterId: string;
  targetKind: string | null;
  targetDepartmentId: string | null;
  targetLawyerId: string | null;
  departmentIds: string[];
  open: boolean;
  reportedAt: Date;
  nextEscalationAt: Date | null;
  lat: number | null;
  lng: number | null;
}

export class VersionConflict extends Error {
  constructor() {
    super('another writer appended this version first');
  }
}

export const toEvent = (doc: GridEventDoc): GridEvent => ({
  issueId: doc.issueId.toHexString(),
  version: doc.version,
  at: doc.at.toISOString(),
  actorId: doc.actorId,
  data: doc.data,
});

export type GridRepo = ReturnType<typeof createGridRepo>;

/** Inserts per insertMany: one statement on FerretDB, kept small enough that a retry item by item is short. */
export const INSERT_BATCH = 50;

export function createGridRepo(db: Db) {
  const events: Collection<GridEventDoc> = db.collection('grid_issue_events');
  const issues: Collection<GridIssueDoc> = db.collection('grid_issues');

  /**
   * Events of concurrently running jobs go out in one unordered insertMany. The unique (issueId, version)
   * index still arbitrates each one: a duplicate fails that item alone (VersionConflict), also when two
   * writers of one version land in the same batch.
   */
  const eventWrites = createInsertBatcher(
    events,
    { value: undefined, onDuplicate: () => ({ ok: false, error: new VersionConflict() }) },
    { maxBatch: INSERT_BATCH },
  );

  /**
   * Not batched: FerretDB runs the updates of one bulkWrite as separate operations on its PostgreSQL pool,
   * and a bulk of 50 upserts hung it for good (the pool deadlock of storage.md). One replaceOne per job,
   * bounded by the driver pool, stays within what it survives.
   */
  async function replaceOne(doc: GridIssueDoc): Promise<void> {
    // Replace an older cache, or insert; a newer cache makes the upsert collide (11000, ignored).
    const filter = { _id: doc._id, version: { $lt: doc.version } };
    await issues.replaceOne(filter, doc, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }

  return {
    events,
    issues,

    async loadEvents(issueId: string | ObjectId): Promise<GridEvent[]> {
      const docs = await events
        .find({ issueId: new ObjectId(issueId) })
        .sort({ version: 1 })
        .toArray();
      return docs.map(toEvent);
    },

    /** Inserts the event as `version`; throws VersionConflict when someone else took that version. */
    async append(
      issueId: ObjectId,
      version: number,
      data: GridEventData,
      actorId: string | null,
      at: Date,
    ): Promise<GridEvent> {
      const doc: GridEventDoc = { _id: new ObjectId(), issueId, version, type: data.type, at, actorId, data };
      await eventWrites.add(doc);
      return toEvent(doc);
    },

    /**
     * Writes the projection unless a newer one is already there (batched with other jobs' projections). A
     * lost race (FerretDB does not make the filter atomic) leaves an older cache at worst; detail reads
     * rebuild from events, and the sweeper rewrites caches older than their log.
     */
    async saveProjection(state: IssueState): Promise<void> {
      const _id = new ObjectId(state.id);
      const doc: GridIssueDoc = {
        _id,
        version: state.version,
        state,
        status: state.status,
        category: state.category,
        gridId: state.gridId,
        reporterId: state.reporterId,
        targetKind: state.target?.kind ?? null,
        targetDepartmentId: state.target?.departmentId ?? null,
        targetLawyerId: state.target?.lawyerId ?? null,
        departmentIds: state.departmentIds,
        open: state.status !== 'closed',
        reportedAt: new Date(state.reportedAt),
        nextEscalationAt: state.deadlines.nextEscalationAt
          ? new Date(state.deadlines.nextEscalationAt)
          : null,
        lat: state.location?.lat ?? null,
        lng: state.location?.lng ?? null,
      };
      await replaceOne(doc);
    },

    findIssues(filter: Filter<GridIssueDoc>, limit: number, cursor?: string) {
      const withCursor: Filter<GridIssueDoc> = cursor
        ? { ...filter, _id: { $lt: new ObjectId(cursor) } }
        : filter;
      return issues.find(withCursor).sort({ _id: -1 }).limit(limit).toArray();
    },
  };
}
