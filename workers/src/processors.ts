import { Value } from '@sinclair/typebox/value';
import { createNotificationsService } from '@zhibu/server';
import { inviteNotification, type JobDefinition, type JobPayload, mentionNotifications } from '@zhibu/shared';
import { type Job, UnrecoverableError } from 'bullmq';
import type { WorkerContext } from './context.js';
import { processInviteNotification } from './jobs/invite-notification.js';
import { processMentionNotifications } from './jobs/mention-notifications.js';

export interface Processor {
  def: JobDefinition;
  run(job: Job): Promise<unknown>;
}

/** Every job kind this worker process handles, by job name. Add a line per kind (one file each in jobs/). */
export function createProcessors(ctx: WorkerContext): Processor[] {
  const notifications = createNotificationsService(ctx);
  return [
    typed(inviteNotification, (payload) => processInviteNotification(notifications, payload)),
    typed(mentionNotifications, (payload) => processMentionNotifications(ctx, notifications, payload)),
  ];
}

/** Validates the payload with the shared schema first: a bad payload will never succeed, so no retry. */
function typed<D extends JobDefinition>(
  def: D,
  run: (payload: JobPayload<D>) => Promise<unknown>,
): Processor {
  return {
    def,
    run(job) {
      if (!Value.Check(def.payload, job.data)) {
        const first = [...Value.Errors(def.payload, job.data)][0];
        throw new UnrecoverableError(
          `invalid ${def.name} payload at ${first?.path ?? '/'}: ${first?.message ?? ''}`,
        );
      }
      // Checked against the schema just above: the cast only tells TypeScript what Value.Check proved.
      return run(job.data as JobPayload<D>);
    },
  };
}
