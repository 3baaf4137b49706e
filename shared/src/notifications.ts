import { type Static, Type } from '@sinclair/typebox';
import { Page, Timestamp } from './common.js';

/**
 * A notification's id is deterministic (e.g. "invite-sent_<invitationId>"), so the job or service that
 * creates it twice has one effect: the second insert collides on `_id` and does nothing.
 */
export const NotificationId = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' });
export type NotificationId = Static<typeof NotificationId>;

/** Kinds are dotted names ("invitation.received"); the client maps them to an icon and text. */
export const NotificationKind = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][A-Za-z0-9.]*$' });
export type NotificationKind = Static<typeof NotificationKind>;

export const Notification = Type.Object({
  id: NotificationId,
  userId: Type.String(),
  kind: NotificationKind,
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  read: Type.Boolean(),
  createdAt: Timestamp,
});
export type Notification = Static<typeof Notification>;
export const NotificationPage = Page(Notification);
export type NotificationPage = Static<typeof NotificationPage>;

export const NotificationListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
    unread: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const UnreadCount = Type.Object({ count: Type.Integer({ minimum: 0 }) });
export type UnreadCount = Static<typeof UnreadCount>;

/** Mark some (`ids`) or all (`all: true`) of one's own notifications read. */
export const MarkReadBody = Type.Union([
  Type.Object(
    { ids: Type.Array(NotificationId, { minItems: 1, maxItems: 200 }) },
    { additionalProperties: false },
  ),
  Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
]);
export type MarkReadBody = Static<typeof MarkReadBody>;
export const MarkReadResponse = Type.Object({ updated: Type.Integer({ minimum: 0 }) });
export type MarkReadResponse = Static<typeof MarkReadResponse>;

/** Socket.IO: the server emits this event with a `Notification` payload to room `user:<userId>`. */
export const NOTIFICATION_EVENT = 'notification' as const;
export const userRoom = (userId: string) => `user:${userId}`;
