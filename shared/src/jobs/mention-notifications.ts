import { Type } from '@sinclair/typebox';
import { Id } from '../common.js';
import { defineJob, QueueNames } from './definition.js';

/**
 * After a message is stored: in-app notifications for the people it mentions (@user, @all) and for the
 * followers of the thread it replies in. One job per message; each notification has a deterministic id.
 */
export const mentionNotifications = defineJob({
  queue: QueueNames.notifications,
  name: 'mentionNotifications',
  payload: Type.Object({ messageId: Id }, { additionalProperties: false }),
  jobId: (p) => `mentionNotifications_${p.messageId}`,
  attempts: 5,
  backoffMs: 1000,
});
