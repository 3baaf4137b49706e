import { describe, expect, it } from 'vitest';
import {
  canAdminCommittee,
  canLeadBranch,
  canManageBranch,
  canManageDirectory,
  canManageGrid,
  canReadBranch,
  canReadCommittee,
  canReadDirectory,
  isBranchMember,
  isGroupMember,
  readableBranchFilter,
  readableCommitteeIds,
} from './predicates.js';
import type { Scope, ScopeMembership } from './scope.js';

const C1 = 'c1'.padEnd(24, '0');
const C2 = 'c2'.padEnd(24, '0');
const A = 'a1'.padEnd(24, '0'); // branch A under C1
const B = 'b1'.padEnd(24, '0'); // branch B under C1
const X = 'e1'.padEnd(24, '0'); // branch X under C2
const G = 'f1'.padEnd(24, '0'); // a group of A

const scope = (over: Partial<Scope>): Scope => ({
  userId: 'u'.padEnd(24, '0'),
  role: 'user',
  isAdmin: false,
  adminOfCommittees: [],
  memberships: [],
  departmentIds: [],
  headOfDepartments: [],
  isLawyer: false,
  gridIds: [],
  leaderOfGrids: [],
  ...over,
});
const inA = (role: ScopeMembership['role'], groupId: string | null = null): ScopeMembership => ({
  branchId: A,
  committeeId: C1,
  groupId,
  role,
  status: 'full',
});

const who = {
  admin: scope({ role: 'admin', isAdmin: true }),
  committeeAdmin: scope({ adminOfCommittees: [C1] }),
  otherCommitteeAdmin: scope({ adminOfCommittees: [C2] }),
  secretary: scope({ memberships: [inA('secretary')] }),
  deputy: scope({ memberships: [inA('deputySecretary')] }),
  committeeMember: scope({ memberships: [inA('committeeMember')] }),
  memberOfA: scope({ memberships: [inA('member', G)] }),
  memberOfB: scope({ memberships: [{ ...inA('member'), branchId: B }] }),
  // A resident never has powers, even if data says otherwise.
  resident: scope({ role: 'resident', memberships: [inA('secretary')] }),
  nobody: scope({}),
};
type Who = keyof typeof who;

const refA = { branchId: A, committeeId: C1 };
const refX = { branchId: X, committeeId: C2 };

/** predicate → the people for whom it is true; everyone else must get false. */
const matrix: [string, (s: Scope) => boolean, Who[]][] = [
  [
    'canReadBranch(A)',
    (s) => canReadBranch(s, refA),
    ['admin', 'committeeAdmin', 'secretary', 'deputy', 'committeeMember', 'memberOfA'],
  ],
  ['canReadBranch(X)', (s) => canReadBranch(s, refX), ['admin', 'otherCommitteeAdmin']],
  ['canManageBranch(A)', (s) => canManageBranch(s, refA), ['admin', 'committeeAdmin', 'secretary', 'deputy']],
  [
    'canLeadBranch(A)',
    (s) => canLeadBranch(s, refA),
    ['admin', 'committeeAdmin', 'secretary', 'deputy', 'committeeMember'],
  ],
  ['canAdminCommittee(C1)', (s) => canAdminCommittee(s, C1), ['admin', 'committeeAdmin']],
  [
    'canReadCommittee(C1)',
    (s) => canReadCommittee(s, C1),
    ['admin', 'committeeAdmin', 'secretary', 'deputy', 'committeeMember', 'memberOfA', 'memberOfB'],
  ],
  ['canManageGrid(C1)', (s) => canManageGrid(s, C1), ['admin', 'committeeAdmin']],
  ['isBranchMember(A)', (s) => isBranchMember(s, A), ['secretary', 'deputy', 'committeeMember', 'memberOfA']],
  ['isGroupMember(G)', (s) => isGroupMember(s, G), ['memberOfA']],
  ['canReadDirectory', canReadDirectory, (Object.keys(who) as Who[]).filter((w) => w !== 'resident')],
  ['canManageDirectory', canManageDirectory, ['admin']],
];

describe('permission matrix', () => {
  for (const [name, predicate, allowed] of matrix) {
    it.each(Object.keys(who) as Who[])(`${name} for %s`, (w) => {
      expect(predicate(who[w])).toBe(allowed.includes(w));
    });
  }
});

describe('list filters', () => {
  it('lets admins see all branches and committees, residents none', () => {
    expect(readableBranchFilter(who.admin)).toBeNull();
    expect(readableCommitteeIds(who.admin)).toBeNull();
    expect(readableBranchFilter(who.resident)).toEqual({ committeeIds: [], branchIds: [] });
    expect(readableCommitteeIds(who.resident)).toEqual([]);
  });
  it('limits others to the committees they administer and the branches they belong to', () => {
    expect(readableBranchFilter(who.committeeAdmin)).toEqual({ committeeIds: [C1], branchIds: [] });
    expect(readableBranchFilter(who.memberOfB)).toEqual({ committeeIds: [], branchIds: [B] });
    expect(readableCommitteeIds(who.memberOfB)).toEqual([C1]);
  });
});
