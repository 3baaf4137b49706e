/** The grid domain's public surface: the workers import these through `@zhibu/server`. */
export { createCalendar, defaultWorkCalendar, loadCalendarData, type WorkCalendar } from './calendar.js';
export { CategoryLimits, planDeadlines } from './deadlines.js';
export { sendDailyDigest } from './digest.js';
export { createNotifier, type Notifier } from './notify.js';
export { type IssueState, project } from './projection.js';
export {
  bullPrefix as gridBullPrefix,
  createGridQueues,
  type Enqueue,
  jobOptions as gridJobOptions,
} from './queues.js';
export { INSERT_BATCH } from './repo.js';
export { matchRules, suggestCategory } from './routing.js';
export { createGridService, type GridService } from './service.js';
export { computeStats, groupByIssue, summarize } from './statistics.js';
