import { type Static, Type } from '@sinclair/typebox';
import { Mobile, Password, Username } from './auth.js';
import { Id, Page, Text, Timestamp } from './common.js';
import { BranchRole, MemberStatus } from './roles.js';

/*
 * The organization tree and its people: committee (党委) → branch (党支部) → group (党小组),
 * memberships, departments (职能部门) with staff, the lawyers pool, grids (网格) with leader and workers,
 * invitations into a branch, and the OrgEvent union published across processes.
 * All ids are 24-hex ObjectId strings on the wire.
 */

const Name = Text(60);
const Tag = Text(40);
const Tags = Type.Array(Tag, { maxItems: 20, uniqueItems: true });
const NullableId = Type.Union([Id, Type.Null()]);
const NullableName = Type.Union([Type.String(), Type.Null()]);
const Bool = Type.Boolean();

/** Pagination shared by every org list: `limit` (1–200, default 50) and an opaque `cursor`. */
const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from nextCursor' })),
};
const query = <P extends Parameters<typeof Type.Object>[0]>(props: P) =>
  Type.Object({ ...paging, ...props }, { additionalProperties: false });

// ---------- committees (党委) ----------

export const Committee = Type.Object({ id: Id, name: Type.String(), createdAt: Timestamp });
export type Committee = Static<typeof Committee>;
export const CommitteePage = Page(Committee);
export type CommitteePage = Static<typeof CommitteePage>;

export const CreateCommitteeBody = Type.Object({ name: Name }, { additionalProperties: false });
export type CreateCommitteeBody = Static<typeof CreateCommitteeBody>;
export const UpdateCommitteeBody = CreateCommitteeBody;
export type UpdateCommitteeBody = Static<typeof UpdateCommitteeBody>;

export const CommitteeListQuery = query({ q: Type.Optional(Text(60)) });
export type CommitteeListQuery = Static<typeof CommitteeListQuery>;

export const CommitteeAdminBody = Type.Object({ userId: Id }, { additionalProperties: false });
export type CommitteeAdminBody = Static<typeof CommitteeAdminBody>;
export const CommitteeAdmin = Type.Object({
  committeeId: Id,
  userId: Id,
  displayName: Type.String(),
});
export type CommitteeAdmin = Static<typeof CommitteeAdmin>;
export const CommitteeAdminList = Type.Object({ items: Type.Array(CommitteeAdmin) });
export type CommitteeAdminList = Static<typeof CommitteeAdminList>;
export const CommitteeAdminParams = Type.Object({ id: Id, userId: Id }, { additionalProperties: false });
export type CommitteeAdminParams = Static<typeof CommitteeAdminParams>;

// ---------- branches (党支部 / 虚拟党支部) ----------

export const Branch = Type.Object({
  id: Id,
  committeeId: Id,
  name: Type.String(),
  /** A virtual branch: members come from several employers, industries and regions. */
  virtual: Bool,
  industries: Type.Array(Type.String()),
  regions: Type.Array(Type.String()),
  createdAt: Timestamp,
});
export type Branch = Static<typeof Branch>;
export const BranchPage = Page(Branch);
export type BranchPage = Static<typeof BranchPage>;

export const CreateBranchBody = Type.Object(
  {
    committeeId: Id,
    name: Name,
    virtual: Type.Optional(Bool),
    industries: Type.Optional(Tags),
    regions: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type CreateBranchBody = Static<typeof CreateBranchBody>;

export const UpdateBranchBody = Type.Object(
  {
    name: Type.Optional(Name),
    virtual: Type.Optional(Bool),
    industries: Type.Optional(Tags),
    regions: Type.Optional(Tags),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateBranchBody = Static<typeof UpdateBranchBody>;

export const BranchListQuery = query({
  committeeId: Type.Optional(Id),
  virtual: Type.Optional(Bool),
  industry: Type.Optional(Tag),
  region: Type.Optional(Tag),
  q: Type.Optional(Text(60)),
});
export type BranchListQuery = Static<typeof BranchListQuery>;

// ---------- groups (党小组) ----------

export const Group = Type.Object({
  id: Id,
  branchId: Id,
  committeeId: Id,
  name: Type.String(),
  leaderId: NullableId,
  /** The leader's display name (null without a leader). */
  leaderName: NullableName,
});
export type Group = Static<typeof Group>;
export const GroupPage = Page(Group);
export type GroupPage = Static<typeof GroupPage>;

export const CreateGroupBody = Type.Object(
  { name: Name, leaderId: Type.Optional(NullableId) },
  { additionalProperties: false },
);
export type CreateGroupBody = Static<typeof CreateGroupBody>;
export const UpdateGroupBody = Type.Object(
  { name: Type.Optional(Name), leaderId: Type.Optional(NullableId) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;
export const GroupListQuery = query({});
export type GroupListQuery = Static<typeof GroupListQuery>;

// ---------- memberships ----------

const memberFields = {
  role: BranchRole,
  status: MemberStatus,
  employer: Text(80, 0),
  industry: Text(40, 0),
  region: Text(40, 0),
};

export const Membership = Type.Object({
  id: Id,
  userId: Id,
  displayName: Type.String(),
  branchId: Id,
  committeeId: Id,
  groupId: NullableId,
  ...memberFields,
  active: Bool,
  joinedAt: Timestamp,
  endedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Membership = Static<typeof Membership>;
export const MembershipPage = Page(Membership);
export type MembershipPage = Static<typeof MembershipPage>;

export const AddMemberBody = Type.Object(
  {
    userId: Id,
    role: Type.Optional(BranchRole),
    status: Type.Optional(MemberStatus),
    employer: Type.Optional(memberFields.employer),
    industry: Type.Optional(memberFields.industry),
    region: Type.Optional(memberFields.region),
    groupId: Type.Optional(NullableId),
  },
  { additionalProperties: false },
);
export type AddMemberBody = Static<typeof AddMemberBody>;

export const UpdateMemberBody = Type.Object(
  {
    role: Type.Optional(BranchRole),
    status: Type.Optional(MemberStatus),
    employer: Type.Optional(memberFields.employer),
    industry: Type.Optional(memberFields.industry),
    region: Type.Optional(memberFields.region),
    groupId: Type.Optional(NullableId),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;

export const MemberListQuery = query({
  role: Type.Optional(BranchRole),
  status: Type.Optional(MemberStatus),
  groupId: Type.Optional(Id),
  employer: Type.Optional(Text(80)),
  industry: Type.Optional(Tag),
  region: Type.Optional(Tag),
  /** Default true: current members only; false lists former members. */
  active: Type.Optional(Bool),
});
export type MemberListQuery = Static<typeof MemberListQuery>;

export const BranchMemberParams = Type.Object({ id: Id, userId: Id }, { additionalProperties: false });
export type BranchMemberParams = Static<typeof BranchMemberParams>;

/** The signed-in user's own memberships (what `GET /api/v1/me/memberships` returns). */
export const MyMembership = Type.Composite([
  Membership,
  Type.Object({ branchName: Type.String(), virtual: Bool }),
]);
export type MyMembership = Static<typeof MyMembership>;
export const MyMembershipList = Type.Object({ items: Type.Array(MyMembership) });
export type MyMembershipList = Static<typeof MyMembershipList>;

// ---------- departments (职能部门) ----------

export const Department = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  headUserId: NullableId,
  /** The head's display name (null without a head). */
  headName: NullableName,
});
export type Department = Static<typeof Department>;
export const DepartmentPage = Page(Department);
export type DepartmentPage = Static<typeof DepartmentPage>;

export const CreateDepartmentBody = Type.Object(
  { name: Name, description: Type.Optional(Text(500, 0)), headUserId: Type.Optional(NullableId) },
  { additionalProperties: false },
);
export type CreateDepartmentBody = Static<typeof CreateDepartmentBody>;
export const UpdateDepartmentBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Text(500, 0)),
    headUserId: Type.Optional(NullableId),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDepartmentBody = Static<typeof UpdateDepartmentBody>;
export const DepartmentListQuery = query({ q: Type.Optional(Text(60)) });
export type DepartmentListQuery = Static<typeof DepartmentListQuery>;

/** A person attached to a department, a grid, … (staff, grid workers). */
export const PersonRef = Type.Object({ userId: Id, displayName: Type.String() });
export type PersonRef = Static<typeof PersonRef>;
export const PersonList = Type.Object({ items: Type.Array(PersonRef) });
export type PersonList = Static<typeof PersonList>;
export const AddPersonBody = Type.Object({ userId: Id }, { additionalProperties: false });
export type AddPersonBody = Static<typeof AddPersonBody>;
export const PersonParams = Type.Object({ id: Id, userId: Id }, { additionalProperties: false });
export type PersonParams = Static<typeof PersonParams>;

// ---------- lawyers pool (律师) ----------

export const Lawyer = Type.Object({
  id: Id,
  userId: Id,
  displayName: Type.String(),
  firm: Type.String(),
  specialties: Type.Array(Type.String()),
  available: Bool,
});
export type Lawyer = Static<typeof Lawyer>;
export const LawyerPage = Page(Lawyer);
export type LawyerPage = Static<typeof LawyerPage>;

export const CreateLawyerBody = Type.Object(
  { userId: Id, firm: Text(80), specialties: Type.Optional(Tags), available: Type.Optional(Bool) },
  { additionalProperties: false },
);
export type CreateLawyerBody = Static<typeof CreateLawyerBody>;
export const UpdateLawyerBody = Type.Object(
  { firm: Type.Optional(Text(80)), specialties: Type.Optional(Tags), available: Type.Optional(Bool) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateLawyerBody = Static<typeof UpdateLawyerBody>;
export const LawyerListQuery = query({ available: Type.Optional(Bool), specialty: Type.Optional(Tag) });
export type LawyerListQuery = Static<typeof LawyerListQuery>;

// ---------- grids (网格) ----------

export const Grid = Type.Object({
  id: Id,
  name: Type.String(),
  committeeId: Id,
  area: Type.String(),
  leaderId: NullableId,
  /** The grid leader's (网格长) display name (null without a leader). */
  leaderName: NullableName,
});
export type Grid = Static<typeof Grid>;
export const GridPage = Page(Grid);
export type GridPage = Static<typeof GridPage>;

export const CreateGridBody = Type.Object(
  { name: Name, committeeId: Id, area: Type.Optional(Text(200, 0)), leaderId: Type.Optional(NullableId) },
  { additionalProperties: false },
);
export type CreateGridBody = Static<typeof CreateGridBody>;
export const UpdateGridBody = Type.Object(
  { name: Type.Optional(Name), area: Type.Optional(Text(200, 0)), leaderId: Type.Optional(NullableId) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGridBody = Static<typeof UpdateGridBody>;
export const GridListQuery = query({ committeeId: Type.Optional(Id), q: Type.Optional(Text(60)) });
export type GridListQuery = Static<typeof GridListQuery>;

// ---------- invitations ----------

export const InvitationStates = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationState = (typeof InvitationStates)[number];
export const InvitationState = Type.Union(InvitationStates.map((s) => Type.Literal(s)));

export const CreateInvitationBody = Type.Object(
  {
    displayName: Text(40),
    mobile: Type.Optional(Mobile),
    username: Type.Optional(Username),
    role: Type.Optional(BranchRole),
    status: Type.Optional(MemberStatus),
    employer: Type.Optional(memberFields.employer),
    industry: Type.Optional(memberFields.industry),
    region: Type.Optional(memberFields.region),
    groupId: Type.Optional(NullableId),
  },
  { additionalProperties: false },
);
export type CreateInvitationBody = Static<typeof CreateInvitationBody>;

export const Invitation = Type.Object({
  id: Id,
  branchId: Id,
  committeeId: Id,
  displayName: Type.String(),
  mobile: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  ...memberFields,
  groupId: NullableId,
  invitedBy: Id,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  state: InvitationState,
  acceptedBy: NullableId,
});
export type Invitation = Static<typeof Invitation>;
export const InvitationPage = Page(Invitation);
export type InvitationPage = Static<typeof InvitationPage>;

/** Returned once, at creation: the raw token is never stored and never shown again. */
export const CreatedInvitation = Type.Object({
  invitation: Invitation,
  token: Type.String(),
  /** Path the invitee opens in the web client, e.g. /invite/<token>. */
  path: Type.String(),
});
export type CreatedInvitation = Static<typeof CreatedInvitation>;

export const InvitationListQuery = query({ state: Type.Optional(InvitationState) });
export type InvitationListQuery = Static<typeof InvitationListQuery>;

export const InvitationToken = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });
export const InvitationTokenParams = Type.Object({ token: InvitationToken }, { additionalProperties: false });
export type InvitationTokenParams = Static<typeof InvitationTokenParams>;
export const InvitationParams = Type.Object({ id: Id, invitationId: Id }, { additionalProperties: false });
export type InvitationParams = Static<typeof InvitationParams>;

/** What anyone holding the link may see before accepting. */
export const InvitationPreview = Type.Object({
  branchId: Id,
  branchName: Type.String(),
  inviterName: Type.String(),
  displayName: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Timestamp,
  expired: Bool,
  state: InvitationState,
});
export type InvitationPreview = Static<typeof InvitationPreview>;

/**
 * Accepting: without a bearer token, `username` + `password` create the account; with one, the signed-in
 * user is attached and the body may be empty.
 */
export const AcceptInvitationBody = Type.Object(
  {
    username: Type.Optional(Username),
    password: Type.Optional(Password),
    displayName: Type.Optional(Text(40)),
  },
  { additionalProperties: false },
);
export type AcceptInvitationBody = Static<typeof AcceptInvitationBody>;

export const AcceptInvitationResponse = Type.Object({
  userId: Id,
  membership: Membership,
  branch: Branch,
  /** True when a new account was created (the client then signs in with it). */
  createdAccount: Bool,
});
export type AcceptInvitationResponse = Static<typeof AcceptInvitationResponse>;

/**
 * An invitation addressed to the signed-in user (by account, username or mobile), as listed by
 * `GET /api/v1/me/invitations` and accepted in the app with `POST /api/v1/me/invitations/:id/accept`
 * (an invitee who already has an account never sees the raw token).
 */
export const MyInvitation = Type.Object({
  id: Id,
  branchId: Id,
  branchName: Type.String(),
  inviterName: Type.String(),
  displayName: Type.String(),
  role: BranchRole,
  status: MemberStatus,
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
export type MyInvitation = Static<typeof MyInvitation>;
export const MyInvitationList = Type.Object({ items: Type.Array(MyInvitation) });
export type MyInvitationList = Static<typeof MyInvitationList>;
export const MyInvitationParams = Type.Object({ id: Id }, { additionalProperties: false });
export type MyInvitationParams = Static<typeof MyInvitationParams>;

// ---------- org events (Redis pub/sub across processes) ----------

export const OrgEvent = Type.Union([
  Type.Object({
    type: Type.Literal('membership.started'),
    userId: Id,
    branchId: Id,
    groupId: NullableId,
  }),
  Type.Object({ type: Type.Literal('membership.ended'), userId: Id, branchId: Id }),
  Type.Object({
    type: Type.Literal('membership.changed'),
    userId: Id,
    branchId: Id,
    groupId: NullableId,
    role: BranchRole,
  }),
  Type.Object({ type: Type.Literal('branch.created'), branchId: Id, committeeId: Id }),
  Type.Object({ type: Type.Literal('group.created'), groupId: Id, branchId: Id }),
]);
export type OrgEvent = Static<typeof OrgEvent>;
export type OrgEventType = OrgEvent['type'];
