import { Value } from '@sinclair/typebox/value';
import { sendDailyDigest } from '@zhibu/server';
import { gridDigestJob } from '@zhibu/shared';
import { type Job, UnrecoverableError } from 'bullmq';
import type { GridRuntime } from './grid-runtime.js';

/** Name of the scheduler's daily job: it enqueues the digest of the day before (deterministic id). */
export const GRID_DIGEST_DAILY = 'gridDigestDaily';
const UNUSED_PHOTO_DAYS = 2;
const REPORT_CLIENT_ID_DAYS = 7;

/** The daily digest; the scheduler runs at 08:00 Shanghai and asks for the day before (and purges unused photos). */
export function gridDigestProcessor(rt: GridRuntime, enqueueDigest: (day: string) => Promise<void>) {
  return async (job: Job): Promise<unknown> => {
    if (job.name === GRID_DIGEST_DAILY) {
      const cal = rt.grid.core.calendar;
      const yesterday = cal.dayOf(new Date(rt.ctx.now().getTime() - 86_400_000));
      await enqueueDigest(yesterday);
      // The same daily tick frees photos claimed by a report whose process died before writing it, then
      // removes photo uploads that no report or verification took within two days.
      const releasedPhotos = await rt.grid.photos.releaseOrphans(
        new Date(rt.ctx.now().getTime() - 3_600_000),
      );
      const purgedPhotos = await rt.grid.photos.purgeUnused(
        new Date(rt.ctx.now().getTime() - UNUSED_PHOTO_DAYS * 86_400_000),
      );
      // Client ids of reports are kept for retries, not for ever.
      const forgottenClientIds = await rt.grid.reports.forgetClientIds(
        new Date(rt.ctx.now().getTime() - REPORT_CLIENT_ID_DAYS * 86_400_000),
      );
      return { enqueued: yesterday, releasedPhotos, purgedPhotos, forgottenClientIds };
    }
    if (!Value.Check(gridDigestJob.payload, job.data))
      throw new UnrecoverableError('invalid gridDigest payload');
    return sendDailyDigest(rt.ctx, rt.grid.core.notifier, rt.grid.core.calendar, job.data.day);
  };
}
