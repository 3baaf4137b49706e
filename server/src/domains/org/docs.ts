import type {
  Branch,
  BranchRole,
  Committee,
  Department,
  Grid,
  Group,
  Lawyer,
  MemberStatus,
  Membership,
} from '@zhibu/shared';
import type { Db, ObjectId } from 'mongodb';

/** Stored shapes of the org collections (declared with their indexes in db/indexes.ts). */
export interface CommitteeDoc {
  _id: ObjectId;
  name: string;
  createdAt: Date;
}
export interface CommitteeAdminDoc {
  _id: string; // "<committeeId>:<userId>"
  committeeId: ObjectId;
  userId: ObjectId;
}
export interface BranchDoc {
  _id: ObjectId;
  committeeId: ObjectId;
  name: string;
  virtual: boolean;
  industries: string[];
  regions: string[];
  createdAt: Date;
}
export interface GroupDoc {
  _id: ObjectId;
  branchId: ObjectId;
  committeeId: ObjectId;
  name: string;
  leaderId: ObjectId | null;
}
export interface MembershipDoc {
  _id: ObjectId;
  userId: ObjectId;
  branchId: ObjectId;
  committeeId: ObjectId;
  groupId: ObjectId | null;
  role: BranchRole;
  status: MemberStatus;
  employer: string;
  industry: string;
  region: string;
  active: boolean;
  joinedAt: Date;
  endedAt: Date | null;
  /** Version of the last change in `membership_changes`; changes are serialized through that log. */
  version: number;
}
/** Append-only history of a membership; the unique `_id` "<membershipId>:<version>" arbitrates writers. */
export interface MembershipChangeDoc {
  _id: string;
  membershipId: ObjectId;
  version: number;
  at: Date;
  by: ObjectId | null;
  state: Omit<MembershipDoc, '_id' | 'version'>;
}
export interface DepartmentDoc {
  _id: ObjectId;
  name: string;
  description: string;
  headUserId: ObjectId | null;
}
export interface DepartmentStaffDoc {
  _id: string; // "<departmentId>:<userId>"
  departmentId: ObjectId;
  userId: ObjectId;
}
export interface LawyerDoc {
  _id: ObjectId; // the user's id
  userId: ObjectId;
  firm: string;
  specialties: string[];
  available: boolean;
}
export interface GridDoc {
  _id: ObjectId;
  name: string;
  committeeId: ObjectId;
  area: string;
  leaderId: ObjectId | null;
}
export interface GridWorkerDoc {
  _id: string; // "<gridId>:<userId>"
  gridId: ObjectId;
  userId: ObjectId;
}

export function orgCollections(db: Db) {
  return {
    committees: db.collection<CommitteeDoc>('committees'),
    committeeAdmins: db.collection<CommitteeAdminDoc>('committee_admins'),
    branches: db.collection<BranchDoc>('branches'),
    groups: db.collection<GroupDoc>('groups'),
    memberships: db.collection<MembershipDoc>('memberships'),
    membershipChanges: db.collection<MembershipChangeDoc>('membership_changes'),
    departments: db.collection<DepartmentDoc>('departments'),
    departmentStaff: db.collection<DepartmentStaffDoc>('department_staff'),
    lawyers: db.collection<LawyerDoc>('lawyers'),
    grids: db.collection<GridDoc>('grids'),
    gridWorkers: db.collection<GridWorkerDoc>('grid_workers'),
  };
}
export type OrgCollections = ReturnType<typeof orgCollections>;

const hex = (id: ObjectId | null) => (id ? id.toHexString() : null);

export const toCommittee = (d: CommitteeDoc): Committee => ({
  id: d._id.toHexString(),
  name: d.name,
  createdAt: d.createdAt.toISOString(),
});
export const toBranch = (d: BranchDoc): Branch => ({
  id: d._id.toHexString(),
  committeeId: d.committeeId.toHexString(),
  name: d.name,
  virtual: d.virtual,
  industries: d.industries,
  regions: d.regions,
  createdAt: d.createdAt.toISOString(),
});
export const toGroup = (d: GroupDoc, leaderName: string | null): Group => ({
  id: d._id.toHexString(),
  branchId: d.branchId.toHexString(),
  committeeId: d.committeeId.toHexString(),
  name: d.name,
  leaderId: hex(d.leaderId),
  leaderName,
});
export const toMembership = (d: MembershipDoc, displayName: string): Membership => ({
  id: d._id.toHexString(),
  userId: d.userId.toHexString(),
  displayName,
  branchId: d.branchId.toHexString(),
  committeeId: d.committeeId.toHexString(),
  groupId: hex(d.groupId),
  role: d.role,
  status: d.status,
  employer: d.employer,
  industry: d.industry,
  region: d.region,
  active: d.active,
  joinedAt: d.joinedAt.toISOString(),
  endedAt: d.endedAt ? d.endedAt.toISOString() : null,
});
export const toDepartment = (d: DepartmentDoc, headName: string | null): Department => ({
  id: d._id.toHexString(),
  name: d.name,
  description: d.description,
  headUserId: hex(d.headUserId),
  headName,
});
export const toLawyer = (d: LawyerDoc, displayName: string): Lawyer => ({
  id: d._id.toHexString(),
  userId: d.userId.toHexString(),
  displayName,
  firm: d.firm,
  specialties: d.specialties,
  available: d.available,
});
export const toGrid = (d: GridDoc, leaderName: string | null): Grid => ({
  id: d._id.toHexString(),
  name: d.name,
  committeeId: d.committeeId.toHexString(),
  area: d.area,
  leaderId: hex(d.leaderId),
  leaderName,
});
