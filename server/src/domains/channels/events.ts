import type { Channel, ChannelEvent, ChannelEventType, Message } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import type { Counters } from './counters.js';
import type { Collections, EventDoc, MessageDoc } from './model.js';

/** How the domain reaches live sockets; the realtime layer installs the Socket.IO implementation. */
export interface Broadcaster {
  channelEvent(event: ChannelEvent): void;
  toUser(userId: string, event: string, payload: unknown): void;
  /** Makes every socket of the user (on every process) join or leave channel rooms. */
  joinChannels(userId: string, channelIds: string[]): void;
  leaveChannels(userId: string, channelIds: string[]): void;
  /** Drops per-process access caches for these users/channels on every process. */
  invalidate(change: { userIds?: string[]; channelIds?: string[] }): void;
}

export const silentBroadcaster: Broadcaster = {
  channelEvent: () => undefined,
  toUser: () => undefined,
  joinChannels: () => undefined,
  leaveChannels: () => undefined,
  invalidate: () => undefined,
};

export interface NewEvent {
  type: ChannelEventType;
  actorId: ObjectId;
  at: Date;
  message?: Message | null;
  messageId?: ObjectId | null;
  emoji?: string | null;
  userId?: ObjectId | null;
  channel?: Channel | null;
}

export function toWireEvent(doc: EventDoc): ChannelEvent {
  return {
    channelId: doc.channelId.toHexString(),
    eventSeq: doc.eventSeq,
    type: doc.type as ChannelEventType,
    at: doc.at.toISOString(),
    actorId: doc.actorId.toHexString(),
    message: (doc.message as Message | null) ?? null,
    messageId: doc.messageId ? doc.messageId.toHexString() : null,
    emoji: doc.emoji,
    userId: doc.userId ? doc.userId.toHexString() : null,
    channel: (doc.channel as Channel | null) ?? null,
  };
}

/**
 * The append-only per-channel event log. `eventSeq` comes from a Redis counter; the unique `_id`
 * "<channelId>:<eventSeq>" is the safety net. Catch-up replays this log in order, so every change a
 * client may have missed (created, edited, deleted, reactions, pins) is here exactly once.
 */
export function createEventLog(
  cols: Collections,
  counters: Counters,
  broadcaster: () => Broadcaster,
  present: (docs: MessageDoc[]) => Promise<Message[]>,
) {
  const keyOf = (channelId: ObjectId) => `ev:${channelId.toHexString()}`;
  // message.created events are the messages themselves (a message carries its eventSeq), so the log's
  // maximum is the larger of the two collections'.
  const maxOf = (channelId: ObjectId) => async () => {
    const [event, message] = await Promise.all([
      cols.events.findOne({ channelId }, { sort: { eventSeq: -1 }, projection: { eventSeq: 1 } }),
      cols.messages.findOne(
        { channelId, eventSeq: { $gte: 1 } },
        { sort: { eventSeq: -1 }, projection: { eventSeq: 1 } },
      ),
    ]);
    return Math.max(event?.eventSeq ?? 0, message?.eventSeq ?? 0);
  };

  return {
    async append(channelId: ObjectId, e: NewEvent): Promise<ChannelEvent> {
      let eventSeq = await counters.next(keyOf(channelId), maxOf(channelId));
      for (let attempt = 0; ; attempt++) {
        const doc: EventDoc = {
          _id: `${channelId.toHexString()}:${eventSeq}`,
          channelId,
          eventSeq,
          type: e.type,
          at: e.at,
          actorId: e.actorId,
          messageId: e.messageId ?? (e.message ? new ObjectId(e.message.id) : null),
          message: (e.message as unknown as Record<string, unknown>) ?? null,
          channel: (e.channel as unknown as Record<string, unknown>) ?? null,
          emoji: e.emoji ?? null,
          userId: e.userId ?? null,
        };
        try {
          await cols.events.insertOne(doc);
          const wire = toWireEvent(doc);
          broadcaster().channelEvent(wire);
          return wire;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= 5) throw error;
          eventSeq = await counters.reseedNext(keyOf(channelId), maxOf(channelId));
        }
      }
    },

    /** The next event number, for a message about to be stored (its message.created event). */
    nextSeq: (channelId: ObjectId) => counters.next(keyOf(channelId), maxOf(channelId)),
    /** The event counter of a channel, for `counters.nextMany` (a message takes its number with others). */
    counter: (channelId: ObjectId) => ({ key: keyOf(channelId), loadMax: maxOf(channelId) }),
    reseed: (channelId: ObjectId) => counters.reseedNext(keyOf(channelId), maxOf(channelId)),

    /** Delivers the message.created event of a stored message (the message document is the record). */
    created(message: Message, eventSeq: number, actorId: ObjectId, at: Date): ChannelEvent {
      const wire: ChannelEvent = {
        channelId: message.channelId,
        eventSeq,
        type: 'message.created',
        at: at.toISOString(),
        actorId: actorId.toHexString(),
        message,
        messageId: message.id,
        emoji: null,
        userId: null,
        channel: null,
      };
      broadcaster().channelEvent(wire);
      return wire;
    },

    async after(channelId: ObjectId, afterEventSeq: number, limit: number): Promise<ChannelEvent[]> {
      const [logged, created] = await Promise.all([
        cols.events
          .find({ channelId, eventSeq: { $gt: afterEventSeq } }, { sort: { eventSeq: 1 }, limit })
          .toArray(),
        cols.messages
          .find({ channelId, eventSeq: { $gt: afterEventSeq } }, { sort: { eventSeq: 1 }, limit })
          .toArray(),
      ]);
      const createdEvents = (await present(created)).map(
        (message, i): ChannelEvent => ({
          channelId: channelId.toHexString(),
          eventSeq: created[i]!.eventSeq,
          type: 'message.created',
          at: created[i]!.createdAt.toISOString(),
          actorId: message.authorId,
          message,
          messageId: message.id,
          emoji: null,
          userId: null,
          channel: null,
        }),
      );
      return [...logged.map(toWireEvent), ...createdEvents]
        .sort((a, b) => a.eventSeq - b.eventSeq)
        .slice(0, limit);
    },

    last: (channelId: ObjectId) => counters.current(keyOf(channelId), maxOf(channelId)),
  };
}
export type EventLog = ReturnType<typeof createEventLog>;
