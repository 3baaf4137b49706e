import { Emitter } from '@socket.io/redis-emitter';
import { socketRedisKey, userRoom } from '@zhibu/shared';
import { createNotificationsService, type NotificationsContext } from '../notifications/service.js';

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

/** Storage and live push go through the notifications domain; `emit` adds grid's own live events. */
export function createNotifier(ctx: NotificationsContext): Notifier {
  const notifications = createNotificationsService(ctx);
  const emitter = new Emitter(ctx.redis, { key: socketRedisKey(ctx.config.REDIS_PREFIX) });
  return {
    notify: (n) => notifications.notify(n),
    emit(userId, event, payload) {
      emitter.to(userRoom(userId)).emit(event, payload);
    },
  };
}
