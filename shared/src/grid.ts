import { type Static, Type } from '@sinclair/typebox';
import { Id, Text, Timestamp } from './common.js';

/** Grid issue categories: 隐患, 矛盾纠纷, 社情民意, 法律咨询, 其他. */
export const GridCategories = ['hazard', 'dispute', 'opinion', 'legalQuestion', 'other'] as const;
export type GridCategory = (typeof GridCategories)[number];
export const GridCategory = Type.Union(GridCategories.map((c) => Type.Literal(c)));

/**
 * Life cycle (12345 style): awaitingRouting → (dispatch when a person must decide) → assigned → accepted
 * ⇄ awaitingInfo → resolved → verified → closed. A dissatisfied rating goes back to assigned (返工).
 */
export const GridStatuses = [
  'awaitingRouting',
  'dispatch',
  'assigned',
  'accepted',
  'awaitingInfo',
  'resolved',
  'verified',
  'closed',
] as const;
export type GridStatus = (typeof GridStatuses)[number];
export const GridStatus = Type.Union(GridStatuses.map((s) => Type.Literal(s)));

export const GeoPoint = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
export type GeoPoint = Static<typeof GeoPoint>;

/**
 * Photos are uploaded first (`POST /api/v1/grid/photos`, the body is the image itself) and then referenced
 * by id from a report or a verification: only the uploader's own photos that no issue uses yet.
 * HEIC is not accepted: the server cannot decode it, and phone browsers send JPEG from `<input accept="image/*">`.
 */
export const GridPhotoLimits = {
  maxBytes: 10 * 1024 * 1024,
  perIssue: 9,
  mimeTypes: ['image/jpeg', 'image/png', 'image/webp'],
} as const;

export const GridPhoto = Type.Object({
  id: Id,
  mime: Type.String(),
  size: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
});
export type GridPhoto = Static<typeof GridPhoto>;

/** An uploaded photo's id. */
const PhotoRef = Id;

export const GridReportBody = Type.Object(
  {
    category: GridCategory,
    title: Text(80),
    description: Text(4000),
    gridId: Type.Optional(Id),
    address: Text(200),
    location: Type.Optional(GeoPoint),
    photos: Type.Array(PhotoRef, { maxItems: GridPhotoLimits.perIssue, uniqueItems: true, default: [] }),
    anonymous: Type.Boolean({ default: false, description: 'Hide the reporter from the public' }),
    contact: Type.Optional(Type.String({ maxLength: 64 })),
    clientId: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_-]+$',
        description:
          'Chosen by the client once per report: sending it again (a retry after a lost answer) returns the stored report instead of a second one',
      }),
    ),
  },
  { additionalProperties: false },
);
export type GridReportBody = Static<typeof GridReportBody>;

export const GridTargetKinds = ['department', 'lawyer', 'dispatcher'] as const;
export const GridTarget = Type.Object({
  kind: Type.Union(GridTargetKinds.map((k) => Type.Literal(k))),
  departmentId: Type.Union([Id, Type.Null()]),
  lawyerId: Type.Union([Id, Type.Null()]),
});
export type GridTarget = Static<typeof GridTarget>;

export const EscalationSteps = ['warning', 'urge', 'supervision'] as const;
export type EscalationStep = (typeof EscalationSteps)[number];
export const DeadlineKinds = ['firstResponse', 'resolution'] as const;
export type DeadlineKind = (typeof DeadlineKinds)[number];

/** Every event of an issue's append-only log, discriminated on `type`. */
export const GridEventData = Type.Union([
  Type.Object({
    type: Type.Literal('reported'),
    category: GridCategory,
    title: Type.String(),
    description: Type.String(),
    gridId: Type.Union([Id, Type.Null()]),
    address: Type.String(),
    location: Type.Union([GeoPoint, Type.Null()]),
    photos: Type.Array(Type.String()),
    anonymous: Type.Boolean(),
    contact: Type.Union([Type.String(), Type.Null()]),
    reporterId: Id,
    suggestedCategory: Type.Union([GridCategory, Type.Null()]),
  }),
  Type.Object({
    type: Type.Literal('routed'),
    target: GridTarget,
    ruleId: Type.Union([Type.String(), Type.Null()]),
    reason: Type.String(),
    auto: Type.Boolean(),
    category: Type.Optional(GridCategory),
  }),
  Type.Object({ type: Type.Literal('accepted') }),
  Type.Object({ type: Type.Literal('infoRequested'), question: Type.String() }),
  Type.Object({ type: Type.Literal('infoProvided'), answer: Type.String() }),
  Type.Object({ type: Type.Literal('returned'), reason: Type.String() }),
  Type.Object({
    type: Type.Literal('extensionRequested'),
    workingDays: Type.Integer(),
    reason: Type.String(),
  }),
  Type.Object({
    type: Type.Literal('extensionDecided'),
    approved: Type.Boolean(),
    workingDays: Type.Integer(),
  }),
  Type.Object({
    type: Type.Literal('handedOver'),
    departmentId: Id,
    leadDepartmentId: Id,
    reason: Type.String(),
  }),
  Type.Object({
    type: Type.Literal('resolved'),
    outcome: Type.String(),
    mediationSucceeded: Type.Union([Type.Boolean(), Type.Null()]),
  }),
  Type.Object({ type: Type.Literal('replied'), body: Type.String() }),
  Type.Object({
    type: Type.Literal('verified'),
    ok: Type.Boolean(),
    comment: Type.String(),
    photos: Type.Array(Type.String()),
  }),
  Type.Object({
    type: Type.Literal('rated'),
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    satisfied: Type.Boolean(),
    comment: Type.String(),
  }),
  Type.Object({
    type: Type.Literal('escalated'),
    step: Type.Union(EscalationSteps.map((s) => Type.Literal(s))),
    deadline: Type.Union(DeadlineKinds.map((s) => Type.Literal(s))),
    dueAt: Timestamp,
    notified: Type.Array(Id),
  }),
]);
export type GridEventData = Static<typeof GridEventData>;
export type GridEventType = GridEventData['type'];

export const GridEvent = Type.Object({
  issueId: Id,
  version: Type.Integer({ minimum: 1 }),
  at: Timestamp,
  actorId: Type.Union([Id, Type.Null()]),
  data: GridEventData,
});
export type GridEvent = Static<typeof GridEvent>;

export const GridDeadlines = Type.Object({
  firstResponseDue: Type.Union([Timestamp, Type.Null()]),
  resolutionDue: Type.Union([Timestamp, Type.Null()]),
  /** Next moment an escalation step becomes due; null when none is pending. */
  nextEscalationAt: Type.Union([Timestamp, Type.Null()]),
});
export type GridDeadlines = Static<typeof GridDeadlines>;

/** An issue as a reader sees it. Reporter and contact are null when the reader may not see them. */
export const GridIssue = Type.Object({
  id: Id,
  version: Type.Integer(),
  category: GridCategory,
  suggestedCategory: Type.Union([GridCategory, Type.Null()]),
  title: Type.String(),
  description: Type.String(),
  gridId: Type.Union([Id, Type.Null()]),
  address: Type.String(),
  location: Type.Union([GeoPoint, Type.Null()]),
  photos: Type.Array(Type.String()),
  anonymous: Type.Boolean(),
  reporterId: Type.Union([Id, Type.Null()]),
  contact: Type.Union([Type.String(), Type.Null()]),
  status: GridStatus,
  target: Type.Union([GridTarget, Type.Null()]),
  leadDepartmentId: Type.Union([Id, Type.Null()]),
  routedBy: Type.Union([
    Type.Object({ ruleId: Type.Union([Type.String(), Type.Null()]), reason: Type.String() }),
    Type.Null(),
  ]),
  reportedAt: Timestamp,
  routedAt: Type.Union([Timestamp, Type.Null()]),
  firstResponseAt: Type.Union([Timestamp, Type.Null()]),
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
  closedAt: Type.Union([Timestamp, Type.Null()]),
  outcome: Type.Union([Type.String(), Type.Null()]),
  mediationSucceeded: Type.Union([Type.Boolean(), Type.Null()]),
  extensionPending: Type.Boolean(),
  extensionDays: Type.Integer(),
  routingMisses: Type.Integer(),
  reworks: Type.Integer(),
  rating: Type.Union([Type.Integer(), Type.Null()]),
  deadlines: GridDeadlines,
});
export type GridIssue = Static<typeof GridIssue>;

export const GridIssueDetail = Type.Composite([GridIssue, Type.Object({ timeline: Type.Array(GridEvent) })]);
export type GridIssueDetail = Static<typeof GridIssueDetail>;

export const GridViews = ['mine', 'department', 'lawyer', 'dispatch', 'grid', 'public', 'all'] as const;
export const GridIssueQuery = Type.Object(
  {
    view: Type.Union(
      GridViews.map((v) => Type.Literal(v)),
      { default: 'mine' },
    ),
    status: Type.Optional(GridStatus),
    category: Type.Optional(GridCategory),
    gridId: Type.Optional(Id),
    departmentId: Type.Optional(Id),
    overdue: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9a-f]{24}$' })),
  },
  { additionalProperties: false },
);
export type GridIssueQuery = Static<typeof GridIssueQuery>;

export const SimilarQuery = Type.Object(
  {
    category: GridCategory,
    title: Type.String({ minLength: 1, maxLength: 80 }),
    gridId: Type.Optional(Id),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  },
  { additionalProperties: false },
);
export type SimilarQuery = Static<typeof SimilarQuery>;

// ---- handling commands (one body per action; `version` is the version the actor saw) ----

export const GridActionBody = Type.Union([
  Type.Object({ action: Type.Literal('accept') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('requestInfo'), question: Text(1000) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('provideInfo'), answer: Text(2000) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('return'), reason: Text(500) }, { additionalProperties: false }),
  Type.Object(
    {
      action: Type.Literal('requestExtension'),
      workingDays: Type.Integer({ minimum: 1, maximum: 30 }),
      reason: Text(500),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { action: Type.Literal('decideExtension'), approved: Type.Boolean() },
    { additionalProperties: false },
  ),
  Type.Object(
    { action: Type.Literal('handOver'), departmentId: Id, leadDepartmentId: Id, reason: Text(500) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      action: Type.Literal('resolve'),
      outcome: Text(4000),
      mediationSucceeded: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  Type.Object({ action: Type.Literal('reply'), body: Text(2000) }, { additionalProperties: false }),
  Type.Object(
    {
      action: Type.Literal('verify'),
      ok: Type.Boolean(),
      comment: Text(1000),
      photos: Type.Optional(Type.Array(PhotoRef, { maxItems: GridPhotoLimits.perIssue, uniqueItems: true })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      action: Type.Literal('rate'),
      score: Type.Integer({ minimum: 1, maximum: 5 }),
      comment: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      action: Type.Literal('dispatch'),
      departmentId: Type.Optional(Id),
      lawyerId: Type.Optional(Id),
      category: Type.Optional(GridCategory),
      reason: Text(500),
    },
    { additionalProperties: false },
  ),
]);
export type GridActionBody = Static<typeof GridActionBody>;
export type GridAction = GridActionBody['action'];

// ---- routing rules ----

export const GridRuleBody = Type.Object(
  {
    priority: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    category: GridCategory,
    gridIds: Type.Array(Id, { maxItems: 200, default: [], description: 'Empty: every grid' }),
    keywords: Type.Array(Text(20), { maxItems: 50, default: [], description: 'Empty: any text' }),
    departmentId: Id,
    enabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type GridRuleBody = Static<typeof GridRuleBody>;

export const GridRule = Type.Composite([GridRuleBody, Type.Object({ id: Id, updatedAt: Timestamp })]);
export type GridRule = Static<typeof GridRule>;

export const GridRoutingSettings = Type.Object(
  { fallbackDepartmentId: Type.Union([Id, Type.Null()]) },
  { additionalProperties: false },
);
export type GridRoutingSettings = Static<typeof GridRoutingSettings>;

// ---- grid areas (for deriving a report's grid from its location) ----

/** A GeoJSON position: [longitude, latitude]. */
export const GeoPosition = Type.Tuple([
  Type.Number({ minimum: -180, maximum: 180 }),
  Type.Number({ minimum: -90, maximum: 90 }),
]);
export type GeoPosition = Static<typeof GeoPosition>;

/** A GeoJSON Polygon: the outer ring, then any holes; every ring closed (its last position is its first). */
export const GeoPolygon = Type.Object(
  {
    type: Type.Literal('Polygon'),
    coordinates: Type.Array(Type.Array(GeoPosition, { minItems: 4, maxItems: 2000 }), {
      minItems: 1,
      maxItems: 50,
    }),
  },
  { additionalProperties: false },
);
export type GeoPolygon = Static<typeof GeoPolygon>;

export const GridCircleArea = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    radiusM: Type.Integer({ minimum: 10, maximum: 50_000 }),
  },
  { additionalProperties: false },
);
export const GridPolygonArea = Type.Object({ polygon: GeoPolygon }, { additionalProperties: false });

/** A grid's area, set by admins: a polygon, or (the older form) a centre and a radius. */
export const GridArea = Type.Union([GridPolygonArea, GridCircleArea]);
export type GridArea = Static<typeof GridArea>;

export const GridAreaView = Type.Object({ gridId: Id, area: Type.Union([GridArea, Type.Null()]) });
export type GridAreaView = Static<typeof GridAreaView>;

// ---- Q&A ----

export const GridQaBody = Type.Object(
  { question: Text(2000), answer: Text(4000) },
  { additionalProperties: false },
);
export type GridQaBody = Static<typeof GridQaBody>;
export const GridQa = Type.Object({
  id: Id,
  gridId: Type.Union([Id, Type.Null()]),
  question: Type.String(),
  answer: Type.String(),
  publishedAt: Timestamp,
});
export type GridQa = Static<typeof GridQa>;

// ---- statistics ----

export const GridStatsQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    gridId: Type.Optional(Id),
    category: Type.Optional(GridCategory),
    departmentId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type GridStatsQuery = Static<typeof GridStatsQuery>;

const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
export const GridStats = Type.Object({
  total: Type.Integer(),
  byCategory: Type.Record(Type.String(), Type.Integer()),
  hazardsFound: Type.Integer(),
  disputesMediated: Type.Integer(),
  mediationSucceeded: Type.Integer(),
  mediationSuccessRate: Rate,
  closed: Type.Integer(),
  closureRate: Rate,
  onTime: Type.Integer(),
  onTimeRate: Rate,
  avgFirstResponseHours: Type.Union([Type.Number(), Type.Null()]),
  ratings: Type.Integer(),
  satisfied: Type.Integer(),
  satisfactionRate: Rate,
  routingMisses: Type.Integer(),
  reworks: Type.Integer(),
  byDepartment: Type.Array(Type.Object({ departmentId: Id, total: Type.Integer(), closed: Type.Integer() })),
  byMonth: Type.Array(Type.Object({ month: Type.String(), total: Type.Integer() })),
});
export type GridStats = Static<typeof GridStats>;

// ---- what the client needs to show the right inboxes ----

/** The signed-in user's positions that matter for grid issues (tabs shown; the server still checks). */
export const GridMe = Type.Object({
  isAdmin: Type.Boolean(),
  departmentIds: Type.Array(Id),
  headOfDepartments: Type.Array(Id),
  isLawyer: Type.Boolean(),
  gridIds: Type.Array(Id),
});
export type GridMe = Static<typeof GridMe>;

/** Names of grids and departments, for forms and labels (names only: any signed-in user, residents too). */
export const GridDirectory = Type.Object({
  grids: Type.Array(Type.Object({ id: Id, name: Type.String() })),
  departments: Type.Array(Type.Object({ id: Id, name: Type.String() })),
});
export type GridDirectory = Static<typeof GridDirectory>;
