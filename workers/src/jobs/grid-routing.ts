import { Value } from '@sinclair/typebox/value';
import { AppError } from '@zhibu/server';
import { gridRouteJob } from '@zhibu/shared';
import { type Job, UnrecoverableError } from 'bullmq';
import type { GridRuntime } from './grid-runtime.js';

/**
 * Routes one reported (or returned) issue. Idempotent: the routing request is identified by its log
 * version, and a second run finds the issue routed and only repeats the (deduplicated) announcements.
 */
export function gridRoutingProcessor(rt: GridRuntime, hooks: { afterEvent?: () => Promise<void> } = {}) {
  return async (job: Job): Promise<string> => {
    if (!Value.Check(gridRouteJob.payload, job.data))
      throw new UnrecoverableError('invalid gridRoute payload');
    try {
      return await rt.grid.routing.routeIssue(job.data.issueId, job.data.version, hooks);
    } catch (error) {
      // A missing issue will not appear by retrying.
      if (error instanceof AppError && error.code === 'NOT_FOUND')
        throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}
