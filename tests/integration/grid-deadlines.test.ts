import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld, startWorkers, testClock, waitFor } from './grid.fixtures.js';

/*
 * Compressed time on the State Council calendar shipped in server/data/holidays (2026): 1–7 October are
 * holidays and Saturday 10 October is a 调休 working day. A hazard reported on Wednesday 30 September
 * must be resolved within 5 working days: 8, 9, 10 (Sat), 12, 13 October → due Tue 13 October 18:00.
 */
const clock = testClock('2026-09-30T02:00:00.000Z'); // Wed 10:00 Shanghai
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;
let workers: Awaited<ReturnType<typeof startWorkers>>;

beforeAll(async () => {
  ctx = await startTestApp('grid-deadlines', {}, { now: clock.now });
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
  workers = await startWorkers(ctx.app, { now: clock.now });
  await api.rule(w.admin, { priority: 1, category: 'hazard', departmentId: w.safety.id });
});
afterAll(async () => {
  await workers?.close();
  await ctx?.close();
});

const escalations = async (issueId: string) => {
  const d = await api.detail(w.admin, issueId);
  return d.timeline.flatMap((e) =>
    e.data.type === 'escalated' ? [{ step: e.data.step, at: e.at, to: e.data.notified }] : [],
  );
};
const notices = (issueId: string) =>
  ctx.app.ctx.db
    .collection<{ kind: string; userId: { toHexString(): string }; data: { issueId?: string } }>(
      'notifications',
    )
    .find({ 'data.issueId': issueId, kind: { $in: ['grid.warning', 'grid.urge', 'grid.supervision'] } })
    .toArray();
/** Moves the clock and runs the sweeper (the job the workers run every minute). */
const at = async (iso: string) => {
  clock.set(iso);
  await workers.rt.grid.escalation.sweep();
};

describe('deadlines in compressed time', () => {
  it('fires warning, urge and supervision once each, in order, on working days; an extension pauses the clock', async () => {
    const one = await api.report(w.resident, { category: 'hazard', gridId: w.grid1.id, title: '道闸损坏' });
    const two = await api.report(w.resident, {
      category: 'hazard',
      gridId: w.grid1.id,
      title: '消防通道堵塞',
    });
    for (const issue of [one, two]) {
      await waitFor(async () => (await api.detail(w.resident, issue.id)).status === 'assigned');
      await api.act(w.safetyStaff, issue.id, { action: 'accept' });
    }
    const accepted = await api.detail(w.safetyStaff, one.id);
    expect(accepted.deadlines.resolutionDue).toBe('2026-10-13T10:00:00.000Z');

    // Issue two asks for 3 more working days; the department head approves.
    await api.act(w.safetyStaff, two.id, {
      action: 'requestExtension',
      workingDays: 3,
      reason: '需协调物业',
    });
    await api.act(w.safetyStaff, two.id, { action: 'decideExtension', approved: true }, 403);
    const extended = await api.act(w.safetyHead, two.id, { action: 'decideExtension', approved: true });
    expect(extended.deadlines.resolutionDue).toBe('2026-10-16T10:00:00.000Z'); // 14, 15, 16 October

    // Holidays, the 调休 Saturday and the morning of the due day: nothing yet.
    for (const t of ['2026-10-05T04:00:00.000Z', '2026-10-10T04:00:00.000Z', '2026-10-13T00:59:00.000Z']) {
      await at(t);
      expect(await escalations(one.id), t).toEqual([]);
    }

    await at('2026-10-13T01:00:00.000Z'); // 09:00 on the due day: warning to the handler
    await at('2026-10-13T01:30:00.000Z'); // a second sweep sends nothing more
    expect((await escalations(one.id)).map((e) => e.step)).toEqual(['warning']);
    expect(await escalations(two.id)).toEqual([]); // paused by the extension

    await at('2026-10-13T10:00:00.000Z'); // 18:00: urge (催办) to handler and head
    await at('2026-10-14T09:59:00.000Z');
    expect((await escalations(one.id)).map((e) => e.step)).toEqual(['warning', 'urge']);

    await at('2026-10-14T10:00:00.000Z'); // next working day 18:00: supervision (督办)
    await at('2026-10-15T10:00:00.000Z');
    const fired = await escalations(one.id);
    expect(fired.map((e) => e.step)).toEqual(['warning', 'urge', 'supervision']);
    expect(fired[0]!.to).toEqual([w.safetyStaff.id]);
    expect([...fired[1]!.to].sort()).toEqual([w.safetyStaff.id, w.safetyHead.id].sort());
    expect([...fired[2]!.to].sort()).toEqual([w.safetyHead.id, w.committeeAdmin.id].sort());

    // Give any deadline job the workers picked up time to run; still exactly one of each.
    await new Promise((r) => setTimeout(r, 500));
    const sent = await notices(one.id);
    const count = (kind: string) => sent.filter((n) => n.kind === kind).length;
    expect([count('grid.warning'), count('grid.urge'), count('grid.supervision')]).toEqual([1, 2, 2]);
    const audit = await ctx.app.ctx.db.collection('grid_escalations').countDocuments({ issueId: one.id });
    expect(audit).toBe(3);

    // The extended issue warns on its own new due day only.
    await at('2026-10-16T01:00:00.000Z');
    expect((await escalations(two.id)).map((e) => e.step)).toEqual(['warning']);
  });

  it('stops escalating once the issue is resolved', async () => {
    clock.set('2026-11-02T02:00:00.000Z'); // Monday
    const issue = await api.report(w.resident, { category: 'hazard', gridId: w.grid1.id, title: '井盖缺失' });
    await waitFor(async () => (await api.detail(w.resident, issue.id)).status === 'assigned');
    await api.act(w.safetyStaff, issue.id, { action: 'resolve', outcome: '已补装井盖' });
    await at('2026-11-20T02:00:00.000Z');
    expect(await escalations(issue.id)).toEqual([]);
  });
});
