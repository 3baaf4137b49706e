import type { Notification } from '@zhibu/shared';
import type { Collection, Db, Filter, ObjectId } from 'mongodb';

/** A stored notification. `_id` is deterministic, so creating one twice has one effect. */
export interface NotificationDoc {
  _id: string;
  userId: ObjectId;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  read: boolean;
  readAt: Date | null;
  createdAt: Date;
}

export const notificationsCollection = (db: Db): Collection<NotificationDoc> =>
  db.collection('notifications');

export const toNotification = (d: NotificationDoc): Notification => ({
  id: d._id,
  userId: d.userId.toHexString(),
  kind: d.kind,
  title: d.title,
  body: d.body,
  link: d.link,
  data: d.data ?? {},
  read: d.read,
  createdAt: d.createdAt.toISOString(),
});

/** Newest first; the cursor is the (createdAt, _id) of the last item, opaque to clients. */
export function encodeCursor(d: NotificationDoc): string {
  return Buffer.from(JSON.stringify([d.createdAt.toISOString(), d._id])).toString('base64url');
}

export function cursorFilter(cursor: string | undefined): Filter<NotificationDoc> | null {
  if (cursor === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string') return null;
    const t = new Date(at);
    if (Number.isNaN(t.getTime())) return null;
    return { $or: [{ createdAt: { $lt: t } }, { createdAt: t, _id: { $lt: id } }] };
  } catch {
    return null;
  }
}
