import {
  ChannelLimits,
  mentionNotifications,
  type OrgEvent,
  type SyncPayload,
  type SyncResult,
} from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';
import { createQueues, type Queues } from '../../jobs/queues.js';
import { createAccessCache } from './access.js';
import { createAttachmentsService } from './attachments.js';
import { createChannelsService } from './channels.js';
import { createCounters } from './counters.js';
import { type Broadcaster, createEventLog, silentBroadcaster } from './events.js';
import { createSendLimits } from './limits.js';
import { createMessagesService } from './messages.js';
import { collections } from './model.js';
import { createModerationService } from './moderation.js';
import { createPinsService } from './pins.js';
import { createPresenter } from './present.js';
import { createReactionsService } from './reactions.js';
import { createReadState } from './read-state.js';
import { createSearchService } from './search.js';
import { createThreadsService } from './threads.js';

/**
 * The channels domain, one instance per server process (per AppContext): services for channels,
 * messages, threads, reactions, pins, read state, search, moderation and attachments, sharing one
 * access cache. Live delivery goes through the Broadcaster the realtime layer installs.
 */
export function createChannelsDomain(ctx: AppContext) {
  const cols = collections(ctx.db);
  const prefix = ctx.config.REDIS_PREFIX;
  let broadcaster: Broadcaster = silentBroadcaster;
  const b = () => broadcaster;
  const access = createAccessCache(ctx, cols);
  const counters = createCounters(ctx.redis, prefix);
  const presenter = createPresenter(ctx.db, cols);
  const events = createEventLog(cols, counters, b, (docs) => presenter.present(docs));
  const channels = createChannelsService(ctx, cols, access, counters, events, b);
  const reads = createReadState(cols, access, counters, channels.maxSeq, b);
  const limits = createSendLimits(ctx.redis, prefix, ctx.now);

  // The app's queues (installed by the routes); a private set only when none was installed.
  let queues: Queues | null = null;
  let ownQueues: Queues | null = null;
  async function enqueueNotifications(messageId: string): Promise<void> {
    if (!queues) {
      ownQueues ??= createQueues(ctx);
      queues = ownQueues;
    }
    await queues.enqueue(mentionNotifications, { messageId });
  }

  const messages = createMessagesService({
    ctx,
    cols,
    access,
    counters,
    events,
    channels,
    presenter,
    reads,
    limits,
    enqueueNotifications: (id) => domain.enqueueNotifications(id),
  });
  const threads = createThreadsService(cols, messages, presenter, ctx.now);
  const reactions = createReactionsService(cols, messages, events, ctx.now);
  const pins = createPinsService(cols, access, messages, presenter, events, ctx.now);
  const moderation = createModerationService(ctx, cols, access, messages, presenter, events, b);
  const search = createSearchService(cols, access, presenter);
  const attachments = createAttachmentsService(ctx, cols, access);

  /** Every event after the client's last known one, per channel, in order; capped per answer. */
  async function sync(userId: string, payload: SyncPayload): Promise<SyncResult> {
    const result: SyncResult = { events: [], more: [], revoked: [] };
    let budget = ChannelLimits.syncEventsMax;
    for (const { channelId, afterEventSeq } of payload.channels) {
      try {
        await access.rights(userId, channelId);
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') {
          result.revoked.push(channelId);
          continue;
        }
        throw error;
      }
      if (budget <= 0) {
        result.more.push(channelId);
        continue;
      }
      const found = await events.after(new ObjectId(channelId), afterEventSeq, budget + 1);
      if (found.length > budget) {
        result.more.push(channelId);
        found.length = budget;
      }
      budget -= found.length;
      result.events.push(...found);
    }
    return result;
  }

  /** Org changes: create channels for new branches and groups; drop cached access of people who moved. */
  async function onOrgEvent(event: OrgEvent): Promise<string | null> {
    switch (event.type) {
      case 'branch.created':
        await channels.ensureBranchChannels(new ObjectId(event.branchId));
        return null;
      case 'group.created':
        await channels.ensureGroupChannel(new ObjectId(event.groupId));
        return null;
      case 'membership.started':
      case 'membership.changed':
        await channels.ensureBranchChannels(new ObjectId(event.branchId));
        if (event.groupId) await channels.ensureGroupChannel(new ObjectId(event.groupId));
        access.forgetUser(event.userId);
        return event.userId;
      case 'membership.ended':
        access.forgetUser(event.userId);
        return event.userId;
    }
  }

  const domain = {
    ctx,
    cols,
    access,
    counters,
    events,
    channels,
    messages,
    threads,
    reactions,
    pins,
    reads,
    moderation,
    search,
    attachments,
    presenter,
    sync,
    onOrgEvent,
    enqueueNotifications,
    useBroadcaster(next: Broadcaster) {
      broadcaster = next;
    },
    useQueues(next: Queues) {
      queues = next;
    },
    async close() {
      await ownQueues?.close().catch(() => undefined);
      ownQueues = null;
    },
  };
  return domain;
}
export type ChannelsDomain = ReturnType<typeof createChannelsDomain>;

const instances = new WeakMap<AppContext, ChannelsDomain>();

/** The process's channels domain for this context (routes and the realtime layer share it). */
export function channelsDomainFor(ctx: AppContext): ChannelsDomain {
  let domain = instances.get(ctx);
  if (!domain) {
    domain = createChannelsDomain(ctx);
    instances.set(ctx, domain);
  }
  return domain;
}
