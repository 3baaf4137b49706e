import { type AppContext, chatNotificationsFor, type NotificationsService } from '@zhibu/server';
import type { JobPayload, mentionNotifications } from '@zhibu/shared';

type Payload = JobPayload<typeof mentionNotifications>;

/**
 * After a message is stored: in-app notifications for the people it mentions and for the followers of
 * its thread. Every notification id is deterministic, so a retried job notifies nobody twice.
 */
export async function processMentionNotifications(
  ctx: AppContext,
  notifications: NotificationsService,
  p: Payload,
): Promise<{ notified: number }> {
  let notified = 0;
  for (const n of await chatNotificationsFor(ctx, p.messageId)) {
    if (await notifications.notify(n)) notified += 1;
  }
  return { notified };
}
