import type { GridIssue, GridIssueQuery, GridReportBody, PageOf, SimilarQuery } from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import { insertOnce } from '../../db/patterns.js';
import { AppError } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import { readAccess, toView } from './access.js';
import type { GridAreas } from './areas.js';
import type { GridCore } from './core.js';
import { distanceM } from './geo.js';
import type { GridPhotos } from './photos.js';
import type { IssueState } from './projection.js';
import { type GridIssueDoc, VersionConflict } from './repo.js';
import { suggestCategory } from './routing.js';

/** Character bigrams: Chinese titles have no spaces, so similarity is measured on pairs of characters. */
function bigrams(text: string): Set<string> {
  const clean = text.replace(/[\s\p{P}]/gu, '');
  const out = new Set<string>();
  for (let i = 0; i < clean.length - 1; i++) out.add(clean.slice(i, i + 2));
  return out;
}

export function titleSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return common / Math.min(x.size, y.size);
}

const NEARBY_M = 500;

/**
 * A report's client id, per reporter: `_id` is `<reporterId>:<clientId>`, so the unique `_id` decides the
 * issue id once, whichever of several attempts of the same report comes first.
 */
interface ReportKeyDoc {
  _id: string;
  issueId: ObjectId;
  at: Date;
}

export function createReportsService(core: GridCore, photos: GridPhotos, areas: GridAreas) {
  const db = core.ctx.db;
  const reportKeys = db.collection<ReportKeyDoc>('grid_report_keys');

  /** The issue id of a report: new, or the one an earlier attempt with the same client id took. */
  async function issueIdFor(
    reporterId: string,
    clientId: string | undefined,
  ): Promise<{ issueId: ObjectId; earlier: boolean }> {
    const key: ReportKeyDoc = {
      _id: `${reporterId}:${clientId}`,
      issueId: new ObjectId(),
      at: core.ctx.now(),
    };
    if (!clientId || (await insertOnce(reportKeys, key))) return { issueId: key.issueId, earlier: false };
    const earlier = await reportKeys.findOne({ _id: key._id });
    // Forgotten in between (the daily tick): then this attempt is the first.
    return earlier ? { issueId: earlier.issueId, earlier: true } : { issueId: key.issueId, earlier: false };
  }

  /** The stored report of an earlier attempt, its follow-ups repeated (all idempotent), or null. */
  async function storedReport(issueId: ObjectId): Promise<IssueState | null> {
    try {
      const { state } = await core.load(issueId.toHexString());
      await core.settle(state);
      return state;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  async function gridExists(gridId: string): Promise<boolean> {
    return (await db.collection('grids').countDocuments({ _id: new ObjectId(gridId) }, { limit: 1 })) > 0;
  }

  function listFilter(scope: Scope, q: GridIssueQuery): Filter<GridIssueDoc> {
    const f: Filter<GridIssueDoc> = {};
    switch (q.view) {
      case 'mine':
        f.reporterId = scope.userId;
        break;
      case 'department': {
        const mine = scope.departmentIds;
        if (q.departmentId && !mine.includes(q.departmentId) && !scope.isAdmin) {
          throw new AppError('FORBIDDEN', 'Not a member of this department');
        }
        if (!scope.isAdmin && mine.length === 0) throw new AppError('FORBIDDEN', 'Not department staff');
        f.departmentIds = { $in: q.departmentId ? [q.departmentId] : mine };
        break;
      }
      case 'lawyer':
        if (!scope.isLawyer) throw new AppError('FORBIDDEN', 'Not a lawyer');
        f.targetLawyerId = scope.userId;
        break;
      case 'dispatch':
        if (!scope.isAdmin) throw new AppError('FORBIDDEN', 'Only dispatchers');
        f.status = { $in: ['dispatch', 'awaitingRouting'] };
        break;
      case 'grid':
        if (!scope.isAdmin && scope.gridIds.length === 0)
          throw new AppError('FORBIDDEN', 'Not a grid worker');
        if (q.gridId && !scope.isAdmin && !scope.gridIds.includes(q.gridId)) {
          throw new AppError('FORBIDDEN', 'Not a worker of this grid');
        }
        f.gridId = { $in: q.gridId ? [q.gridId] : scope.gridIds };
        f.category = { $ne: 'legalQuestion' };
        break;
      case 'public':
        f.category = { $ne: 'legalQuestion' };
        break;
      case 'all':
        if (!scope.isAdmin) throw new AppError('FORBIDDEN', 'Only admins');
        break;
    }
    if (q.status) f.status = q.status;
    if (q.category) {
      if (f.category && q.category === 'legalQuestion') f.category = '__none__' as GridIssueDoc['category'];
      else f.category = q.category;
    }
    if (q.gridId && q.view !== 'grid') f.gridId = q.gridId;
    if (q.departmentId && q.view !== 'department') f.departmentIds = q.departmentId;
    if (q.overdue) f.nextEscalationAt = { $lte: core.ctx.now() };
    return f;
  }

  return {
    /** Forgets client ids older than `before`: a report sent again after that is a new report. */
    async forgetClientIds(before: Date): Promise<number> {
      return (await reportKeys.deleteMany({ at: { $lt: before } })).deletedCount;
    },

    async report(scope: Scope, body: GridReportBody): Promise<IssueState> {
      if (body.gridId && !(await gridExists(body.gridId))) throw new AppError('NOT_FOUND', 'No such grid');
      const gridId = body.gridId ?? (body.location ? await areas.gridAt(body.location) : null);
      const text = `${body.title}\n${body.description}`;
      // A retry of a report already stored answers with it (the first attempt's content wins).
      const { issueId, earlier } = await issueIdFor(scope.userId, body.clientId);
      if (earlier) {
        const stored = await storedReport(issueId);
        if (stored) return stored;
      }
      // The photos are taken first, for the issue's id chosen now (another report may not use them too).
      const claim = await photos.claim(scope.userId, body.photos, issueId.toHexString());
      let state: IssueState;
      try {
        state = await core.create(
          {
            type: 'reported',
            category: body.category,
            title: body.title,
            description: body.description,
            gridId,
            address: body.address,
            location: body.location ?? null,
            photos: body.photos,
            anonymous: body.anonymous,
            contact: body.contact ?? null,
            reporterId: scope.userId,
            suggestedCategory: body.category === 'other' ? suggestCategory(text) : null,
          },
          issueId,
        );
      } catch (error) {
        await claim.release();
        // Another attempt of the same report was stored meanwhile.
        if (error instanceof VersionConflict && body.clientId) return core.current(issueId.toHexString());
        throw error;
      }
      await claim.settle();
      return state;
    },

    /** Open reports like this one, in the same grid or within 500 m: shown before submitting. */
    async similar(scope: Scope, q: SimilarQuery): Promise<GridIssue[]> {
      const filter: Filter<GridIssueDoc> = { open: true, category: q.category };
      if (q.category === 'legalQuestion') return [];
      const point = q.lat !== undefined && q.lng !== undefined ? { lat: q.lat, lng: q.lng } : null;
      if (q.gridId && !point) filter.gridId = q.gridId;
      const candidates = await core.repo.issues.find(filter).sort({ _id: -1 }).limit(300).toArray();
      const scored = candidates
        .map((doc) => {
          const near =
            point && doc.lat !== null && doc.lng !== null
              ? distanceM(point, { lat: doc.lat, lng: doc.lng })
              : null;
          const sameArea =
            near !== null ? near <= NEARBY_M : q.gridId !== undefined && doc.gridId === q.gridId;
          return { doc, sim: titleSimilarity(q.title, doc.state.title), sameArea };
        })
        .filter((c) => c.sameArea && c.sim >= 0.3)
        .sort((a, b) => b.sim - a.sim)
        .slice(0, 5);
      return scored.flatMap(({ doc }) => {
        const access = readAccess(scope, doc.state);
        return access ? [toView(doc.state, access)] : [];
      });
    },

    async list(scope: Scope, q: GridIssueQuery): Promise<PageOf<GridIssue>> {
      const docs = await core.repo.findIssues(listFilter(scope, q), q.limit + 1, q.cursor);
      const page = docs.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.flatMap((doc) => {
          const access = readAccess(scope, doc.state);
          return access ? [toView(doc.state, access)] : [];
        }),
        nextCursor: docs.length > q.limit && last ? last._id.toHexString() : null,
      };
    },
  };
}
