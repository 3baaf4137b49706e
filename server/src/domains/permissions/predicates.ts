import { type BranchRole, LeadingBranchRoles } from '@zhibu/shared';
import { AppError } from '../../http/app-error.js';
import type { Scope } from './scope.js';

/*
 * The one set of permission rules, along the org tree:
 * - an admin may do everything;
 * - a committee's admins may do everything beneath that committee;
 * - a secretary (or deputy secretary) manages their branch;
 * - members read their own branch, including its member list, and nobody reads another branch's members;
 * - residents see nothing but their own profile.
 * Pure functions of a Scope, so they are unit-tested as a matrix.
 */

export interface BranchRef {
  branchId: string;
  committeeId: string;
}

const MANAGING_ROLES: readonly BranchRole[] = ['secretary', 'deputySecretary'];

export const isResident = (scope: Scope): boolean => scope.role === 'resident';

export const canAdminCommittee = (scope: Scope, committeeId: string): boolean =>
  scope.isAdmin || scope.adminOfCommittees.includes(committeeId);

export const membershipIn = (scope: Scope, branchId: string) =>
  scope.memberships.find((m) => m.branchId === branchId);

export const isBranchMember = (scope: Scope, branchId: string): boolean =>
  !isResident(scope) && membershipIn(scope, branchId) !== undefined;

export const isGroupMember = (scope: Scope, groupId: string): boolean =>
  !isResident(scope) && scope.memberships.some((m) => m.groupId === groupId);

/** Secretary or deputy of this branch, or above it in the tree. */
export const canManageBranch = (scope: Scope, ref: BranchRef): boolean => {
  if (canAdminCommittee(scope, ref.committeeId)) return true;
  const m = membershipIn(scope, ref.branchId);
  return !isResident(scope) && m !== undefined && MANAGING_ROLES.includes(m.role);
};

/** Any leading role of the branch (支委: secretary, deputy, committee member), or above it. */
export const canLeadBranch = (scope: Scope, ref: BranchRef): boolean => {
  if (canAdminCommittee(scope, ref.committeeId)) return true;
  const m = membershipIn(scope, ref.branchId);
  return !isResident(scope) && m !== undefined && LeadingBranchRoles.includes(m.role);
};

/** Reading a branch and its member list: its own members and everyone above it. */
export const canReadBranch = (scope: Scope, ref: BranchRef): boolean =>
  canAdminCommittee(scope, ref.committeeId) || isBranchMember(scope, ref.branchId);

/** A committee's name and branches list: the admins of it and members of any branch under it. */
export const canReadCommittee = (scope: Scope, committeeId: string): boolean =>
  canAdminCommittee(scope, committeeId) ||
  (!isResident(scope) && scope.memberships.some((m) => m.committeeId === committeeId));

/** Org-wide directories (departments, lawyers, grids): any signed-in account except residents. */
export const canReadDirectory = (scope: Scope): boolean => !isResident(scope);

export const canManageDirectory = (scope: Scope): boolean => scope.isAdmin;

/** Grids belong to a committee: its admins manage them. */
export const canManageGrid = (scope: Scope, committeeId: string): boolean =>
  canAdminCommittee(scope, committeeId);

/** The branches a user may list, as ids: null means "all" (admin). */
export function readableBranchFilter(scope: Scope): { committeeIds: string[]; branchIds: string[] } | null {
  if (scope.isAdmin) return null;
  if (isResident(scope)) return { committeeIds: [], branchIds: [] };
  return { committeeIds: scope.adminOfCommittees, branchIds: scope.memberships.map((m) => m.branchId) };
}

/** The committees a user may list: null means "all" (admin). */
export function readableCommitteeIds(scope: Scope): string[] | null {
  if (scope.isAdmin) return null;
  if (isResident(scope)) return [];
  return [...new Set([...scope.adminOfCommittees, ...scope.memberships.map((m) => m.committeeId)])];
}

/** Throws FORBIDDEN unless `allowed`; routes call it with one of the predicates above. */
export function ensure(allowed: boolean, why?: string): void {
  if (!allowed) throw new AppError('FORBIDDEN', why);
}
