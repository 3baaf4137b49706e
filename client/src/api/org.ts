import type {
  AcceptInvitationBody,
  AcceptInvitationResponse,
  AddPersonBody,
  Branch,
  BranchListQuery,
  BranchPage,
  Committee,
  CommitteePage,
  CreateBranchBody,
  CreateCommitteeBody,
  CreateDepartmentBody,
  CreatedInvitation,
  CreateGridBody,
  CreateGroupBody,
  CreateInvitationBody,
  CreateLawyerBody,
  Department,
  DepartmentPage,
  Grid,
  GridPage,
  Group,
  GroupPage,
  Invitation,
  InvitationListQuery,
  InvitationPage,
  InvitationPreview,
  Lawyer,
  LawyerListQuery,
  LawyerPage,
  MemberListQuery,
  Membership,
  MembershipPage,
  MyMembershipList,
  MyPositions,
  PersonList,
  UpdateBranchBody,
  UpdateCommitteeBody,
  UpdateDepartmentBody,
  UpdateGridBody,
  UpdateGroupBody,
  UpdateLawyerBody,
  UpdateMemberBody,
} from '@zhibu/shared';
import { api, type Query } from './http';
import { rememberUsers } from './users';

/**
 * Every org/people REST call of the client, in one place (paths of the org API in server/src/domains/org).
 * Query objects are the shared TypeBox query types, so a filter the server does not know fails to compile.
 */
type Q<T> = Partial<T> & Query;
const enc = encodeURIComponent;

/** Lists that carry people's names feed the name cache (ids elsewhere then show names). */
async function withNames<T extends { items: { userId: string; displayName: string }[] }>(
  request: Promise<T>,
): Promise<T> {
  const page = await request;
  rememberUsers(page.items.map((p) => ({ id: p.userId, displayName: p.displayName })));
  return page;
}

export const orgApi = {
  // committees (党委)
  committees: (query: Q<{ q: string; limit: number; cursor: string }> = {}) =>
    api<CommitteePage>('/api/v1/committees', { query: { limit: 200, ...query } }),
  createCommittee: (body: CreateCommitteeBody) =>
    api<Committee>('/api/v1/committees', { method: 'POST', body }),
  updateCommittee: (id: string, body: UpdateCommitteeBody) =>
    api<Committee>(`/api/v1/committees/${id}`, { method: 'PATCH', body }),

  // branches (党支部)
  branches: (query: Q<BranchListQuery> = {}) => api<BranchPage>('/api/v1/branches', { query }),
  branch: (id: string) => api<Branch>(`/api/v1/branches/${id}`),
  createBranch: (body: CreateBranchBody) => api<Branch>('/api/v1/branches', { method: 'POST', body }),
  updateBranch: (id: string, body: UpdateBranchBody) =>
    api<Branch>(`/api/v1/branches/${id}`, { method: 'PATCH', body }),

  // groups (党小组)
  groups: (branchId: string) =>
    api<GroupPage>(`/api/v1/branches/${branchId}/groups`, { query: { limit: 200 } }),
  createGroup: (branchId: string, body: CreateGroupBody) =>
    api<Group>(`/api/v1/branches/${branchId}/groups`, { method: 'POST', body }),
  updateGroup: (id: string, body: UpdateGroupBody) =>
    api<Group>(`/api/v1/groups/${id}`, { method: 'PATCH', body }),

  // members
  members: (branchId: string, query: Q<MemberListQuery> = {}) =>
    withNames(api<MembershipPage>(`/api/v1/branches/${branchId}/members`, { query })),
  updateMember: (branchId: string, userId: string, body: UpdateMemberBody) =>
    api<Membership>(`/api/v1/branches/${branchId}/members/${userId}`, { method: 'PATCH', body }),
  removeMember: (branchId: string, userId: string) =>
    api(`/api/v1/branches/${branchId}/members/${userId}`, { method: 'DELETE' }),
  myMemberships: () => api<MyMembershipList>('/api/v1/me/memberships'),
  /** The signed-in user's positions (account role, committees administered, memberships, …). */
  myPositions: () => api<MyPositions>('/api/v1/me/positions'),

  // invitations
  invitations: (branchId: string, query: Q<InvitationListQuery> = {}) =>
    api<InvitationPage>(`/api/v1/branches/${branchId}/invitations`, { query }),
  createInvitation: (branchId: string, body: CreateInvitationBody) =>
    api<CreatedInvitation>(`/api/v1/branches/${branchId}/invitations`, { method: 'POST', body }),
  revokeInvitation: (branchId: string, invitationId: string) =>
    api<Invitation>(`/api/v1/branches/${branchId}/invitations/${invitationId}`, { method: 'DELETE' }),
  previewInvitation: (token: string) =>
    api<InvitationPreview>(`/api/v1/invitations/${enc(token)}`, { auth: false }),
  acceptInvitation: (token: string, body: AcceptInvitationBody, signedIn: boolean) =>
    api<AcceptInvitationResponse>(`/api/v1/invitations/${enc(token)}/accept`, {
      method: 'POST',
      body,
      auth: signedIn,
    }),

  // departments (职能部门)
  departments: (query: Q<{ q: string; limit: number; cursor: string }> = {}) =>
    api<DepartmentPage>('/api/v1/departments', { query }),
  createDepartment: (body: CreateDepartmentBody) =>
    api<Department>('/api/v1/departments', { method: 'POST', body }),
  updateDepartment: (id: string, body: UpdateDepartmentBody) =>
    api<Department>(`/api/v1/departments/${id}`, { method: 'PATCH', body }),
  departmentStaff: (id: string) => withNames(api<PersonList>(`/api/v1/departments/${id}/staff`)),
  addDepartmentStaff: (id: string, body: AddPersonBody) =>
    api(`/api/v1/departments/${id}/staff`, { method: 'POST', body }),
  removeDepartmentStaff: (id: string, userId: string) =>
    api(`/api/v1/departments/${id}/staff/${userId}`, { method: 'DELETE' }),

  // grids (网格)
  grids: (query: Q<{ committeeId: string; q: string; limit: number; cursor: string }> = {}) =>
    api<GridPage>('/api/v1/grids', { query }),
  createGrid: (body: CreateGridBody) => api<Grid>('/api/v1/grids', { method: 'POST', body }),
  updateGrid: (id: string, body: UpdateGridBody) =>
    api<Grid>(`/api/v1/grids/${id}`, { method: 'PATCH', body }),
  gridWorkers: (id: string) => withNames(api<PersonList>(`/api/v1/grids/${id}/workers`)),
  addGridWorker: (id: string, body: AddPersonBody) =>
    api(`/api/v1/grids/${id}/workers`, { method: 'POST', body }),
  removeGridWorker: (id: string, userId: string) =>
    api(`/api/v1/grids/${id}/workers/${userId}`, { method: 'DELETE' }),

  // lawyers pool (律师)
  lawyers: (query: Q<LawyerListQuery> = {}) => withNames(api<LawyerPage>('/api/v1/lawyers', { query })),
  createLawyer: (body: CreateLawyerBody) => api<Lawyer>('/api/v1/lawyers', { method: 'POST', body }),
  updateLawyer: (id: string, body: UpdateLawyerBody) =>
    api<Lawyer>(`/api/v1/lawyers/${id}`, { method: 'PATCH', body }),
  removeLawyer: (id: string) => api(`/api/v1/lawyers/${id}`, { method: 'DELETE' }),
};

export const orgKeys = {
  committees: ['org', 'committees'] as const,
  branches: (query: object = {}) => ['org', 'branches', query] as const,
  branch: (id: string) => ['org', 'branch', id] as const,
  groups: (branchId: string) => ['org', 'groups', branchId] as const,
  members: (branchId: string, query: object = {}) => ['org', 'members', branchId, query] as const,
  invitations: (branchId: string, query: object = {}) => ['org', 'invitations', branchId, query] as const,
  departments: ['org', 'departments'] as const,
  departmentStaff: (id: string) => ['org', 'department-staff', id] as const,
  grids: ['org', 'grids'] as const,
  gridWorkers: (id: string) => ['org', 'grid-workers', id] as const,
  lawyers: ['org', 'lawyers'] as const,
  myMemberships: ['me', 'memberships'] as const,
  myPositions: ['me', 'positions'] as const,
};
