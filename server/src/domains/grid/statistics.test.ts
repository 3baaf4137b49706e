import type { GridEvent, GridEventData } from '@zhibu/shared';
import { describe, expect, it } from 'vitest';
import { createCalendar } from './calendar.js';
import { computeStats, groupByIssue, summarize } from './statistics.js';

const cal = createCalendar({ holidays: [], workdays: [] });
const DEP = 'd00000000000000000000001';
const USER = 'u00000000000000000000001';

function issue(id: string, category: 'hazard' | 'dispute', steps: [string, GridEventData][]): GridEvent[] {
  const reported: GridEventData = {
    type: 'reported',
    category,
    title: 't',
    description: 'd',
    gridId: null,
    address: 'a',
    location: null,
    photos: [],
    anonymous: false,
    contact: null,
    reporterId: USER,
    suggestedCategory: null,
  };
  return [['2030-01-07T01:00:00.000Z', reported] as [string, GridEventData], ...steps].map(
    ([at, data], i) => ({
      issueId: id,
      version: i + 1,
      at,
      actorId: null,
      data,
    }),
  );
}
const routed: GridEventData = {
  type: 'routed',
  target: { kind: 'department', departmentId: DEP, lawyerId: null },
  ruleId: null,
  reason: 'r',
  auto: true,
};

describe('statistics from events', () => {
  // Monday 2030-01-07 09:00 Shanghai; hazards must be resolved within 5 working days (Mon 14th 18:00).
  const events = [
    ...issue('i1', 'hazard', [
      ['2030-01-07T02:00:00.000Z', routed],
      ['2030-01-07T04:00:00.000Z', { type: 'accepted' }],
      ['2030-01-08T02:00:00.000Z', { type: 'resolved', outcome: 'ok', mediationSucceeded: null }],
      ['2030-01-08T03:00:00.000Z', { type: 'rated', score: 5, satisfied: true, comment: '' }],
    ]),
    ...issue('i2', 'dispute', [
      ['2030-01-07T02:00:00.000Z', routed],
      ['2030-01-07T03:00:00.000Z', { type: 'returned', reason: 'no' }],
      ['2030-01-07T04:00:00.000Z', routed],
      ['2030-01-07T06:00:00.000Z', { type: 'accepted' }],
      // Sunday 20 January: within the 10-working-day limit (due Monday 21st 18:00).
      ['2030-01-20T02:00:00.000Z', { type: 'resolved', outcome: 'ok', mediationSucceeded: false }],
      ['2030-01-20T03:00:00.000Z', { type: 'rated', score: 1, satisfied: false, comment: '' }],
    ]),
    ...issue('i3', 'hazard', [
      ['2030-01-07T02:00:00.000Z', routed],
      ['2030-01-30T02:00:00.000Z', { type: 'resolved', outcome: 'late', mediationSucceeded: null }],
    ]),
  ];

  it('counts categories, mediation, closure, on-time, first response, satisfaction, misses and reworks', () => {
    const stats = computeStats(groupByIssue([...events].reverse()).map((e) => summarize(e, cal)));
    expect(stats).toMatchObject({
      total: 3,
      byCategory: { hazard: 2, dispute: 1 },
      hazardsFound: 2,
      disputesMediated: 1,
      mediationSucceeded: 0,
      mediationSuccessRate: 0,
      closed: 1,
      onTime: 2,
      ratings: 2,
      satisfied: 1,
      satisfactionRate: 0.5,
      routingMisses: 1,
      reworks: 1,
    });
    expect(stats.closureRate).toBeCloseTo(1 / 3);
    expect(stats.onTimeRate).toBeCloseTo(2 / 3);
    // i1: 2 h; i2: 4 h from the first assignment; i3: first response is the late resolution (23 days).
    expect(stats.avgFirstResponseHours).toBeCloseTo((2 + 4 + 23 * 24) / 3);
    expect(stats.byDepartment).toEqual([{ departmentId: DEP, total: 3, closed: 1 }]);
    expect(stats.byMonth).toEqual([{ month: '2030-01', total: 3 }]);
  });

  it('filters by category and period, and gives null rates when nothing is counted', () => {
    const all = groupByIssue(events).map((e) => summarize(e, cal));
    expect(computeStats(all, { category: 'dispute' }).total).toBe(1);
    const none = computeStats(all, { from: '2031-01-01T00:00:00.000Z' });
    expect(none.total).toBe(0);
    expect(none.closureRate).toBeNull();
    expect(none.mediationSuccessRate).toBeNull();
  });
});
