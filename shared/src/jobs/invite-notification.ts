import { Type } from '@sinclair/typebox';
import { Id } from '../common.js';
import { defineJob, QueueNames } from './definition.js';

/**
 * After a secretary invites someone: a notification for the invitee when they already have an account,
 * and always an "invitation sent" record for the inviter.
 */
export const inviteNotification = defineJob({
  queue: QueueNames.notifications,
  name: 'inviteNotification',
  payload: Type.Object(
    {
      invitationId: Id,
      branchId: Id,
      branchName: Type.String({ maxLength: 200 }),
      inviterId: Id,
      /** The existing account the invitation is addressed to (by username or mobile), if any. */
      inviteeUserId: Type.Union([Id, Type.Null()]),
      displayName: Type.String({ maxLength: 100 }),
    },
    { additionalProperties: false },
  ),
  jobId: (p) => `inviteNotification_${p.invitationId}`,
});
