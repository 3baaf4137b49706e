import { Value } from '@sinclair/typebox/value';
import { OrgEvent } from '@zhibu/shared';
import type { AppContext } from '../../context.js';

const channelOf = (ctx: AppContext) => `${ctx.config.REDIS_PREFIX}:org-events`;

/** Tells every server process about an org change (membership started/ended/changed, new branch/group). */
export async function publishOrgEvent(ctx: AppContext, event: OrgEvent): Promise<void> {
  await ctx.redis.publish(channelOf(ctx), JSON.stringify(event));
}

/**
 * Subscribes to org events on a dedicated Redis connection (a subscribed connection can do nothing else).
 * Messages that are not a valid OrgEvent are logged and dropped. Returns the unsubscribe function.
 */
export async function subscribeOrgEvents(
  ctx: AppContext,
  handler: (event: OrgEvent) => void | Promise<void>,
): Promise<() => Promise<void>> {
  const sub = ctx.redis.duplicate({ connectionName: 'zhibu-org-events' });
  const channel = channelOf(ctx);
  sub.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      ctx.log.warn({ channel }, 'org event is not JSON; dropped');
      return;
    }
    if (!Value.Check(OrgEvent, event)) {
      ctx.log.warn({ channel }, 'org event does not match the schema; dropped');
      return;
    }
    Promise.resolve()
      .then(() => handler(event))
      .catch((error: unknown) => ctx.log.error({ err: error, event }, 'org event handler failed'));
  });
  await sub.subscribe(channel);
  return async () => {
    await sub.unsubscribe(channel).catch(() => undefined);
    await sub.quit().catch(() => undefined);
  };
}
