import { GridCategories, type GridCategory } from '@zhibu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld, startWorkers, waitFor } from './grid.fixtures.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;
let workers: Awaited<ReturnType<typeof startWorkers>>;

beforeAll(async () => {
  ctx = await startTestApp('grid-routing');
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
  workers = await startWorkers(ctx.app);
});
afterAll(async () => {
  await workers?.close();
  await ctx?.close();
});

/** Waits until the worker has routed the issue, as its reporter sees it. */
const routed = (who: Parameters<typeof api.detail>[0], id: string) =>
  waitFor(async () => {
    const d = await api.detail(who, id);
    return d.status !== 'awaitingRouting' ? d : null;
  });

describe('routing rules', () => {
  it('lands every category × grid combination where the rules say, with the fallback for the rest', async () => {
    // hazard → safety everywhere; dispute → community in grid 1 only; opinion with keyword → community.
    await api.rule(w.admin, { priority: 10, category: 'hazard', departmentId: w.safety.id });
    await api.rule(w.admin, {
      priority: 10,
      category: 'dispute',
      gridIds: [w.grid1.id],
      departmentId: w.community.id,
    });
    await api.rule(w.admin, {
      priority: 5,
      category: 'opinion',
      keywords: ['养犬'],
      departmentId: w.community.id,
    });
    const settings = await api.call('PUT', '/api/v1/grid/routing-settings', w.admin, {
      fallbackDepartmentId: w.fallback.id,
    });
    expect(settings.statusCode).toBe(200);

    const expected: Record<GridCategory, (grid: string) => { kind: string; departmentId?: string }> = {
      hazard: () => ({ kind: 'department', departmentId: w.safety.id }),
      dispute: (g) => ({
        kind: 'department',
        departmentId: g === w.grid1.id ? w.community.id : w.fallback.id,
      }),
      opinion: () => ({ kind: 'department', departmentId: w.fallback.id }),
      legalQuestion: () => ({ kind: 'lawyer' }),
      other: () => ({ kind: 'dispatcher' }),
    };
    const cases = GridCategories.flatMap((category) =>
      [w.grid1.id, w.grid2.id].map((gridId) => ({ category, gridId })),
    );
    const reported = await Promise.all(
      cases.map(async (c) => ({
        c,
        issue: await api.report(w.resident, { ...c, title: `测试${c.category}` }),
      })),
    );
    for (const { c, issue } of reported) {
      const d = await routed(w.resident, issue.id);
      const want = expected[c.category](c.gridId);
      expect(d.target?.kind, `${c.category} in ${c.gridId}`).toBe(want.kind);
      if (want.departmentId)
        expect(d.target?.departmentId, `${c.category} in ${c.gridId}`).toBe(want.departmentId);
      // Who, why and when are recorded on the routed event.
      const event = d.timeline.find((e) => e.data.type === 'routed');
      expect(event?.at).toBeTruthy();
      expect(d.routedBy?.reason).toBeTruthy();
    }
    // The keyword rule applies only when the keyword is there.
    const dogs = await api.report(w.resident, {
      category: 'opinion',
      gridId: w.grid2.id,
      title: '建议加强养犬管理',
    });
    const dogsRouted = await routed(w.resident, dogs.id);
    expect(dogsRouted.target?.departmentId).toBe(w.community.id);
    expect(dogsRouted.routedBy?.reason).toContain('养犬');
  });

  it('suggests a category for "other" and lets the dispatcher assign it', async () => {
    const issue = await api.report(w.resident, {
      category: 'other',
      title: '楼上噪音扰民',
      description: '邻里纠纷，深夜噪音',
    });
    expect(issue.suggestedCategory).toBe('dispute');
    const d = await routed(w.resident, issue.id);
    expect(d.status).toBe('dispatch');
    const queue = await api.call('GET', '/api/v1/grid/issues?view=dispatch', w.admin);
    expect(queue.json().items.map((i: { id: string }) => i.id)).toContain(issue.id);
    // Residents and staff are not dispatchers.
    await api.act(
      w.safetyStaff,
      issue.id,
      { action: 'dispatch', departmentId: w.community.id, reason: 'x' },
      403,
    );
    const done = await api.act(w.admin, issue.id, {
      action: 'dispatch',
      departmentId: w.community.id,
      category: 'dispute',
      reason: '邻里纠纷归居委会',
    });
    expect(done).toMatchObject({
      status: 'assigned',
      category: 'dispute',
      target: { departmentId: w.community.id },
    });
  });

  it('assigns legal questions to the least-loaded available lawyer', async () => {
    // Earlier tests left open legal questions; count the current open load to know who is lighter.
    const load = async (lawyerId: string) =>
      ctx.app.ctx.db.collection('grid_issues').countDocuments({ open: true, targetLawyerId: lawyerId });
    const loads = new Map([
      [w.lawyerA.id, await load(w.lawyerA.id)],
      [w.lawyerB.id, await load(w.lawyerB.id)],
    ]);
    for (let i = 0; i < 4; i++) {
      // Expected: the lighter lawyer; on a tie, the smaller id.
      const [expected] = [...loads].sort(([ia, na], [ib, nb]) => na - nb || ia.localeCompare(ib))[0]!;
      const q = await api.report(w.resident, {
        category: 'legalQuestion',
        gridId: w.grid1.id,
        title: `劳动合同咨询${i}`,
      });
      const d = await routed(w.resident, q.id);
      expect(d.target?.lawyerId).toBe(expected);
      loads.set(expected, (loads.get(expected) ?? 0) + 1);
    }
    // A lawyer who is not available gets nothing.
    await w.f.org.people.updateLawyer(w.lawyerA.id, { available: false });
    const q = await api.report(w.resident, {
      category: 'legalQuestion',
      gridId: w.grid1.id,
      title: '继承纠纷咨询',
    });
    expect((await routed(w.resident, q.id)).target?.lawyerId).toBe(w.lawyerB.id);
    await w.f.org.people.updateLawyer(w.lawyerA.id, { available: true });
  });

  it('re-routes a returned issue to another target and counts the routing miss', async () => {
    const issue = await api.report(w.resident, { category: 'hazard', gridId: w.grid1.id, title: '路灯不亮' });
    const first = await routed(w.resident, issue.id);
    expect(first.target?.departmentId).toBe(w.safety.id);
    // Only the holder may return it.
    await api.act(w.communityStaff, issue.id, { action: 'return', reason: '不归我们管' }, 403);
    await api.act(w.safetyStaff, issue.id, { action: 'return', reason: '路灯归市政，不归安监' });
    const second = await waitFor(async () => {
      const d = await api.detail(w.resident, issue.id);
      return d.status === 'assigned' && d.target?.departmentId !== w.safety.id ? d : null;
    });
    expect(second.target?.departmentId).toBe(w.fallback.id);
    expect(second.routingMisses).toBe(1);
    expect(second.timeline.map((e) => e.data.type)).toEqual(['reported', 'routed', 'returned', 'routed']);
  });
});
