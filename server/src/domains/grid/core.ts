import type { GridEvent } from '@zhibu/shared';
import { type GridEventData, gridDeadlineJob, gridRouteJob } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';
import { createReadCache } from '../../read-cache.js';
import { defaultWorkCalendar, type WorkCalendar } from './calendar.js';
import type { Notifier } from './notify.js';
import { advance, type IssueState, project } from './projection.js';
import { createProjectionWriter } from './projection-writer.js';
import type { Enqueue } from './queues.js';
import { createGridRepo, VersionConflict } from './repo.js';
import { createStateCache } from './state-cache.js';

export interface GridCoreOptions {
  enqueue: Enqueue;
  notifier: Notifier;
  calendar?: WorkCalendar;
}

export type Decide = (state: IssueState) => GridEventData | null | Promise<GridEventData | null>;

/**
 * When the `grid_issues` projection of a new state is written: `now` before the write path returns (what an
 * API caller reads next includes it), `later` by the projection writer (the routing hot path; see
 * projection-writer.ts). The Redis state cache is written before returning either way.
 */
export type ProjectionTiming = 'now' | 'later';

export type GridCore = ReturnType<typeof createGridCore>;

const MAX_ATTEMPTS = 10;

/** Waits for every promise (none is left running), then throws the first error if any failed. */
export async function allSettled(promises: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The write path of every issue: decide on fresh state, insert version v+1 (the unique index arbitrates
 * concurrent writers; the loser decides again), then the projection, then the follow-up jobs. A crash
 * between these steps leaves the event in the log; the sweeper finishes what followed it.
 */
export function createGridCore(ctx: AppContext, options: GridCoreOptions) {
  const repo = createGridRepo(ctx.db);
  const stateCache = createStateCache(ctx.redis, ctx.config.REDIS_PREFIX);
  const projections = createProjectionWriter(repo.saveProjection, ctx.log);
  const calendar = options.calendar ?? defaultWorkCalendar();
  const { enqueue, notifier } = options;

  async function load(issueId: string): Promise<{ events: GridEvent[]; state: IssueState }> {
    if (!ObjectId.isValid(issueId) || issueId.length !== 24) throw new AppError('NOT_FOUND', 'No such issue');
    const events = await repo.loadEvents(issueId);
    if (events.length === 0) throw new AppError('NOT_FOUND', 'No such issue');
    return { events, state: project(events, calendar) };
  }

  /** The photo ids an issue's events name (its report's and verifications'); null when there is no issue. */
  async function photosInLog(issueId: string): Promise<Set<string> | null> {
    const events = ObjectId.isValid(issueId) ? await repo.loadEvents(issueId) : [];
    if (events.length === 0) return null;
    return new Set(
      events.flatMap((e) => (e.data.type === 'reported' || e.data.type === 'verified' ? e.data.photos : [])),
    );
  }

  /** The delayed job for the next escalation step (deterministic id: scheduling twice adds it once). */
  async function schedule(state: IssueState): Promise<void> {
    const next = state.deadlines.nextEscalationAt;
    if (next) {
      const dueAt = Date.parse(next);
      await enqueue(gridDeadlineJob, { issueId: state.id, dueAt }, { delayMs: dueAt - ctx.now().getTime() });
    }
  }

  /** Follow-ups of a state, all idempotent: projection, routing request, next deadline job. */
  async function settle(state: IssueState, projection: ProjectionTiming = 'now'): Promise<void> {
    // `later` queues synchronously, before any await: announcements started alongside can wait for it.
    let saved: Promise<void> | undefined;
    if (projection === 'now') saved = projections.now(state);
    else void projections.later(state);
    await allSettled([saved, stateCache.put(state)]);
    if (state.status === 'awaitingRouting' && state.routingRequestVersion !== null) {
      await enqueue(gridRouteJob, { issueId: state.id, version: state.routingRequestVersion });
    }
    await schedule(state);
  }

  /** The cached state: from Redis, else the projection (one `_id` read), else rebuilt from the log. */
  async function current(issueId: string): Promise<IssueState> {
    if (!ObjectId.isValid(issueId) || issueId.length !== 24) throw new AppError('NOT_FOUND', 'No such issue');
    const hot = await stateCache.get(issueId);
    if (hot) return hot;
    const cached = await repo.issues.findOne({ _id: new ObjectId(issueId) }, { projection: { state: 1 } });
    return cached ? cached.state : (await load(issueId)).state;
  }

  /**
   * Appends the event `decide` returns. The first attempt decides on the cached projection; if that cache
   * is behind the log, its version+1 is taken and the insert collides, so every retry decides on the
   * state rebuilt from the log. Either way the event is only written on top of the state it was decided on.
   * `alongside` runs with the follow-ups of the written event (not when `decide` returns null).
   */
  async function apply(
    issueId: string,
    actorId: string | null,
    decide: Decide,
    alongside?: (state: IssueState, event: GridEvent) => Promise<void>,
    projection: ProjectionTiming = 'now',
  ): Promise<{ state: IssueState; event: GridEvent | null; previous: IssueState }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = attempt === 0 ? await current(issueId) : (await load(issueId)).state;
      const data = await decide(state);
      if (!data) return { state, event: null, previous: state };
      try {
        const event = await repo.append(new ObjectId(issueId), state.version + 1, data, actorId, ctx.now());
        const next = advance(state, event, calendar);
        // Once the event is stored, its follow-ups (projection, jobs, the caller's effects such as
        // announcements) depend on nothing but the event: they run together, each idempotent.
        await allSettled([settle(next, projection), alongside?.(next, event)]);
        return { state: next, event, previous: state };
      } catch (error) {
        if (error instanceof VersionConflict) continue;
        throw error;
      }
    }
    throw new AppError('CONFLICT', 'The issue is changing too fast; try again');
  }

  /** Starts a new issue's log with its `reported` event (version 1); the id may be chosen beforehand. */
  async function create(
    data: Extract<GridEventData, { type: 'reported' }>,
    issueId = new ObjectId(),
  ): Promise<IssueState> {
    const event = await repo.append(issueId, 1, data, data.reporterId, ctx.now());
    const state = project([event], calendar);
    await settle(state);
    return state;
  }

  // ---- org lookups (directory data owned by the org domain; read-only here) ----

  const oid = (id: string) => new ObjectId(id);

  /**
   * A department's staff, read at most once a second per process and department (like the rule table):
   * routing asks on every job, and the read is a scan on FerretDB. Someone added to a department less than
   * a second ago may miss the notification of an issue routed there; the department's inbox still shows it.
   */
  const staffCache = createReadCache<string[]>({
    max: 10_000,
    ttlMs: 1000,
    load: async (departmentId) =>
      (
        await ctx.db
          .collection<{ userId: ObjectId }>('department_staff')
          .find({ departmentId: oid(departmentId) }, { projection: { userId: 1 } })
          .toArray()
      ).map((s) => s.userId.toHexString()),
  });
  const departmentStaff = async (departmentId: string): Promise<string[]> =>
    (await staffCache.get(departmentId)) ?? [];

  async function departmentHead(departmentId: string): Promise<string | null> {
    const dep = await ctx.db
      .collection<{ _id: ObjectId; headUserId: ObjectId | null }>('departments')
      .findOne({ _id: oid(departmentId) }, { projection: { headUserId: 1 } });
    return dep?.headUserId ? dep.headUserId.toHexString() : null;
  }

  async function committeeAdminsOfGrid(gridId: string | null): Promise<string[]> {
    if (!gridId) return [];
    const grid = await ctx.db
      .collection<{ _id: ObjectId; committeeId: ObjectId }>('grids')
      .findOne({ _id: oid(gridId) }, { projection: { committeeId: 1 } });
    if (!grid) return [];
    const admins = await ctx.db
      .collection<{ userId: ObjectId }>('committee_admins')
      .find({ committeeId: grid.committeeId }, { projection: { userId: 1 } })
      .toArray();
    return admins.map((a) => a.userId.toHexString());
  }

  /** The people who hold an issue now: the department's staff, or the lawyer. */
  async function handlers(state: IssueState): Promise<string[]> {
    if (state.target?.kind === 'department' && state.target.departmentId) {
      return departmentStaff(state.target.departmentId);
    }
    if (state.target?.kind === 'lawyer' && state.target.lawyerId) return [state.target.lawyerId];
    return [];
  }

  async function admins(): Promise<string[]> {
    const users = await ctx.db
      .collection<{ _id: ObjectId }>('users')
      .find({ role: 'admin' }, { projection: { _id: 1 } })
      .toArray();
    return users.map((u) => u._id.toHexString());
  }

  return {
    ctx,
    repo,
    calendar,
    enqueue,
    notifier,
    load,
    current,
    photosInLog,
    apply,
    create,
    settle,
    schedule,
    projections,
    handlers,
    departmentStaff,
    departmentHead,
    committeeAdminsOfGrid,
    admins,
  };
}
