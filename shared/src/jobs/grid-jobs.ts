import { Type } from '@sinclair/typebox';
import { Id } from '../common.js';
import { defineJob } from './definition.js';

/** Grid issue queues: routing is latency-sensitive, deadlines are delayed jobs, the digest runs daily. */
export const GridQueues = {
  routing: 'grid-routing',
  deadlines: 'grid-deadlines',
  digest: 'grid-digest',
} as const;

/** Route one issue as of a log version (the `reported`/`returned` event that asked for routing). */
export const gridRouteJob = defineJob({
  queue: GridQueues.routing,
  name: 'gridRoute',
  payload: Type.Object(
    { issueId: Id, version: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  jobId: (p) => `gridRoute_${p.issueId}_${p.version}`,
  attempts: 8,
  backoffMs: 500,
});

/** Fire the escalation steps of one issue that are due when it runs; `dueAt` (ms) names the step time. */
export const gridDeadlineJob = defineJob({
  queue: GridQueues.deadlines,
  name: 'gridDeadline',
  payload: Type.Object({ issueId: Id, dueAt: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  jobId: (p) => `gridDeadline_${p.issueId}_${p.dueAt}`,
  attempts: 8,
  backoffMs: 1000,
});

/** Periodic repair: fires escalations whose delayed job was lost (Redis flushed, worker down for days). */
export const gridSweepJob = defineJob({
  queue: GridQueues.deadlines,
  name: 'gridSweep',
  payload: Type.Object({ minute: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  jobId: (p) => `gridSweep_${p.minute}`,
  attempts: 3,
  backoffMs: 5000,
});

/** The daily digest for one day (YYYY-MM-DD in Asia/Shanghai): what happened to the issues one follows. */
export const gridDigestJob = defineJob({
  queue: GridQueues.digest,
  name: 'gridDigest',
  payload: Type.Object(
    { day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) },
    { additionalProperties: false },
  ),
  jobId: (p) => `gridDigest_${p.day}`,
  attempts: 5,
  backoffMs: 10_000,
});

export const gridJobs = [gridRouteJob, gridDeadlineJob, gridSweepJob, gridDigestJob] as const;
