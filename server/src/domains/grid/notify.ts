import { NOTIFICATION_EVENT } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { createInsertBatcher } from '../../db/batch.js';
import { createLivePublisher } from '../../realtime/live.js';
import { type NotificationDoc, notificationsCollection, toNotification } from '../notifications/repo.js';
import type { NotificationsContext } from '../notifications/service.js';
import { INSERT_BATCH } from './repo.js';

export interface GridNotice {
  /** Deterministic: a repeat (retry, second worker) collides on `_id` and sends nothing. */
  id: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
}

export interface Notifier {
  /** Stores the notification once (at the context's `now`) and, the first time only, pushes it live. */
  notify(n: GridNotice): Promise<boolean>;
  /** A live event to a user's sockets (no storage): e.g. a department's inbox refresh. */
  emit(userId: string, event: string, payload: unknown): void;
}

/**
 * Stored notifications (the notifications domain's collection and wire shape) with grid's own live events.
 * Routing notifies on its hot path, so the notices of concurrently running jobs are inserted together
 * (one unordered insertMany): a notice whose deterministic `_id` exists fails alone with 11000 and is
 * reported as not new; only a newly stored notice is pushed live, so it is sent exactly once.
 */
export function createNotifier(ctx: NotificationsContext): Notifier {
  const coll = notificationsCollection(ctx.db);
  // Live pushes go through the live bridge (server/src/realtime/live.ts), from the API or a worker alike.
  const live = createLivePublisher(ctx.redis, ctx.config.REDIS_PREFIX);
  const inserts = createInsertBatcher(
    coll,
    { value: true, onDuplicate: () => ({ ok: true, value: false }) },
    { maxBatch: INSERT_BATCH },
  );
  return {
    async notify(n) {
      const doc: NotificationDoc = {
        _id: n.id,
        userId: new ObjectId(n.userId),
        kind: n.kind,
        title: n.title,
        body: n.body,
        link: n.link,
        data: n.data,
        read: false,
        readAt: null,
        createdAt: ctx.now(),
      };
      const created = await inserts.add(doc);
      if (created) live.toUser(n.userId, NOTIFICATION_EVENT, toNotification(doc));
      return created;
    },
    emit(userId, event, payload) {
      live.toUser(userId, event, payload);
    },
  };
}
