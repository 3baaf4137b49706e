import type { AccountRole, BranchRole, MemberStatus } from '@zhibu/shared';
import { type Db, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';

export interface ScopeMembership {
  branchId: string;
  committeeId: string;
  groupId: string | null;
  role: BranchRole;
  status: MemberStatus;
}

/** Everything that decides what one user may see or change, loaded once per request. */
export interface Scope {
  userId: string;
  role: AccountRole;
  isAdmin: boolean;
  adminOfCommittees: string[];
  /** Active memberships only. */
  memberships: ScopeMembership[];
  departmentIds: string[];
  headOfDepartments: string[];
  isLawyer: boolean;
  gridIds: string[];
  leaderOfGrids: string[];
}

const hex = (id: ObjectId | string) => (typeof id === 'string' ? id : id.toHexString());

/** Reads the user's account role and org positions from storage (never from the token alone). */
export async function loadScopeFromDb(db: Db, userId: string): Promise<Scope> {
  if (!ObjectId.isValid(userId) || userId.length !== 24) throw new AppError('UNAUTHENTICATED');
  const uid = new ObjectId(userId);
  const user = await db
    .collection<{ _id: ObjectId; role: AccountRole; disabled: boolean }>('users')
    .findOne({ _id: uid }, { projection: { role: 1, disabled: 1 } });
  if (!user || user.disabled) throw new AppError('UNAUTHENTICATED');

  const [admins, memberships, staff, heads, lawyer, workers, leads] = await Promise.all([
    db
      .collection('committee_admins')
      .find({ userId: uid }, { projection: { committeeId: 1 } })
      .toArray(),
    db
      .collection('memberships')
      .find(
        { userId: uid, active: true },
        { projection: { branchId: 1, committeeId: 1, groupId: 1, role: 1, status: 1 } },
      )
      .toArray(),
    db
      .collection('department_staff')
      .find({ userId: uid }, { projection: { departmentId: 1 } })
      .toArray(),
    db
      .collection('departments')
      .find({ headUserId: uid }, { projection: { _id: 1 } })
      .toArray(),
    db.collection('lawyers').findOne({ _id: uid }, { projection: { _id: 1 } }),
    db
      .collection('grid_workers')
      .find({ userId: uid }, { projection: { gridId: 1 } })
      .toArray(),
    db
      .collection('grids')
      .find({ leaderId: uid }, { projection: { _id: 1 } })
      .toArray(),
  ]);
  const leaderOfGrids = leads.map((g) => hex(g._id));
  const headOfDepartments = heads.map((d) => hex(d._id));
  return {
    userId,
    role: user.role,
    isAdmin: user.role === 'admin',
    adminOfCommittees: admins.map((a) => hex(a.committeeId)),
    memberships: memberships.map((m) => ({
      branchId: hex(m.branchId),
      committeeId: hex(m.committeeId),
      groupId: m.groupId ? hex(m.groupId) : null,
      role: m.role as BranchRole,
      status: m.status as MemberStatus,
    })),
    departmentIds: [...new Set([...staff.map((s) => hex(s.departmentId)), ...headOfDepartments])],
    headOfDepartments,
    isLawyer: lawyer !== null,
    gridIds: [...new Set([...workers.map((w) => hex(w.gridId)), ...leaderOfGrids])],
    leaderOfGrids,
  };
}

export const loadScope = (ctx: AppContext, userId: string): Promise<Scope> => loadScopeFromDb(ctx.db, userId);
