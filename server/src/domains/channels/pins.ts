import type { Message } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import type { AccessCache } from './access.js';
import { byIds } from './by-ids.js';
import type { EventLog } from './events.js';
import type { MessagesService } from './messages.js';
import type { Collections } from './model.js';
import type { Presenter } from './present.js';

/** Pins are documents keyed "<channelId>:<messageId>". Whoever may post may pin (announcements: leaders). */
export function createPinsService(
  cols: Collections,
  access: AccessCache,
  messages: MessagesService,
  presenter: Presenter,
  events: EventLog,
  now: () => Date,
) {
  return {
    async pin(userId: string, messageId: string): Promise<void> {
      const { doc, rights } = await messages.findMessage(userId, messageId);
      if (!rights.post) throw new AppError('FORBIDDEN');
      if (doc.deletedAt) throw new AppError('INVALID_STATE', 'The message was deleted');
      const me = new ObjectId(userId);
      const at = now();
      try {
        await cols.pins.insertOne({
          _id: `${doc.channelId.toHexString()}:${messageId}`,
          channelId: doc.channelId,
          messageId: doc._id,
          pinnedBy: me,
          pinnedAt: at,
        });
      } catch (error) {
        if (isDuplicateKey(error)) return;
        throw error;
      }
      const message = await messages.snapshot(doc);
      await events.append(doc.channelId, { type: 'pin.added', actorId: me, at, message });
    },

    async unpin(userId: string, messageId: string): Promise<void> {
      const { doc, rights } = await messages.findMessage(userId, messageId);
      if (!rights.post) throw new AppError('FORBIDDEN');
      const { deletedCount } = await cols.pins.deleteOne({
        _id: `${doc.channelId.toHexString()}:${messageId}`,
      });
      if (deletedCount === 0) return;
      const message = await messages.snapshot(doc);
      await events.append(doc.channelId, {
        type: 'pin.removed',
        actorId: new ObjectId(userId),
        at: now(),
        message,
      });
    },

    async list(userId: string, channelId: string): Promise<Message[]> {
      const { channel, rights } = await access.rights(userId, channelId);
      const pins = await cols.pins
        .find({ channelId: channel._id }, { sort: { pinnedAt: -1 }, limit: 200 })
        .toArray();
      const docs = await byIds(
        cols.messages,
        pins.map((p) => p.messageId),
      );
      const order = new Map(pins.map((p, i) => [p.messageId.toHexString(), i]));
      docs.sort((a, b) => (order.get(a._id.toHexString()) ?? 0) - (order.get(b._id.toHexString()) ?? 0));
      return presenter.present(docs, { moderator: rights.moderate });
    },
  };
}
