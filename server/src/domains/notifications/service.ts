import {
  type MarkReadBody,
  NOTIFICATION_EVENT,
  type Notification,
  type NotificationListQuery,
  type PageOf,
} from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import { createLivePublisher } from '../../realtime/live.js';
import {
  cursorFilter,
  encodeCursor,
  type NotificationDoc,
  notificationsCollection,
  toNotification,
} from './repo.js';

export interface NotifyInput {
  /** Deterministic (e.g. "invite-sent_<invitationId>"): a repeat does nothing. */
  id: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  link?: string | null;
  data?: Record<string, unknown>;
}

/** What notifications need from a process: the server's AppContext or the workers' equivalent. */
export type NotificationsContext = Pick<AppContext, 'db' | 'redis' | 'config' | 'now'>;

export type NotificationsService = ReturnType<typeof createNotificationsService>;

export function createNotificationsService(ctx: NotificationsContext) {
  const coll = notificationsCollection(ctx.db);
  // Live pushes go through the live bridge (server/src/realtime/live.ts), from the API or a worker alike.
  const live = createLivePublisher(ctx.redis, ctx.config.REDIS_PREFIX);

  return {
    /**
     * Stores a notification once (deterministic `_id`) and, the first time only, pushes it live to the
     * user's Socket.IO room. Returns false when it already existed.
     */
    async notify(input: NotifyInput): Promise<boolean> {
      const doc: NotificationDoc = {
        _id: input.id,
        userId: new ObjectId(input.userId),
        kind: input.kind,
        title: input.title,
        body: input.body,
        link: input.link ?? null,
        data: input.data ?? {},
        read: false,
        readAt: null,
        createdAt: ctx.now(),
      };
      try {
        await coll.insertOne(doc);
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
      live.toUser(input.userId, NOTIFICATION_EVENT, toNotification(doc));
      return true;
    },

    async list(userId: string, q: NotificationListQuery): Promise<PageOf<Notification>> {
      const after = cursorFilter(q.cursor);
      if (after === null) {
        throw new AppError('VALIDATION_FAILED', 'query.cursor is not a valid cursor', [
          { field: 'query.cursor', reason: 'is not a valid cursor' },
        ]);
      }
      const filter: Filter<NotificationDoc> = { userId: new ObjectId(userId) };
      if (q.unread) filter.read = false;
      const docs = await coll
        .find({ $and: [filter, after] })
        .sort({ createdAt: -1, _id: -1 })
        .limit(q.limit + 1)
        .toArray();
      const more = docs.length > q.limit;
      const page = more ? docs.slice(0, q.limit) : docs;
      const last = page.at(-1);
      return { items: page.map(toNotification), nextCursor: more && last ? encodeCursor(last) : null };
    },

    unreadCount: (userId: string) => coll.countDocuments({ userId: new ObjectId(userId), read: false }),

    /** Only the owner marks their notifications read, and only ever to true: an in-place update is safe. */
    async markRead(userId: string, body: MarkReadBody): Promise<number> {
      const filter: Filter<NotificationDoc> = { userId: new ObjectId(userId), read: false };
      if ('ids' in body) filter._id = { $in: body.ids };
      const { modifiedCount } = await coll.updateMany(filter, { $set: { read: true, readAt: ctx.now() } });
      return modifiedCount;
    },
  };
}
