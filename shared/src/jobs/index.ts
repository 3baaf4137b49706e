import type { JobDefinition } from './definition.js';
import { inviteNotification } from './invite-notification.js';
import { mentionNotifications } from './mention-notifications.js';

export * from './definition.js';
export { inviteNotification } from './invite-notification.js';
export { mentionNotifications } from './mention-notifications.js';

/** Every job kind; the worker process starts a Worker for each queue named here. */
export const allJobs: readonly JobDefinition[] = [inviteNotification, mentionNotifications];
