import type { ChannelKind, MentionAllPolicy } from '@zhibu/shared';
import type { Collection, Db, ObjectId } from 'mongodb';

/** Stored shapes of the channels domain. Every set is a collection with a unique key (storage rule 1). */
export interface ChannelDoc {
  _id: ObjectId;
  kind: ChannelKind;
  name: string;
  topic: string;
  archived: boolean;
  slowModeSeconds: number;
  mentionAll: MentionAllPolicy;
  branchId: ObjectId | null;
  committeeId: ObjectId | null;
  groupId: ObjectId | null;
  branchIds: ObjectId[];
  createdBy: ObjectId | null;
  createdAt: Date;
}

/** Invited people of topic channels, and the people of DMs / group DMs. `_id` = "<channelId>:<userId>". */
export interface ChannelMemberDoc {
  _id: string;
  channelId: ObjectId;
  userId: ObjectId;
  addedBy: ObjectId | null;
  at: Date;
}

export interface MessageDoc {
  _id: ObjectId;
  channelId: ObjectId;
  /** Channel position, or null for a thread reply that was not also sent to the channel. */
  seq: number | null;
  /** Unique per channel: "s:<seq>" for channel messages, "r:<rootId>:<replySeq>" for thread-only replies. */
  slot: string;
  /** Position of its message.created event in the channel's event log (the message is that record). */
  eventSeq: number;
  clientId: string;
  authorId: ObjectId;
  text: string;
  mentionIds: ObjectId[];
  mentionAll: boolean;
  threadRootId: ObjectId | null;
  replySeq: number | null;
  alsoToChannel: boolean;
  isThreadRoot: boolean;
  attachmentIds: ObjectId[];
  version: number;
  editedAt: Date | null;
  deletedAt: Date | null;
  deletedBy: ObjectId | null;
  hidden: boolean;
  createdAt: Date;
  /** Search terms: Chinese bigrams and lowercase words (see ngrams.ts). */
  grams: string[];
}

export interface EventDoc {
  _id: string; // "<channelId>:<eventSeq>"
  channelId: ObjectId;
  eventSeq: number;
  type: string;
  at: Date;
  actorId: ObjectId;
  messageId: ObjectId | null;
  /** Wire snapshot (Message / Channel) at the time of the event. */
  message: Record<string, unknown> | null;
  channel: Record<string, unknown> | null;
  emoji: string | null;
  userId: ObjectId | null;
}

export interface EditDoc {
  _id: string; // "<messageId>:<version>"
  messageId: ObjectId;
  version: number;
  text: string;
  editorId: ObjectId;
  at: Date;
}

export interface ReactionDoc {
  _id: string; // "<messageId>:<userId>:<emoji>"
  messageId: ObjectId;
  channelId: ObjectId;
  userId: ObjectId;
  emoji: string;
  at: Date;
}

export interface PinDoc {
  _id: string; // "<channelId>:<messageId>"
  channelId: ObjectId;
  messageId: ObjectId;
  pinnedBy: ObjectId;
  pinnedAt: Date;
}

export interface FollowDoc {
  _id: string; // "<rootId>:<userId>"
  rootId: ObjectId;
  channelId: ObjectId;
  userId: ObjectId;
  following: boolean;
  at: Date;
}

export interface ReadDoc {
  _id: string; // "<channelId>:<userId>"
  channelId: ObjectId;
  userId: ObjectId;
  readSeq: number;
}

export interface MentionDoc {
  _id: string; // "<messageId>:<userId|*>"
  channelId: ObjectId;
  messageId: ObjectId;
  /** A user id as hex, or "*" for @all / @here. */
  userId: string;
  seq: number;
}

export interface ReportDoc {
  _id: ObjectId; // unique (messageId, reporterId)
  messageId: ObjectId;
  channelId: ObjectId;
  reporterId: ObjectId;
  reason: string;
  status: 'open' | 'resolved';
  resolution: string | null;
  createdAt: Date;
}

export interface MuteDoc {
  _id: string; // "<channelId>:<userId>"
  channelId: ObjectId;
  userId: ObjectId;
  until: Date;
  by: ObjectId;
}

export interface ModerationLogDoc {
  _id: ObjectId;
  channelId: ObjectId;
  actorId: ObjectId;
  action: 'delete' | 'hide' | 'mute' | 'dismiss';
  messageId: ObjectId | null;
  userId: ObjectId | null;
  detail: string;
  at: Date;
}

export interface AttachmentDoc {
  _id: ObjectId;
  channelId: ObjectId;
  uploaderId: ObjectId;
  name: string;
  mime: string;
  size: number;
  fileId: ObjectId;
  thumbId: ObjectId | null;
  messageId: ObjectId | null;
  createdAt: Date;
}

export const GRIDFS_BUCKET = 'chat_files';

export function collections(db: Db) {
  return {
    channels: db.collection<ChannelDoc>('channels'),
    members: db.collection<ChannelMemberDoc>('channel_members'),
    messages: db.collection<MessageDoc>('messages'),
    events: db.collection<EventDoc>('channel_events'),
    edits: db.collection<EditDoc>('message_edits'),
    reactions: db.collection<ReactionDoc>('message_reactions'),
    pins: db.collection<PinDoc>('channel_pins'),
    follows: db.collection<FollowDoc>('thread_follows'),
    reads: db.collection<ReadDoc>('channel_reads'),
    mentions: db.collection<MentionDoc>('mentions'),
    reports: db.collection<ReportDoc>('message_reports'),
    mutes: db.collection<MuteDoc>('channel_mutes'),
    modlog: db.collection<ModerationLogDoc>('moderation_log'),
    attachments: db.collection<AttachmentDoc>('chat_attachments'),
  };
}
export type Collections = ReturnType<typeof collections>;
export type Coll<K extends keyof Collections> = Collections[K] extends Collection<infer T> ? T : never;
