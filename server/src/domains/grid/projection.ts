import type { GridCategory, GridEvent, GridIssue, GridStatus, GridTarget } from '@zhibu/shared';
import type { WorkCalendar } from './calendar.js';
import { planDeadlines } from './deadlines.js';

/** The full state of an issue, rebuilt from its events. `GridIssue` is what readers see of it. */
export interface IssueState extends GridIssue {
  reporterId: string;
  /** Targets that returned the issue (回退): routing skips them. Keys "department:<id>" / "lawyer:<id>". */
  excludedTargets: string[];
  /** Every department that has held the issue (a hand-over keeps the lead unit involved). */
  departmentIds: string[];
  /** Version of the event that asked for routing, while the issue waits for it. */
  routingRequestVersion: number | null;
  clockStart: string | null;
  cycle: number;
  firedEscalations: string[];
  pendingExtensionDays: number;
  /** Status before an information request, to return to when the reporter answers. */
  statusBeforeInfo: GridStatus | null;
}

export const targetKey = (t: GridTarget): string | null =>
  t.kind === 'department' && t.departmentId
    ? `department:${t.departmentId}`
    : t.kind === 'lawyer' && t.lawyerId
      ? `lawyer:${t.lawyerId}`
      : null;

/** Applies events in version order. Pure: the same events and calendar give the same state. */
export function project(events: readonly GridEvent[], calendar: WorkCalendar): IssueState {
  const first = events[0];
  if (first?.data.type !== 'reported') throw new Error('an issue log starts with "reported"');
  const s = initialState(first);
  for (const e of events.slice(1)) step(s, e);
  return finalize(s, calendar);
}

/** The state after one more event, from a (cached) state: the same result as projecting the whole log. */
export function advance(state: IssueState, event: GridEvent, calendar: WorkCalendar): IssueState {
  const s = structuredClone(state);
  step(s, event);
  return finalize(s, calendar);
}

function initialState(first: GridEvent): IssueState {
  if (first.data.type !== 'reported') throw new Error('an issue log starts with "reported"');
  const r = first.data;
  return {
    id: first.issueId,
    version: first.version,
    category: r.category as GridCategory,
    suggestedCategory: r.suggestedCategory,
    title: r.title,
    description: r.description,
    gridId: r.gridId,
    address: r.address,
    location: r.location,
    photos: r.photos,
    anonymous: r.anonymous,
    reporterId: r.reporterId,
    contact: r.contact,
    status: 'awaitingRouting',
    target: null,
    leadDepartmentId: null,
    routedBy: null,
    reportedAt: first.at,
    routedAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    outcome: null,
    mediationSucceeded: null,
    extensionPending: false,
    extensionDays: 0,
    routingMisses: 0,
    reworks: 0,
    rating: null,
    deadlines: { firstResponseDue: null, resolutionDue: null, nextEscalationAt: null },
    excludedTargets: [],
    departmentIds: [],
    routingRequestVersion: first.version,
    clockStart: null,
    cycle: 0,
    firedEscalations: [],
    pendingExtensionDays: 0,
    statusBeforeInfo: null,
  };
}

function step(s: IssueState, e: GridEvent): void {
  const respond = (at: string) => {
    s.firstResponseAt ??= at;
  };
  s.version = e.version;
  const d = e.data;
  switch (d.type) {
    case 'reported':
      break;
    case 'routed': {
      if (d.category) s.category = d.category;
      s.routedBy = { ruleId: d.ruleId, reason: d.reason };
      s.routingRequestVersion = null;
      if (d.target.kind === 'dispatcher') {
        s.status = 'dispatch';
        s.target = d.target;
        break;
      }
      s.target = d.target;
      s.status = 'assigned';
      s.routedAt = e.at;
      s.clockStart = e.at;
      s.cycle += 1;
      s.firstResponseAt = null;
      s.extensionDays = 0;
      if (d.target.departmentId && !s.departmentIds.includes(d.target.departmentId)) {
        s.departmentIds.push(d.target.departmentId);
      }
      break;
    }
    case 'accepted':
      s.status = 'accepted';
      respond(e.at);
      break;
    case 'infoRequested':
      s.statusBeforeInfo = s.status;
      s.status = 'awaitingInfo';
      respond(e.at);
      break;
    case 'infoProvided':
      s.status = s.statusBeforeInfo === 'assigned' ? 'accepted' : (s.statusBeforeInfo ?? 'accepted');
      s.statusBeforeInfo = null;
      break;
    case 'returned': {
      const key = s.target ? targetKey(s.target) : null;
      if (key && !s.excludedTargets.includes(key)) s.excludedTargets.push(key);
      s.routingMisses += 1;
      s.status = 'awaitingRouting';
      s.target = null;
      s.clockStart = null;
      s.routingRequestVersion = e.version;
      break;
    }
    case 'extensionRequested':
      s.extensionPending = true;
      s.pendingExtensionDays = d.workingDays;
      break;
    case 'extensionDecided':
      s.extensionPending = false;
      if (d.approved) s.extensionDays += d.workingDays;
      s.pendingExtensionDays = 0;
      break;
    case 'handedOver':
      s.target = { kind: 'department', departmentId: d.departmentId, lawyerId: null };
      s.leadDepartmentId = d.leadDepartmentId;
      s.status = 'assigned';
      if (!s.departmentIds.includes(d.departmentId)) s.departmentIds.push(d.departmentId);
      respond(e.at);
      break;
    case 'resolved':
      s.status = 'resolved';
      s.outcome = d.outcome;
      s.mediationSucceeded = d.mediationSucceeded;
      s.resolvedAt = e.at;
      respond(e.at);
      break;
    case 'replied':
      break;
    case 'verified':
      if (d.ok) s.status = 'verified';
      else {
        s.status = 'accepted';
        s.reworks += 1;
        s.resolvedAt = null;
        s.clockStart = e.at;
        s.cycle += 1;
      }
      break;
    case 'rated':
      s.rating = d.score;
      if (d.satisfied) {
        s.status = 'closed';
        s.closedAt = e.at;
      } else {
        // 返工: back to the same handler, with a fresh resolution clock.
        s.status = 'assigned';
        s.reworks += 1;
        s.resolvedAt = null;
        s.closedAt = null;
        s.clockStart = e.at;
        s.cycle += 1;
        s.extensionDays = 0;
      }
      break;
    case 'escalated':
      // The key is recorded with the cycle it belonged to; an escalation never repeats.
      s.firedEscalations.push(`${s.cycle}.${d.deadline}.${d.step}`);
      break;
  }
}

function finalize(s: IssueState, calendar: WorkCalendar): IssueState {
  const plan = planDeadlines(s, calendar);
  s.deadlines = {
    firstResponseDue: plan.firstResponseDue?.toISOString() ?? null,
    resolutionDue: plan.resolutionDue?.toISOString() ?? null,
    nextEscalationAt: plan.pending[0]?.at.toISOString() ?? null,
  };
  return s;
}
