import { type Static, Type } from '@sinclair/typebox';
import { Id, Page, Text, Timestamp } from './common.js';

/** Limits every transport enforces (socket acks and REST answer with a stable error code past them). */
export const ChannelLimits = {
  messageMaxChars: 4000,
  attachmentsPerMessage: 10,
  attachmentMaxBytes: 20 * 1024 * 1024,
  /** Messages one user may send across all channels per window. */
  sendRatePerWindow: 30,
  sendRateWindowSeconds: 10,
  /** @all / @here is refused in channels with more members than this. */
  mentionAllMaxMembers: 100,
  mentionsPerMessage: 50,
  channelNameMaxChars: 60,
  topicMaxChars: 500,
  historyPageMax: 200,
  syncEventsMax: 500,
  groupDmMaxMembers: 50,
  reportReasonMaxChars: 500,
  emojiMaxChars: 32,
} as const;

/** File types accepted as attachments; images get a thumbnail. */
export const AttachmentMimeTypes = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
] as const;

export const ChannelKinds = ['branch', 'group', 'topic', 'announcement', 'dm', 'groupDm'] as const;
export type ChannelKind = (typeof ChannelKinds)[number];
export const ChannelKind = Type.Union(ChannelKinds.map((k) => Type.Literal(k)));

/** Who may use @all / @here: the branch leaders only, any member who may post, or nobody. */
export const MentionAllPolicies = ['leaders', 'members', 'nobody'] as const;
export type MentionAllPolicy = (typeof MentionAllPolicies)[number];
export const MentionAllPolicy = Type.Union(MentionAllPolicies.map((k) => Type.Literal(k)));

export const Channel = Type.Object({
  id: Id,
  kind: ChannelKind,
  name: Type.String(),
  topic: Type.String(),
  archived: Type.Boolean(),
  slowModeSeconds: Type.Integer({ minimum: 0 }),
  mentionAll: MentionAllPolicy,
  branchId: Type.Union([Id, Type.Null()]),
  groupId: Type.Union([Id, Type.Null()]),
  /** Topic channels: the branches whose members belong to it. */
  branchIds: Type.Array(Id),
  createdAt: Timestamp,
});
export type Channel = Static<typeof Channel>;

export const ChannelSummary = Type.Composite([
  Channel,
  Type.Object({
    lastSeq: Type.Integer(),
    readSeq: Type.Integer(),
    unread: Type.Integer(),
    mentions: Type.Integer(),
    lastEventSeq: Type.Integer(),
    canPost: Type.Boolean(),
    canModerate: Type.Boolean(),
    /** DMs: the people in it. */
    memberIds: Type.Array(Id),
    /** What to show: the channel's name, or for a DM the other person's name. */
    title: Type.String(),
  }),
]);
export type ChannelSummary = Static<typeof ChannelSummary>;

export const Attachment = Type.Object({
  id: Id,
  name: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  hasThumbnail: Type.Boolean(),
});
export type Attachment = Static<typeof Attachment>;

export const ReactionSummary = Type.Object({
  emoji: Type.String(),
  count: Type.Integer(),
  userIds: Type.Array(Id),
});
export type ReactionSummary = Static<typeof ReactionSummary>;

export const ThreadSummary = Type.Object({
  replyCount: Type.Integer(),
  lastReplyAt: Type.Union([Timestamp, Type.Null()]),
  participantIds: Type.Array(Id),
});
export type ThreadSummary = Static<typeof ThreadSummary>;

export const Message = Type.Object({
  id: Id,
  channelId: Id,
  /** Position in the channel (gapless); null for thread replies not also sent to the channel. */
  seq: Type.Union([Type.Integer(), Type.Null()]),
  clientId: Type.String(),
  authorId: Id,
  authorName: Type.String(),
  text: Type.String(),
  mentionIds: Type.Array(Id),
  mentionAll: Type.Boolean(),
  threadRootId: Type.Union([Id, Type.Null()]),
  /** Position inside its thread (replies only). */
  replySeq: Type.Union([Type.Integer(), Type.Null()]),
  alsoToChannel: Type.Boolean(),
  attachments: Type.Array(Attachment),
  version: Type.Integer(),
  editedAt: Type.Union([Timestamp, Type.Null()]),
  deletedAt: Type.Union([Timestamp, Type.Null()]),
  deletedBy: Type.Union([Id, Type.Null()]),
  hidden: Type.Boolean(),
  createdAt: Timestamp,
  reactions: Type.Array(ReactionSummary),
  thread: Type.Union([ThreadSummary, Type.Null()]),
  pinned: Type.Boolean(),
});
export type Message = Static<typeof Message>;

export const MessageEdit = Type.Object({
  version: Type.Integer(),
  text: Type.String(),
  editorId: Id,
  at: Timestamp,
});
export type MessageEdit = Static<typeof MessageEdit>;

export const ChannelEventTypes = [
  'message.created',
  'message.edited',
  'message.deleted',
  'message.hidden',
  'reaction.added',
  'reaction.removed',
  'pin.added',
  'pin.removed',
  'channel.updated',
] as const;
export type ChannelEventType = (typeof ChannelEventTypes)[number];

/** One entry of a channel's append-only event log; catch-up replays these in eventSeq order. */
export const ChannelEvent = Type.Object({
  channelId: Id,
  eventSeq: Type.Integer({ minimum: 1 }),
  type: Type.Union(ChannelEventTypes.map((t) => Type.Literal(t))),
  at: Timestamp,
  actorId: Id,
  /** Message snapshot after the change (message.*, pin.*), or null. */
  message: Type.Union([Message, Type.Null()]),
  messageId: Type.Union([Id, Type.Null()]),
  emoji: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Id, Type.Null()]),
  channel: Type.Union([Channel, Type.Null()]),
});
export type ChannelEvent = Static<typeof ChannelEvent>;

// ---- REST bodies and queries ----

export const CreateChannelBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('topic'), Type.Literal('announcement'), Type.Literal('groupDm')]),
    name: Text(ChannelLimits.channelNameMaxChars),
    topic: Type.Optional(Type.String({ maxLength: ChannelLimits.topicMaxChars })),
    /** topic: the branches whose members join; announcement: exactly one branch. */
    branchIds: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    /** topic / groupDm: invited people. */
    memberIds: Type.Optional(
      Type.Array(Id, { maxItems: ChannelLimits.groupDmMaxMembers, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);
export type CreateChannelBody = Static<typeof CreateChannelBody>;

export const OpenDmBody = Type.Object({ userId: Id }, { additionalProperties: false });
export type OpenDmBody = Static<typeof OpenDmBody>;

export const UpdateChannelBody = Type.Object(
  {
    name: Type.Optional(Text(ChannelLimits.channelNameMaxChars)),
    topic: Type.Optional(Type.String({ maxLength: ChannelLimits.topicMaxChars })),
    archived: Type.Optional(Type.Boolean()),
    slowModeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    mentionAll: Type.Optional(MentionAllPolicy),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateChannelBody = Static<typeof UpdateChannelBody>;

export const ChannelMembersBody = Type.Object(
  { userIds: Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true }) },
  { additionalProperties: false },
);
export type ChannelMembersBody = Static<typeof ChannelMembersBody>;

export const ChannelIdParams = Type.Object({ channelId: Id }, { additionalProperties: false });
export type ChannelIdParams = Static<typeof ChannelIdParams>;
export const MessageIdParams = Type.Object({ messageId: Id }, { additionalProperties: false });
export type MessageIdParams = Static<typeof MessageIdParams>;

export const HistoryQuery = Type.Object(
  {
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Jump: a window centred on this sequence. */
    around: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Integer({ minimum: 1, maximum: ChannelLimits.historyPageMax, default: 50 }),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const HistoryPage = Type.Object({
  items: Type.Array(Message),
  /** True when older (before) / newer (after) messages exist beyond this page. */
  hasOlder: Type.Boolean(),
  hasNewer: Type.Boolean(),
  lastSeq: Type.Integer(),
  lastEventSeq: Type.Integer(),
});
export type HistoryPage = Static<typeof HistoryPage>;

export const ThreadQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: ChannelLimits.historyPageMax, default: 100 }),
  },
  { additionalProperties: false },
);
export type ThreadQuery = Static<typeof ThreadQuery>;

export const ThreadView = Type.Object({
  root: Message,
  replies: Type.Array(Message),
  following: Type.Boolean(),
  hasMore: Type.Boolean(),
});
export type ThreadView = Static<typeof ThreadView>;

export const FollowBody = Type.Object({ following: Type.Boolean() }, { additionalProperties: false });
export type FollowBody = Static<typeof FollowBody>;

export const MessageEdits = Type.Object({ items: Type.Array(MessageEdit) });
export type MessageEdits = Static<typeof MessageEdits>;

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200 }),
    channelId: Type.Optional(Id),
    authorId: Type.Optional(Id),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object({
  message: Message,
  channelName: Type.String(),
  /** Ranges of `message.text` that matched, as [start, end) code-unit offsets. */
  highlights: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()])),
});
export type SearchHit = Static<typeof SearchHit>;
export const SearchPage = Page(SearchHit);
export type SearchPage = Static<typeof SearchPage>;

export const ReportBody = Type.Object(
  { reason: Text(ChannelLimits.reportReasonMaxChars) },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;

export const ReportStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export const Report = Type.Object({
  id: Id,
  channelId: Id,
  channelName: Type.String(),
  message: Message,
  reporterId: Id,
  reason: Type.String(),
  status: ReportStatus,
  resolution: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});
export type Report = Static<typeof Report>;
export const ReportPage = Page(Report);
export type ReportPage = Static<typeof ReportPage>;

export const ReportsQuery = Type.Object(
  {
    status: Type.Optional(ReportStatus),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ReportsQuery = Static<typeof ReportsQuery>;

export const ResolveReportBody = Type.Object(
  { action: Type.Union([Type.Literal('hide'), Type.Literal('dismiss')]) },
  { additionalProperties: false },
);
export type ResolveReportBody = Static<typeof ResolveReportBody>;

export const MuteBody = Type.Object(
  { userId: Id, minutes: Type.Integer({ minimum: 0, maximum: 60 * 24 * 30 }) },
  { additionalProperties: false },
);
export type MuteBody = Static<typeof MuteBody>;

export const PinList = Type.Object({ items: Type.Array(Message) });
export type PinList = Static<typeof PinList>;

export const ChannelList = Type.Object({ items: Type.Array(ChannelSummary) });
export type ChannelList = Static<typeof ChannelList>;

export const ChannelMember = Type.Object({ id: Id, displayName: Type.String() });
export const ChannelMemberPage = Page(ChannelMember);
export type ChannelMemberPage = Static<typeof ChannelMemberPage>;
