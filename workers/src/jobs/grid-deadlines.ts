import { Value } from '@sinclair/typebox/value';
import { AppError } from '@zhibu/server';
import { gridDeadlineJob, gridSweepJob } from '@zhibu/shared';
import { type Job, UnrecoverableError } from 'bullmq';
import type { GridRuntime } from './grid-runtime.js';

/**
 * Deadline jobs (delayed to the moment a step is due) fire that issue's due escalation steps; the
 * sweep (repeatable, every minute) repairs whatever a lost delayed job or a crash left behind.
 */
export function gridDeadlinesProcessor(rt: GridRuntime) {
  return async (job: Job): Promise<unknown> => {
    if (job.name === gridSweepJob.name) {
      if (!Value.Check(gridSweepJob.payload, job.data))
        throw new UnrecoverableError('invalid gridSweep payload');
      return rt.grid.escalation.sweep();
    }
    if (job.name !== gridDeadlineJob.name) throw new UnrecoverableError(`unknown job ${job.name}`);
    if (!Value.Check(gridDeadlineJob.payload, job.data))
      throw new UnrecoverableError('invalid gridDeadline payload');
    try {
      return await rt.grid.escalation.fireDue(job.data.issueId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND')
        throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}
