import type { Report, ReportPage, ReportsQuery } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import { type AccessCache, readableFilter, rightsFor } from './access.js';
import { byIds } from './by-ids.js';
import type { Broadcaster, EventLog } from './events.js';
import type { MessagesService } from './messages.js';
import type { Collections } from './model.js';
import type { Presenter } from './present.js';

const decodeOffset = (cursor?: string) => {
  const n = cursor ? Number.parseInt(cursor, 10) : 0;
  return Number.isFinite(n) && n >= 0 ? n : 0;
};

/** Reports and their review queue, hiding, mutes; every moderator action is written to moderation_log. */
export function createModerationService(
  ctx: AppContext,
  cols: Collections,
  access: AccessCache,
  messages: MessagesService,
  presenter: Presenter,
  events: EventLog,
  broadcaster: () => Broadcaster,
) {
  async function log(
    channelId: ObjectId,
    actorId: ObjectId,
    action: 'hide' | 'mute' | 'dismiss',
    messageId: ObjectId | null,
    userId: ObjectId | null,
    detail = '',
  ) {
    await cols.modlog.insertOne({
      _id: new ObjectId(),
      channelId,
      actorId,
      action,
      messageId,
      userId,
      detail,
      at: ctx.now(),
    });
  }

  async function hide(userId: string, messageId: string): Promise<void> {
    const { doc, rights } = await messages.findMessage(userId, messageId);
    if (!rights.moderate) throw new AppError('FORBIDDEN');
    if (doc.hidden) return;
    const me = new ObjectId(userId);
    await log(doc.channelId, me, 'hide', doc._id, doc.authorId);
    await cols.messages.updateOne({ _id: doc._id }, { $set: { hidden: true } });
    const [message] = await presenter.present([{ ...doc, hidden: true }]);
    await events.append(doc.channelId, {
      type: 'message.hidden',
      actorId: me,
      at: ctx.now(),
      message: message!,
    });
  }

  return {
    hide,

    async report(userId: string, messageId: string, reason: string): Promise<void> {
      const { doc } = await messages.findMessage(userId, messageId);
      try {
        await cols.reports.insertOne({
          _id: new ObjectId(),
          messageId: doc._id,
          channelId: doc.channelId,
          reporterId: new ObjectId(userId),
          reason,
          status: 'open',
          resolution: null,
          createdAt: ctx.now(),
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // One report per person and message; a second one is the same report.
      }
    },

    /** The review queue: reports in every channel the user moderates. */
    async reports(userId: string, q: ReportsQuery): Promise<ReportPage> {
      const userAccess = await access.user(userId);
      const channels = await cols.channels.find(readableFilter(userAccess)).toArray();
      const moderated = channels.filter((c) => rightsFor(userAccess, c).moderate);
      const names = new Map(moderated.map((c) => [c._id.toHexString(), c.name]));
      const offset = decodeOffset(q.cursor);
      const filter = {
        channelId: { $in: moderated.map((c) => c._id) },
        ...(q.status ? { status: q.status } : {}),
      };
      const [docs, total] = await Promise.all([
        cols.reports.find(filter, { sort: { createdAt: -1 }, skip: offset, limit: q.limit + 1 }).toArray(),
        cols.reports.countDocuments(filter),
      ]);
      const page = docs.slice(0, q.limit);
      const msgs = await byIds(
        cols.messages,
        page.map((r) => r.messageId),
      );
      const presented = new Map((await presenter.present(msgs, { moderator: true })).map((m) => [m.id, m]));
      const items: Report[] = page.flatMap((r) => {
        const message = presented.get(r.messageId.toHexString());
        if (!message) return [];
        return [
          {
            id: r._id.toHexString(),
            channelId: r.channelId.toHexString(),
            channelName: names.get(r.channelId.toHexString()) ?? '',
            message,
            reporterId: r.reporterId.toHexString(),
            reason: r.reason,
            status: r.status,
            resolution: r.resolution,
            createdAt: r.createdAt.toISOString(),
          },
        ];
      });
      return { items, nextCursor: docs.length > q.limit ? String(offset + q.limit) : null, total };
    },

    /** Resolves every open report of a message: hide it, or dismiss the reports. */
    async resolve(userId: string, messageId: string, action: 'hide' | 'dismiss'): Promise<void> {
      const { doc, rights } = await messages.findMessage(userId, messageId);
      if (!rights.moderate) throw new AppError('FORBIDDEN');
      if (action === 'hide') await hide(userId, messageId);
      else await log(doc.channelId, new ObjectId(userId), 'dismiss', doc._id, doc.authorId);
      await cols.reports.updateMany(
        { messageId: doc._id, status: 'open' },
        { $set: { status: 'resolved', resolution: action } },
      );
    },

    /** Mutes a member in a channel for `minutes` (0 lifts the mute). */
    async mute(
      userId: string,
      channelId: string,
      targetId: string,
      minutes: number,
    ): Promise<{ until: string }> {
      const { channel, rights } = await access.rights(userId, channelId);
      if (!rights.moderate) throw new AppError('FORBIDDEN');
      const me = new ObjectId(userId);
      const target = new ObjectId(targetId);
      const until = new Date(ctx.now().getTime() + minutes * 60_000);
      await log(channel._id, me, 'mute', null, target, `${minutes}m`);
      await cols.mutes
        .replaceOne(
          { _id: `${channelId}:${targetId}` },
          { channelId: channel._id, userId: target, until, by: me },
          { upsert: true },
        )
        .catch(async (error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
          await cols.mutes.replaceOne(
            { _id: `${channelId}:${targetId}` },
            { channelId: channel._id, userId: target, until, by: me },
          );
        });
      // Every process drops its cached access of the muted person, mutes included.
      access.forgetUser(targetId);
      broadcaster().invalidate({ userIds: [targetId] });
      return { until: until.toISOString() };
    },
  };
}
