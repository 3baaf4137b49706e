import type { GridIssue } from '@zhibu/shared';
import type { Scope } from '../permissions/index.js';
import type { IssueState } from './projection.js';

/*
 * Who may see and change a grid issue. Pure functions of a Scope and an issue state:
 * - admins (dispatchers) see and do everything;
 * - the reporter sees their own issue in full and answers, rates it;
 * - a department sees the issues it holds or held (hand-over keeps the lead unit in);
 * - a lawyer sees only the legal questions assigned to them;
 * - grid workers see the issues of their grids and verify them;
 * - anyone signed in sees public issues (not legal questions), without the reporter if anonymous.
 */

export const isDispatcher = (scope: Scope): boolean => scope.isAdmin;

export const isReporter = (scope: Scope, s: IssueState): boolean => s.reporterId === scope.userId;

export const isHandler = (scope: Scope, s: IssueState): boolean => {
  if (!s.target) return false;
  if (s.target.kind === 'department') {
    return s.target.departmentId !== null && scope.departmentIds.includes(s.target.departmentId);
  }
  if (s.target.kind === 'lawyer') return s.target.lawyerId === scope.userId;
  return false;
};

export const isDepartmentHead = (scope: Scope, s: IssueState): boolean =>
  s.target?.kind === 'department' &&
  s.target.departmentId !== null &&
  scope.headOfDepartments.includes(s.target.departmentId);

export const isGridWorker = (scope: Scope, s: IssueState): boolean =>
  s.gridId !== null && scope.gridIds.includes(s.gridId);

export const isPublic = (s: IssueState): boolean => s.category !== 'legalQuestion';

/** May read the issue at all; `full` also shows who reported it and how to reach them. */
export function readAccess(scope: Scope, s: IssueState): 'full' | 'public' | null {
  if (isDispatcher(scope) || isReporter(scope, s) || isHandler(scope, s)) return 'full';
  if (s.departmentIds.some((d) => scope.departmentIds.includes(d))) return 'full';
  if (s.category === 'legalQuestion') return null;
  if (isGridWorker(scope, s)) return 'full';
  return 'public';
}

/** What a reader is shown: internal bookkeeping stays on the server; anonymity hides the reporter. */
export function toView(s: IssueState, access: 'full' | 'public'): GridIssue {
  const hideReporter = access === 'public' && s.anonymous;
  return {
    id: s.id,
    version: s.version,
    category: s.category,
    suggestedCategory: s.suggestedCategory,
    title: s.title,
    description: s.description,
    gridId: s.gridId,
    address: s.address,
    location: s.location,
    photos: s.photos,
    anonymous: s.anonymous,
    reporterId: hideReporter ? null : s.reporterId,
    contact: access === 'full' ? s.contact : null,
    status: s.status,
    target: s.target,
    leadDepartmentId: s.leadDepartmentId,
    routedBy: s.routedBy,
    reportedAt: s.reportedAt,
    routedAt: s.routedAt,
    firstResponseAt: s.firstResponseAt,
    resolvedAt: s.resolvedAt,
    closedAt: s.closedAt,
    outcome: s.outcome,
    mediationSucceeded: s.mediationSucceeded,
    extensionPending: s.extensionPending,
    extensionDays: s.extensionDays,
    routingMisses: s.routingMisses,
    reworks: s.reworks,
    rating: s.rating,
    deadlines: s.deadlines,
  };
}
