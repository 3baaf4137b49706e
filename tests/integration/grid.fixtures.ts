import type { WorkCalendar } from '@zhibu/server';
import type { GridIssue, GridIssueDetail } from '@zhibu/shared';
import { expect } from 'vitest';
import { createGridRuntime, type GridRuntime } from '../../workers/src/jobs/grid-runtime.js';
// The workers package has no index yet; import the grid worker module directly.
import { startGridWorkers } from '../../workers/src/jobs/grid-worker.js';
import type { startTestApp } from '../support/app.js';
import { type BuiltUser, factories } from '../support/factories.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>['app'];
export type Headers = { authorization: string };

/** A mutable clock shared by the server and the in-process workers (compressed time). */
export function testClock(startIso: string) {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    set: (iso: string) => {
      t = Date.parse(iso);
    },
  };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An org for grid tests, built through the org services: two grids, three departments (safety with a
 * head, community, a fallback unit), staff for each, two lawyers, a grid worker and two residents.
 */
export async function gridWorld(app: TestApp) {
  const f = factories(app);
  const people = f.org.people;
  const admin = await f.buildUser({ role: 'admin', displayName: '调度员' });
  const committee = await f.buildCommittee({ name: '街道党工委' });
  const committeeAdmin = await f.buildCommitteeAdmin(committee.id);
  const grid1 = await people.createGrid({ name: '第一网格', committeeId: committee.id, area: '幸福小区' });
  const grid2 = await people.createGrid({ name: '第二网格', committeeId: committee.id, area: '和平小区' });
  const safetyHead = await f.buildUser({ displayName: '安监办主任' });
  const safety = await people.createDepartment({ name: '安监办', headUserId: safetyHead.id });
  const community = await people.createDepartment({ name: '社区居委会' });
  const fallback = await people.createDepartment({ name: '综治中心' });
  const staff = async (departmentId: string, name: string) => {
    const u = await f.buildUser({ displayName: name });
    await people.addStaff(departmentId, u.id);
    return u;
  };
  const safetyStaff = await staff(safety.id, '安监办干事');
  const communityStaff = await staff(community.id, '居委会干事');
  const fallbackStaff = await staff(fallback.id, '综治中心干事');
  const lawyerUser = async (name: string) => {
    const u = await f.buildUser({ displayName: name });
    await people.createLawyer({ userId: u.id, firm: '明理律师事务所', available: true });
    return u;
  };
  const lawyerA = await lawyerUser('王律师');
  const lawyerB = await lawyerUser('李律师');
  const gridWorker = await f.buildUser({ displayName: '网格员小张' });
  await people.addGridWorker(grid1.id, gridWorker.id);
  const resident = await f.buildUser({ role: 'resident', displayName: '居民甲' });
  const resident2 = await f.buildUser({ role: 'resident', displayName: '居民乙' });
  return {
    f,
    admin,
    committee,
    committeeAdmin,
    grid1,
    grid2,
    safety,
    safetyHead,
    community,
    fallback,
    safetyStaff,
    communityStaff,
    fallbackStaff,
    lawyerA,
    lawyerB,
    gridWorker,
    resident,
    resident2,
  };
}
export type GridWorld = Awaited<ReturnType<typeof gridWorld>>;

export type Who = BuiltUser | Headers;

/**
 * Typed REST helpers on `app.inject`. Tokens are signed afresh for each call: tests move the clock by
 * weeks, and a token signed at the start would have expired.
 */
export function gridApi(app: TestApp) {
  const headersOf = async (who: Who): Promise<Headers> =>
    'doc' in who
      ? { authorization: `Bearer ${(await app.deps.auth.accessTokens.sign(who.id, who.doc.role)).token}` }
      : who;
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, who: Who, payload?: object) =>
    app.inject({ method, url, headers: await headersOf(who), ...(payload ? { payload } : {}) });
  return {
    call,
    headersOf,
    async report(who: Who, body: Record<string, unknown>): Promise<GridIssue> {
      const res = await call('POST', '/api/v1/grid/issues', who, {
        address: '幸福路1号',
        description: '详见标题',
        ...body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    async detail(who: Who, id: string): Promise<GridIssueDetail> {
      const res = await call('GET', `/api/v1/grid/issues/${id}`, who);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    },
    async act(who: Who, id: string, body: Record<string, unknown>, status = 200) {
      const res = await call('POST', `/api/v1/grid/issues/${id}/actions`, who, body);
      expect(res.statusCode, res.body).toBe(status);
      return res.json();
    },
    async rule(admin: Who, body: Record<string, unknown>) {
      const res = await call('POST', '/api/v1/grid/rules', admin, {
        enabled: true,
        gridIds: [],
        keywords: [],
        ...body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string };
    },
  };
}

/** Grid workers in this process, on the test app's database, Redis prefix and clock. */
export async function startWorkers(
  app: TestApp,
  options: { now?: () => Date; calendar?: WorkCalendar } = {},
): Promise<{ rt: GridRuntime; close: () => Promise<void> }> {
  const rt = await createGridRuntime(app.ctx.config, options);
  const running = await startGridWorkers(rt, { concurrency: 4 });
  return {
    rt,
    close: async () => {
      await running.close();
      await rt.close();
    },
  };
}
