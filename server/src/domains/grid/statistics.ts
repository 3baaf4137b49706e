import { GridCategories, type GridEvent, type GridStats, type GridStatsQuery } from '@zhibu/shared';
import type { WorkCalendar } from './calendar.js';
import { type IssueState, project } from './projection.js';

/**
 * Issue statistics computed from events, in TypeScript (FerretDB cannot run multi-accumulator $group).
 * Definitions:
 * - total: issues reported in the period (and matching grid / category / department);
 * - disputesMediated: disputes resolved with a recorded mediation result; success rate = succeeded / mediated;
 * - closureRate: closed / total; onTimeRate: resolutions by their deadline / resolutions;
 * - avgFirstResponseHours: from first assignment to first response (accept, question or answer);
 * - satisfaction: ratings of 3 or more / ratings; routing misses (回退) and reworks (返工) are summed.
 */
export interface IssueSummary {
  state: IssueState;
  /** The first assignment time, for the first response average. */
  firstRoutedAt: string | null;
  resolutions: number;
  resolvedOnTime: number;
  ratings: number;
  satisfiedRatings: number;
}

/** Folds one issue's events (version order) into what the statistics need. */
export function summarize(events: readonly GridEvent[], calendar: WorkCalendar): IssueSummary {
  let firstRoutedAt: string | null = null;
  let resolutions = 0;
  let resolvedOnTime = 0;
  let ratings = 0;
  let satisfiedRatings = 0;
  for (let i = 1; i < events.length; i++) {
    const e = events[i]!;
    const d = e.data;
    if (d.type === 'routed' && d.target.kind !== 'dispatcher') firstRoutedAt ??= e.at;
    if (d.type === 'resolved') {
      resolutions++;
      const before = project(events.slice(0, i), calendar);
      const due = before.deadlines.resolutionDue;
      if (due === null || Date.parse(e.at) <= Date.parse(due)) resolvedOnTime++;
    }
    if (d.type === 'rated') {
      ratings++;
      if (d.satisfied) satisfiedRatings++;
    }
  }
  return {
    state: project(events, calendar),
    firstRoutedAt,
    resolutions,
    resolvedOnTime,
    ratings,
    satisfiedRatings,
  };
}

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** Shanghai month of an instant, "YYYY-MM". */
const monthOf = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 7);

export function matches(s: IssueSummary, q: GridStatsQuery): boolean {
  const st = s.state;
  if (q.from && Date.parse(st.reportedAt) < Date.parse(q.from)) return false;
  if (q.to && Date.parse(st.reportedAt) >= Date.parse(q.to)) return false;
  if (q.gridId && st.gridId !== q.gridId) return false;
  if (q.category && st.category !== q.category) return false;
  if (q.departmentId && !st.departmentIds.includes(q.departmentId)) return false;
  return true;
}

export function computeStats(summaries: readonly IssueSummary[], q: GridStatsQuery = {}): GridStats {
  const byCategory: Record<string, number> = Object.fromEntries(GridCategories.map((c) => [c, 0]));
  const byDepartment = new Map<string, { total: number; closed: number }>();
  const byMonth = new Map<string, number>();
  let total = 0;
  let mediated = 0;
  let mediationOk = 0;
  let closed = 0;
  let resolutions = 0;
  let onTime = 0;
  let responseHours = 0;
  let responses = 0;
  let ratings = 0;
  let satisfied = 0;
  let routingMisses = 0;
  let reworks = 0;
  for (const s of summaries) {
    if (!matches(s, q)) continue;
    const st = s.state;
    total++;
    byCategory[st.category] = (byCategory[st.category] ?? 0) + 1;
    if (st.category === 'dispute' && st.mediationSucceeded !== null) {
      mediated++;
      if (st.mediationSucceeded) mediationOk++;
    }
    if (st.status === 'closed') closed++;
    resolutions += s.resolutions;
    onTime += s.resolvedOnTime;
    if (s.firstRoutedAt && st.firstResponseAt) {
      responseHours += (Date.parse(st.firstResponseAt) - Date.parse(s.firstRoutedAt)) / 3_600_000;
      responses++;
    }
    ratings += s.ratings;
    satisfied += s.satisfiedRatings;
    routingMisses += st.routingMisses;
    reworks += st.reworks;
    for (const d of st.departmentIds) {
      const row = byDepartment.get(d) ?? { total: 0, closed: 0 };
      row.total++;
      if (st.status === 'closed') row.closed++;
      byDepartment.set(d, row);
    }
    const month = monthOf(st.reportedAt);
    byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
  }
  return {
    total,
    byCategory,
    hazardsFound: byCategory.hazard ?? 0,
    disputesMediated: mediated,
    mediationSucceeded: mediationOk,
    mediationSuccessRate: rate(mediationOk, mediated),
    closed,
    closureRate: rate(closed, total),
    onTime,
    onTimeRate: rate(onTime, resolutions),
    avgFirstResponseHours: responses === 0 ? null : responseHours / responses,
    ratings,
    satisfied,
    satisfactionRate: rate(satisfied, ratings),
    routingMisses,
    reworks,
    byDepartment: [...byDepartment]
      .map(([departmentId, r]) => ({ departmentId, ...r }))
      .sort((a, b) => b.total - a.total || a.departmentId.localeCompare(b.departmentId)),
    byMonth: [...byMonth]
      .map(([month, n]) => ({ month, total: n }))
      .sort((a, b) => a.month.localeCompare(b.month)),
  };
}

/** Groups a stream of events (any order) by issue, in version order. */
export function groupByIssue(events: readonly GridEvent[]): GridEvent[][] {
  const map = new Map<string, GridEvent[]>();
  for (const e of events) {
    const list = map.get(e.issueId) ?? [];
    list.push(e);
    map.set(e.issueId, list);
  }
  return [...map.values()].map((l) => l.sort((a, b) => a.version - b.version));
}
