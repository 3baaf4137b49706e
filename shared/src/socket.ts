import { type Static, Type } from '@sinclair/typebox';
import { ChannelEvent, ChannelLimits, type Message } from './channels.js';
import { Id } from './common.js';

/**
 * The Socket.IO wire protocol. Every client → server event carries one payload validated on the server
 * with the schema below and an acknowledgement callback; the server answers `{ ok: true, … }` only after
 * the change is stored, or `{ ok: false, error }` with a stable code from the error catalogue.
 */
export const PROTOCOL_VERSION = 1;

/** Path of the Socket.IO endpoint on the API server. */
export const SOCKET_PATH = '/socket.io';

/** Redis key of the Socket.IO adapter and of every emitter (server, workers): "<REDIS_PREFIX>:sio". */
export const socketRedisKey = (redisPrefix: string): string => `${redisPrefix}:sio`;

/** Rooms: every socket of a user is in `user:<id>` (`userRoom`, notifications.ts); readable channels are `channel:<id>`. */
export const channelRoom = (channelId: string): string => `channel:${channelId}`;
export const presenceRoom = (userId: string): string => `presence:${userId}`;

const ClientId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Emoji = Type.String({ minLength: 1, maxLength: ChannelLimits.emojiMaxChars });

export const SendMessagePayload = Type.Object(
  {
    channelId: Id,
    clientId: ClientId,
    text: Type.String({ maxLength: ChannelLimits.messageMaxChars }),
    threadRootId: Type.Optional(Id),
    alsoToChannel: Type.Optional(Type.Boolean()),
    attachmentIds: Type.Optional(Type.Array(Id, { maxItems: ChannelLimits.attachmentsPerMessage })),
  },
  { additionalProperties: false },
);
export type SendMessagePayload = Static<typeof SendMessagePayload>;

export const EditMessagePayload = Type.Object(
  { messageId: Id, text: Type.String({ minLength: 1, maxLength: ChannelLimits.messageMaxChars }) },
  { additionalProperties: false },
);
export type EditMessagePayload = Static<typeof EditMessagePayload>;

export const MessageRefPayload = Type.Object({ messageId: Id }, { additionalProperties: false });
export type MessageRefPayload = Static<typeof MessageRefPayload>;

export const ReactionPayload = Type.Object({ messageId: Id, emoji: Emoji }, { additionalProperties: false });
export type ReactionPayload = Static<typeof ReactionPayload>;

export const MarkReadPayload = Type.Object(
  { channelId: Id, seq: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type MarkReadPayload = Static<typeof MarkReadPayload>;

export const TypingPayload = Type.Object(
  { channelId: Id, threadRootId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type TypingPayload = Static<typeof TypingPayload>;

export const SyncPayload = Type.Object(
  {
    channels: Type.Array(
      Type.Object(
        { channelId: Id, afterEventSeq: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
      { maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type SyncPayload = Static<typeof SyncPayload>;

export const PresenceStatus = Type.Union([
  Type.Literal('online'),
  Type.Literal('away'),
  Type.Literal('offline'),
]);
export type PresenceStatus = Static<typeof PresenceStatus>;

export const SetPresencePayload = Type.Object(
  { status: Type.Union([Type.Literal('online'), Type.Literal('away')]) },
  { additionalProperties: false },
);
export type SetPresencePayload = Static<typeof SetPresencePayload>;

export const WatchPresencePayload = Type.Object(
  { userIds: Type.Array(Id, { maxItems: 200, uniqueItems: true }) },
  { additionalProperties: false },
);
export type WatchPresencePayload = Static<typeof WatchPresencePayload>;

// ---- acknowledgements ----

export interface AckError {
  ok: false;
  error: { code: string; message: string };
}
export type Ack<T extends object = Record<never, never>> = ({ ok: true } & T) | AckError;
export type AckFn<T extends object = Record<never, never>> = (answer: Ack<T>) => void;

export const SyncResult = Type.Object({
  events: Type.Array(ChannelEvent),
  /** Channels that have more events than this answer held: ask again from the last one received. */
  more: Type.Array(Id),
  /** Channels named in the request that the user may no longer read. */
  revoked: Type.Array(Id),
});
export type SyncResult = Static<typeof SyncResult>;

export interface ReadState {
  channelId: string;
  readSeq: number;
  lastSeq: number;
  unread: number;
  mentions: number;
}

export interface ClientToServerEvents {
  'message:send': (payload: SendMessagePayload, ack: AckFn<{ message: Message; duplicate: boolean }>) => void;
  'message:edit': (payload: EditMessagePayload, ack: AckFn<{ message: Message }>) => void;
  'message:delete': (payload: MessageRefPayload, ack: AckFn<{ message: Message }>) => void;
  'reaction:add': (payload: ReactionPayload, ack: AckFn) => void;
  'reaction:remove': (payload: ReactionPayload, ack: AckFn) => void;
  'pin:add': (payload: MessageRefPayload, ack: AckFn) => void;
  'pin:remove': (payload: MessageRefPayload, ack: AckFn) => void;
  'read:mark': (payload: MarkReadPayload, ack: AckFn<{ state: ReadState }>) => void;
  typing: (payload: TypingPayload, ack?: AckFn) => void;
  sync: (payload: SyncPayload, ack: AckFn<SyncResult>) => void;
  'presence:set': (payload: SetPresencePayload, ack?: AckFn) => void;
  'presence:watch': (
    payload: WatchPresencePayload,
    ack: AckFn<{ statuses: Record<string, PresenceStatus> }>,
  ) => void;
}

export interface TypingNotice {
  channelId: string;
  userId: string;
  threadRootId: string | null;
}

export interface ServerToClientEvents {
  /** Sent once on connect. */
  hello: (info: { protocolVersion: number; userId: string; recovered: boolean }) => void;
  'channel:event': (event: ChannelEvent) => void;
  'read:state': (state: ReadState) => void;
  /** The set of channels the user may read changed (joined or left a branch, invited, removed). */
  'channels:changed': (change: { added: string[]; removed: string[] }) => void;
  typing: (notice: TypingNotice) => void;
  presence: (update: { userId: string; status: PresenceStatus }) => void;
  /** In-app notification (delivered by other domains and workers through the emitter). */
  notification: (notification: Record<string, unknown>) => void;
  /** Answer to an event name the server does not know. */
  'error:unknown-event': (info: { event: string }) => void;
}

export interface SocketAuth {
  token: string;
  protocolVersion?: number;
}
