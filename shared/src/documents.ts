import { type Static, Type } from '@sinclair/typebox';
import { Id, Page, Text, Timestamp } from './common.js';

/*
 * Co-edited documents (Yjs): meeting minutes (会议记录) owned by a branch and group study reflections
 * (学习心得) owned by a party group. The editor state lives in a Y.Doc under the shared root XmlText
 * `root` (the @lexical/yjs layout); the server keeps the updates, versions and a plain-text copy.
 */

// ---------- kinds and typed document names ----------

export const DocumentKinds = ['minutes', 'reflection'] as const;
export type DocumentKind = (typeof DocumentKinds)[number];
export const DocumentKind = Type.Union(DocumentKinds.map((k) => Type.Literal(k)));

/** The Y.Doc name of a document on the wire: `minutes:<id>` or `reflection:<id>` (id = document id). */
export type DocName = `${DocumentKind}:${string}`;

const DOC_NAME = /^(minutes|reflection):([0-9a-f]{24})$/;

export function formatDocName(kind: DocumentKind, id: string): DocName {
  return `${kind}:${id}`;
}

/** Parses a document name; null for anything that is not exactly `<kind>:<24 hex>`. */
export function parseDocName(name: string): { kind: DocumentKind; id: string } | null {
  const match = DOC_NAME.exec(name);
  if (!match) return null;
  return { kind: match[1] as DocumentKind, id: match[2] as string };
}

/** The shared root type name @lexical/yjs binds to (`doc.get('root', Y.XmlText)`). */
export const LEXICAL_ROOT = 'root';
/**
 * A Y.Map written only by the server: `status` mirrors the lifecycle so that every connected editor turns
 * read-only at once when minutes are approved. Display only: the server enforces the rule itself.
 */
export const DOC_META_MAP = 'zhibu';

// ---------- lifecycle ----------

/**
 * Minutes: draft → submitted → approved (read-only, archived) → reopened (back to draft, by the secretary,
 * with a logged reason). Reflections: draft → archived (read-only) → reopened.
 */
export const DocumentStatuses = ['draft', 'submitted', 'approved', 'archived'] as const;
export type DocumentStatus = (typeof DocumentStatuses)[number];
export const DocumentStatus = Type.Union(DocumentStatuses.map((s) => Type.Literal(s)));

export const LifecycleActions = ['submit', 'approve', 'reopen', 'archive'] as const;
export type LifecycleAction = (typeof LifecycleActions)[number];

/** Which action moves which status where, per kind. Anything else is refused with INVALID_STATE. */
export const LifecycleTransitions: Record<
  DocumentKind,
  Partial<Record<LifecycleAction, { from: readonly DocumentStatus[]; to: DocumentStatus }>>
> = {
  minutes: {
    submit: { from: ['draft'], to: 'submitted' },
    approve: { from: ['submitted'], to: 'approved' },
    reopen: { from: ['submitted', 'approved'], to: 'draft' },
  },
  reflection: {
    archive: { from: ['draft'], to: 'archived' },
    reopen: { from: ['archived'], to: 'draft' },
  },
};

// ---------- the access rule per kind ----------

export type DocumentAccess = 'write' | 'read' | 'none';
export const DocumentAccess = Type.Union([Type.Literal('write'), Type.Literal('read'), Type.Literal('none')]);

/** What the server knows about the asking user relative to the document's owner (from permissions). */
export interface AccessFacts {
  /** May read the owning branch (members, its committee's admins, system admins). */
  canReadBranch: boolean;
  /** An active member of the owning branch. */
  isBranchMember: boolean;
  /** Secretary, deputy secretary or committee member (支委) of the owning branch, or its manager. */
  isBranchLeader: boolean;
  /** The secretary of the owning branch (approves and reopens minutes). */
  isSecretary: boolean;
  /** A member of the owning party group (reflections only). */
  isGroupMember: boolean;
}

/**
 * The one rule deciding who may read and who may write each kind:
 * - minutes: branch readers read; branch members write a draft; once submitted only the branch leaders
 *   write; approved minutes are read-only for everyone.
 * - reflection: branch readers read; members of the owning group write while it is a draft.
 */
export function documentAccess(
  kind: DocumentKind,
  status: DocumentStatus,
  facts: AccessFacts,
): DocumentAccess {
  if (!facts.canReadBranch && !facts.isBranchMember) return 'none';
  if (kind === 'minutes') {
    if (status === 'draft' && facts.isBranchMember) return 'write';
    if (status === 'submitted' && facts.isBranchLeader) return 'write';
    return 'read';
  }
  if (status === 'draft' && facts.isGroupMember) return 'write';
  return 'read';
}

// ---------- WebSocket close codes (/collab/<docName>) ----------

/**
 * Every close code the collaboration endpoint uses, in one place. The client stops reconnecting on the
 * 44xx codes (retrying would get the same answer; the stock y-websocket provider does so by default) and
 * reconnects on the others.
 */
export const CollabCloseCodes = {
  /** The server is shutting down or a storage failure made the document unavailable: reconnect later. */
  UNAVAILABLE: 4000,
  /**
   * The user's write access ended while connected (minutes submitted or approved, membership or role
   * ended): the connection was read-only from that moment on every process. The client reconnects (the
   * stock provider does by itself) and continues as a viewer; a web editor turns read-only at once.
   */
  ACCESS_READ: 4001,
  /**
   * The user was given write access while connected (minutes reopened): reconnect and continue as an
   * editor; a web editor turns editable again.
   */
  ACCESS_WRITE: 4002,
  /** The path is not `/collab/<kind>:<24-hex id>`. */
  BAD_DOC_NAME: 4400,
  /** No `?token=`, or the access token is invalid or expired: refresh the token and reconnect. */
  UNAUTHENTICATED: 4401,
  /** The user may not read this document (at connect, or access was revoked while connected). */
  FORBIDDEN: 4403,
  /** No document with this id and kind exists. */
  NOT_FOUND: 4404,
  /** An update larger than the per-message cap, or one that would grow the document past its size cap. */
  TOO_LARGE: 4413,
  /** A malformed frame, an undecodable update or an unknown message type. */
  PROTOCOL_ERROR: 4422,
  /**
   * The user already holds COLLAB_MAX_CONNECTIONS_PER_USER collaboration connections (all processes
   * together): close another editor window first. Connections of a crashed process stop counting after
   * at most a minute.
   */
  TOO_MANY_CONNECTIONS: 4429,
} as const;
export type CollabCloseCode = (typeof CollabCloseCodes)[keyof typeof CollabCloseCodes];

/** Close codes after which reconnecting cannot help. */
export const FinalCollabCloseCodes: readonly number[] = [
  CollabCloseCodes.BAD_DOC_NAME,
  CollabCloseCodes.FORBIDDEN,
  CollabCloseCodes.NOT_FOUND,
  CollabCloseCodes.TOO_LARGE,
  CollabCloseCodes.PROTOCOL_ERROR,
  CollabCloseCodes.TOO_MANY_CONNECTIONS,
];

/** The collaboration connections one user may hold at once, across every server process. */
export const COLLAB_MAX_CONNECTIONS_PER_USER = 20;

// ---------- REST ----------

export const DocumentSummary = Type.Object({
  id: Id,
  kind: DocumentKind,
  docName: Type.String({ description: 'Y.Doc name for /collab/<docName>' }),
  title: Type.String(),
  branchId: Id,
  groupId: Type.Union([Id, Type.Null()]),
  committeeId: Id,
  status: DocumentStatus,
  createdBy: Id,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Where the document belongs, e.g. { type: 'session', id } for the minutes of a session. */
  ref: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
});
export type DocumentSummary = Static<typeof DocumentSummary>;

export const DocumentMeta = Type.Composite([
  DocumentSummary,
  Type.Object({
    /** What the asking user may do with the content. */
    access: DocumentAccess,
    /** Lifecycle actions the asking user may take now. */
    actions: Type.Array(Type.Union(LifecycleActions.map((a) => Type.Literal(a)))),
    excerpt: Type.String({ description: 'Start of the plain text' }),
  }),
]);
export type DocumentMeta = Static<typeof DocumentMeta>;

export const DocumentPage = Page(DocumentSummary);
export type DocumentPage = Static<typeof DocumentPage>;

export const CreateDocumentBody = Type.Object(
  {
    kind: DocumentKind,
    /** Minutes belong to a branch; reflections to a party group (the branch is derived). */
    branchId: Type.Optional(Id),
    groupId: Type.Optional(Id),
    title: Text(120),
    ref: Type.Optional(
      Type.Object(
        {
          type: Type.String({ minLength: 1, maxLength: 40 }),
          id: Type.String({ minLength: 1, maxLength: 64 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateDocumentBody = Static<typeof CreateDocumentBody>;

export const DocumentListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(DocumentKind),
    branchId: Type.Optional(Id),
    groupId: Type.Optional(Id),
    status: Type.Optional(DocumentStatus),
    refType: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    refId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'Search title and text' })),
  },
  { additionalProperties: false },
);
export type DocumentListQuery = Static<typeof DocumentListQuery>;

export const LifecycleBody = Type.Object(
  {
    action: Type.Union(LifecycleActions.map((a) => Type.Literal(a))),
    /** Required for `reopen`: kept in the document's log. */
    reason: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type LifecycleBody = Static<typeof LifecycleBody>;

export const DocumentEvent = Type.Object({
  version: Type.Integer(),
  type: Type.String(),
  status: DocumentStatus,
  by: Id,
  at: Timestamp,
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type DocumentEvent = Static<typeof DocumentEvent>;
export const DocumentEventList = Type.Object({ items: Type.Array(DocumentEvent) });
export type DocumentEventList = Static<typeof DocumentEventList>;

export const VersionKinds = ['named', 'auto'] as const;
export const DocumentVersion = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union(VersionKinds.map((k) => Type.Literal(k))),
  createdBy: Type.Union([Id, Type.Null()]),
  createdAt: Timestamp,
  sizeBytes: Type.Integer(),
});
export type DocumentVersion = Static<typeof DocumentVersion>;
export const DocumentVersionPage = Page(DocumentVersion);
export type DocumentVersionPage = Static<typeof DocumentVersionPage>;

export const CreateVersionBody = Type.Object({ name: Text(60) }, { additionalProperties: false });
export type CreateVersionBody = Static<typeof CreateVersionBody>;

export const VersionParams = Type.Object(
  { id: Id, versionId: Type.String({ minLength: 1, maxLength: 80 }) },
  { additionalProperties: false },
);
export type VersionParams = Static<typeof VersionParams>;

/** A version's content, read-only: the plain text and the Yjs state (base64) for a preview editor. */
export const VersionContent = Type.Composite([
  DocumentVersion,
  Type.Object({ text: Type.String(), state: Type.String({ description: 'base64 Yjs update' }) }),
]);
export type VersionContent = Static<typeof VersionContent>;

export const ExportFormats = ['md', 'docx', 'pdf'] as const;
export type ExportFormat = (typeof ExportFormats)[number];
export const ExportQuery = Type.Object(
  { format: Type.Union(ExportFormats.map((f) => Type.Literal(f))) },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;
