import { type Static, Type } from '@sinclair/typebox';
import { Id } from './common.js';
import { AccountRole, BranchRole, MemberStatus } from './roles.js';

/**
 * `GET /api/v1/me/positions`: the signed-in user's own place in the organization, exactly what the server's
 * permission scope holds for them (the client uses it to show or hide entries; the server still decides).
 */
const Ids = Type.Array(Id);

export const PositionMembership = Type.Object({
  branchId: Id,
  committeeId: Id,
  groupId: Type.Union([Id, Type.Null()]),
  role: BranchRole,
  status: MemberStatus,
});
export type PositionMembership = Static<typeof PositionMembership>;

export const CommitteeRef = Type.Object({ id: Id, name: Type.String() });
export type CommitteeRef = Static<typeof CommitteeRef>;

export const MyPositions = Type.Object({
  userId: Id,
  role: AccountRole,
  isAdmin: Type.Boolean(),
  /** Committees (党委) this user administers, with their names. */
  adminOfCommittees: Type.Array(CommitteeRef),
  /** Active memberships only. */
  memberships: Type.Array(PositionMembership),
  /** Departments the user is staff or head of. */
  departmentIds: Ids,
  headOfDepartments: Ids,
  isLawyer: Type.Boolean(),
  /** Grids the user works in or leads. */
  gridIds: Ids,
  leaderOfGrids: Ids,
});
export type MyPositions = Static<typeof MyPositions>;
