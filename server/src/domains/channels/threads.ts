import type { ThreadQuery, ThreadView } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';
import type { MessagesService } from './messages.js';
import type { Collections } from './model.js';
import type { Presenter } from './present.js';

/** Thread view (root, replies in order, follow state) and follow / unfollow. */
export function createThreadsService(
  cols: Collections,
  messages: MessagesService,
  presenter: Presenter,
  now: () => Date,
) {
  return {
    async view(userId: string, rootId: string, q: ThreadQuery): Promise<ThreadView> {
      const { doc: root, rights } = await messages.findMessage(userId, rootId);
      if (root.threadRootId !== null) throw new AppError('NOT_FOUND', 'No such thread');
      const found = await cols.messages
        .find(
          { threadRootId: root._id, replySeq: { $gt: q.after ?? 0 } },
          { sort: { replySeq: 1 }, limit: q.limit + 1 },
        )
        .toArray();
      const follow = await cols.follows.findOne({ _id: `${rootId}:${userId}` });
      const [rootMessage, ...replies] = await presenter.present([root, ...found.slice(0, q.limit)], {
        moderator: rights.moderate,
      });
      return {
        root: rootMessage!,
        replies,
        following: follow?.following ?? false,
        hasMore: found.length > q.limit,
      };
    },

    /** Only the follower writes their own follow document, so an in-place upsert is safe. */
    async follow(userId: string, rootId: string, following: boolean): Promise<{ following: boolean }> {
      const { doc: root } = await messages.findMessage(userId, rootId);
      if (root.threadRootId !== null) throw new AppError('NOT_FOUND', 'No such thread');
      const me = new ObjectId(userId);
      for (let attempt = 0; ; attempt++) {
        try {
          await cols.follows.updateOne(
            { _id: `${rootId}:${userId}` },
            {
              $set: { following, at: now() },
              $setOnInsert: { rootId: root._id, channelId: root.channelId, userId: me },
            },
            { upsert: true },
          );
          return { following };
        } catch (error) {
          if (attempt >= 2) throw error;
        }
      }
    },
  };
}
