import { type Static, Type } from '@sinclair/typebox';

/** Account-level role. Everything finer (secretary of a branch, department staff…) comes from org data. */
export const AccountRoles = ['admin', 'user', 'resident'] as const;
export type AccountRole = (typeof AccountRoles)[number];
export const AccountRole = Type.Union(AccountRoles.map((r) => Type.Literal(r)));

export const BranchRoles = ['secretary', 'deputySecretary', 'committeeMember', 'member'] as const;
export type BranchRole = (typeof BranchRoles)[number];
export const BranchRole = Type.Union(BranchRoles.map((r) => Type.Literal(r)));

/** Branch roles that lead the branch (支委): they schedule, approve and manage. */
export const LeadingBranchRoles: readonly BranchRole[] = ['secretary', 'deputySecretary', 'committeeMember'];

export const MemberStatuses = ['full', 'probationary', 'candidate', 'activist', 'applicant'] as const;
export type MemberStatus = (typeof MemberStatuses)[number];
export const MemberStatus = Type.Union(MemberStatuses.map((s) => Type.Literal(s)));

export type BranchRoleSchema = Static<typeof BranchRole>;
