import type { GridEvent, GridIssueDetail } from '@zhibu/shared';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import { readAccess, toView } from './access.js';
import { createGridAreas } from './areas.js';
import type { WorkCalendar } from './calendar.js';
import { createGridCore } from './core.js';
import { createEscalationService } from './escalation.js';
import { createHandlingService } from './handling.js';
import type { Notifier } from './notify.js';
import { createGridPhotos } from './photos.js';
import type { IssueState } from './projection.js';
import { createQaService } from './qa.js';
import type { Enqueue } from './queues.js';
import { createReportsService } from './reports.js';
import { createRoutingService } from './routing.js';
import { createStatsService } from './stats-service.js';

export interface GridServiceOptions {
  enqueue: Enqueue;
  notifier: Notifier;
  calendar?: WorkCalendar;
}

/** The public view of the log: no contact, and the reporter of an anonymous issue stays hidden. */
const HIDDEN_ID = '000000000000000000000000';
function redactEvent(e: GridEvent, s: IssueState): GridEvent {
  const hide = s.anonymous && e.actorId === s.reporterId;
  if (e.data.type === 'reported') {
    const data = { ...e.data, contact: null, reporterId: s.anonymous ? HIDDEN_ID : e.data.reporterId };
    return { ...e, actorId: hide ? null : e.actorId, data };
  }
  return { ...e, actorId: hide ? null : e.actorId };
}

/** The grid issues domain, composed: the server's routes and the workers' job processors both use it. */
export function createGridService(ctx: AppContext, options: GridServiceOptions) {
  const core = createGridCore(ctx, options);
  const routing = createRoutingService(core);
  const photos = createGridPhotos(ctx, core.current, core.photosInLog);
  const areas = createGridAreas(ctx.db);
  return {
    core,
    routing,
    photos,
    areas,
    handling: createHandlingService(core, routing, photos),
    reports: createReportsService(core, photos, areas),
    escalation: createEscalationService(core),
    stats: createStatsService(core),
    qa: createQaService(core),

    async detail(scope: Scope, issueId: string): Promise<GridIssueDetail> {
      const { events, state } = await core.load(issueId);
      const access = readAccess(scope, state);
      if (!access) throw new AppError('NOT_FOUND', 'No such issue');
      const timeline = access === 'full' ? events : events.map((e) => redactEvent(e, state));
      return { ...toView(state, access), timeline };
    },
  };
}
export type GridService = ReturnType<typeof createGridService>;
