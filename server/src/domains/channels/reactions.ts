import { ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import type { EventLog } from './events.js';
import type { MessagesService } from './messages.js';
import type { Collections } from './model.js';

/** Reactions are documents keyed "<messageId>:<userId>:<emoji>": adding twice is one reaction. */
export function createReactionsService(
  cols: Collections,
  messages: MessagesService,
  events: EventLog,
  now: () => Date,
) {
  return {
    async add(userId: string, messageId: string, emoji: string): Promise<void> {
      const { doc, channel } = await messages.findMessage(userId, messageId);
      if (doc.deletedAt || doc.hidden) throw new AppError('INVALID_STATE', 'The message is gone');
      if (channel.archived) throw new AppError('CHANNEL_ARCHIVED');
      const me = new ObjectId(userId);
      const at = now();
      try {
        await cols.reactions.insertOne({
          _id: `${messageId}:${userId}:${emoji}`,
          messageId: doc._id,
          channelId: doc.channelId,
          userId: me,
          emoji,
          at,
        });
      } catch (error) {
        if (isDuplicateKey(error)) return;
        throw error;
      }
      await events.append(doc.channelId, {
        type: 'reaction.added',
        actorId: me,
        at,
        messageId: doc._id,
        emoji,
        userId: me,
      });
    },

    async remove(userId: string, messageId: string, emoji: string): Promise<void> {
      const { doc } = await messages.findMessage(userId, messageId);
      const me = new ObjectId(userId);
      const { deletedCount } = await cols.reactions.deleteOne({ _id: `${messageId}:${userId}:${emoji}` });
      if (deletedCount === 0) return;
      await events.append(doc.channelId, {
        type: 'reaction.removed',
        actorId: me,
        at: now(),
        messageId: doc._id,
        emoji,
        userId: me,
      });
    },
  };
}
