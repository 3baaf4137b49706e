import { computeStats, defaultWorkCalendar, groupByIssue, summarize } from '@zhibu/server';
import type { GridEvent, GridEventData, GridStats } from '@zhibu/shared';
import ExcelJS from 'exceljs';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld } from './grid.fixtures.js';

/*
 * The seeded set quoted by the source: 855 items, 613 hazards found, 99 disputes mediated with 82%
 * success (81 of 99), plus 87 public-opinion items and 56 legal questions. Generated deterministically
 * as events; the expected figures below are counted by hand from the generator's rules, not by the module.
 */
const N = 855;
const category = (i: number) =>
  i < 613 ? 'hazard' : i < 712 ? 'dispute' : i < 799 ? 'opinion' : 'legalQuestion';
const resolved = (i: number) => category(i) === 'dispute' || i % 20 !== 19;
const late = (i: number) => i % 9 === 0;
const rated = (i: number) => resolved(i) && i % 10 !== 0;
const satisfied = (i: number) => i % 7 !== 0;
const returned = (i: number) => i % 50 === 0;
const responseHours = (i: number) => (i % 5) + 1;
const H = 3_600_000;

function seed(w: GridWorld): { docs: Record<string, unknown>[] } {
  const docs: Record<string, unknown>[] = [];
  const start = Date.parse('2026-01-05T02:00:00.000Z');
  for (let i = 0; i < N; i++) {
    const issueId = new ObjectId();
    const t0 = start + i * 9 * H;
    let version = 0;
    const push = (at: number, data: GridEventData, actorId: string | null = null) =>
      docs.push({
        _id: new ObjectId(),
        issueId,
        version: ++version,
        type: data.type,
        at: new Date(at),
        actorId,
        data,
      });
    const cat = category(i);
    const dep = cat === 'hazard' ? w.safety.id : w.community.id;
    const target =
      cat === 'legalQuestion'
        ? { kind: 'lawyer' as const, departmentId: null, lawyerId: w.lawyerA.id }
        : { kind: 'department' as const, departmentId: dep, lawyerId: null };
    push(
      t0,
      {
        type: 'reported',
        category: cat,
        title: `事项${i}`,
        description: '种子数据',
        gridId: i % 2 === 0 ? w.grid1.id : w.grid2.id,
        address: '幸福路',
        location: null,
        photos: [],
        anonymous: false,
        contact: null,
        reporterId: w.resident.id,
        suggestedCategory: null,
      },
      w.resident.id,
    );
    if (returned(i)) {
      push(t0 + H / 2, {
        type: 'routed',
        target: { kind: 'department', departmentId: w.fallback.id, lawyerId: null },
        ruleId: null,
        reason: 'seed',
        auto: true,
      });
      push(t0 + H / 2 + 60_000, { type: 'returned', reason: '不归我们' });
    }
    push(t0 + H, { type: 'routed', target, ruleId: null, reason: 'seed', auto: true });
    push(t0 + H + responseHours(i) * H, { type: 'accepted' });
    if (!resolved(i)) continue;
    const resolvedAt = t0 + (late(i) ? 30 * 24 : 48) * H;
    push(resolvedAt, {
      type: 'resolved',
      outcome: '已处理',
      mediationSucceeded: cat === 'dispute' ? i - 613 < 81 : null,
    });
    if (rated(i))
      push(resolvedAt + H, {
        type: 'rated',
        score: satisfied(i) ? 5 : 2,
        satisfied: satisfied(i),
        comment: '',
      });
  }
  return { docs };
}

/** The same figures, counted from the generator's rules. */
function handCount() {
  let resolvedN = 0;
  let onTime = 0;
  let ratings = 0;
  let satisfiedN = 0;
  let closed = 0;
  let reworks = 0;
  let misses = 0;
  let hours = 0;
  for (let i = 0; i < N; i++) {
    // From the first assignment: a returned issue was first assigned half an hour earlier.
    hours += responseHours(i) + (returned(i) ? 0.5 : 0);
    if (returned(i)) misses++;
    if (!resolved(i)) continue;
    resolvedN++;
    if (!late(i)) onTime++;
    if (rated(i)) {
      ratings++;
      if (satisfied(i)) {
        satisfiedN++;
        closed++;
      } else reworks++;
    }
  }
  return { resolvedN, onTime, ratings, satisfiedN, closed, reworks, misses, avgHours: hours / N };
}

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;
let events: GridEvent[];

beforeAll(async () => {
  ctx = await startTestApp('grid-stats');
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
  const { docs } = seed(w);
  const coll = ctx.app.ctx.db.collection('grid_issue_events');
  for (let i = 0; i < docs.length; i += 1000) await coll.insertMany(docs.slice(i, i + 1000));
  events = docs.map((d) => ({
    issueId: (d.issueId as ObjectId).toHexString(),
    version: d.version as number,
    at: (d.at as Date).toISOString(),
    actorId: d.actorId as string | null,
    data: d.data as GridEventData,
  }));
});
afterAll(() => ctx?.close());

describe('statistics from events', () => {
  it('agree with the hand count: 855 items, 613 hazards, 99 disputes mediated, 82% success', async () => {
    const res = await api.call('GET', '/api/v1/grid/statistics', w.admin);
    expect(res.statusCode, res.body).toBe(200);
    const rest: GridStats = res.json();
    const calendar = defaultWorkCalendar();
    const module = computeStats(groupByIssue(events).map((e) => summarize(e, calendar)));
    expect(rest).toEqual(module);

    const hand = handCount();
    expect(rest.total).toBe(855);
    expect(rest.hazardsFound).toBe(613);
    expect(rest.byCategory).toEqual({ hazard: 613, dispute: 99, opinion: 87, legalQuestion: 56, other: 0 });
    expect(rest.disputesMediated).toBe(99);
    expect(rest.mediationSucceeded).toBe(81);
    expect(Math.round((rest.mediationSuccessRate ?? 0) * 100)).toBe(82);
    expect(rest.closed).toBe(hand.closed);
    expect(rest.closureRate).toBeCloseTo(hand.closed / 855, 10);
    expect(rest.onTime).toBe(hand.onTime);
    expect(rest.onTimeRate).toBeCloseTo(hand.onTime / hand.resolvedN, 10);
    expect(rest.avgFirstResponseHours).toBeCloseTo(hand.avgHours, 6);
    expect(rest.ratings).toBe(hand.ratings);
    expect(rest.satisfactionRate).toBeCloseTo(hand.satisfiedN / hand.ratings, 10);
    expect(rest.routingMisses).toBe(hand.misses);
    expect(rest.reworks).toBe(hand.reworks);
  });

  it('filters by category, period, grid and department', async () => {
    const get = async (qs: string) =>
      (await api.call('GET', `/api/v1/grid/statistics?${qs}`, w.admin)).json() as GridStats;
    expect((await get('category=dispute')).total).toBe(99);
    expect((await get(`gridId=${w.grid1.id}`)).total).toBe(428); // even indexes 0…854
    // Community handles disputes and opinions; the fallback unit held every 50th issue before its return.
    expect((await get(`departmentId=${w.community.id}`)).total).toBe(99 + 87);
    expect((await get(`departmentId=${w.fallback.id}`)).total).toBe(18);
    // January 2026 in Shanghai: issues reported from 5 January every 9 hours.
    const jan = await get('from=2026-01-01T00:00:00%2B08:00&to=2026-02-01T00:00:00%2B08:00');
    const janExpected = Array.from(
      { length: N },
      (_, i) => Date.parse('2026-01-05T02:00:00Z') + i * 9 * H,
    ).filter((t) => t < Date.parse('2026-01-31T16:00:00Z')).length;
    expect(jan.total).toBe(janExpected);
  });

  it('is for admins and departments (their own) only', async () => {
    expect((await api.call('GET', '/api/v1/grid/statistics', w.resident)).statusCode).toBe(403);
    const own = await api.call('GET', '/api/v1/grid/statistics', w.safetyStaff);
    expect(own.json().total).toBe(613);
    const other = await api.call(
      'GET',
      `/api/v1/grid/statistics?departmentId=${w.community.id}`,
      w.safetyStaff,
    );
    expect(other.statusCode).toBe(403);
  });

  it('exports the figures as xlsx', async () => {
    const res = await api.call('GET', '/api/v1/grid/statistics/export.xlsx?category=hazard', w.admin);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const summary = book.worksheets[0]!;
    expect(summary.getRow(2).getCell(2).value).toBe(613);
    expect(book.worksheets[1]!.rowCount).toBe(614); // header + 613 issues
  });
});
