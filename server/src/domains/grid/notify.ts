import { Emitter } from '@socket.io/redis-emitter';
import { NOTIFICATION_EVENT, type Notification, userRoom } from '@zhibu/shared';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';

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

/** Must match the Socket.IO adapter's key (shared `socketRedisKey`): "<REDIS_PREFIX>:sio". */
const socketKey = (redisPrefix: string) => `${redisPrefix}:sio`;

export interface Notifier {
  /** Stores the notification once and, the first time only, pushes it live to the user's room. */
  notify(n: GridNotice, at: Date): Promise<boolean>;
  /** A live event to a user's sockets (no storage): e.g. a department's inbox refresh. */
  emit(userId: string, event: string, payload: unknown): void;
}

export function createNotifier(db: Db, redis: Redis, redisPrefix: string): Notifier {
  const emitter = new Emitter(redis, { key: socketKey(redisPrefix) });
  const notifications = db.collection<{
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
  }>('notifications');
  return {
    async notify(n, at) {
      try {
        await notifications.insertOne({
          _id: n.id,
          userId: new ObjectId(n.userId),
          kind: n.kind,
          title: n.title,
          body: n.body,
          link: n.link,
          data: n.data,
          read: false,
          readAt: null,
          createdAt: at,
        });
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
      const wire: Notification = { ...n, read: false, createdAt: at.toISOString() };
      emitter.to(userRoom(n.userId)).emit(NOTIFICATION_EVENT, wire);
      return true;
    },
    emit(userId, event, payload) {
      emitter.to(userRoom(userId)).emit(event, payload);
    },
  };
}
