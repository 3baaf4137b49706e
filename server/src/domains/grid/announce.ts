import type { GridEvent } from '@zhibu/shared';
import { toView } from './access.js';
import type { GridCore } from './core.js';
import type { IssueState } from './projection.js';

/** Live event on `user:<id>` when an issue lands in someone's inbox (department staff, lawyer). */
export const GRID_ISSUE_EVENT = 'grid:issue';

const CATEGORY_ZH: Record<IssueState['category'], string> = {
  hazard: '隐患',
  dispute: '矛盾纠纷',
  opinion: '社情民意',
  legalQuestion: '法律咨询',
  other: '其他',
};

const link = (s: IssueState) => `/grid/issues/${s.id}`;

/** Tells the new holders of an issue, once per event (notification ids carry the event version). */
export async function announceAssignment(core: GridCore, state: IssueState, event: GridEvent): Promise<void> {
  const users = await core.handlers(state);
  for (const userId of users) {
    await core.notifier.notify({
      id: `grid-assigned_${state.id}_${event.version}_${userId}`,
      userId,
      kind: 'grid.assigned',
      title: `新${CATEGORY_ZH[state.category]}事项：${state.title}`,
      body: state.address,
      link: link(state),
      data: { issueId: state.id, category: state.category },
    });
    emitWhenListed(core, state, userId);
  }
}

/**
 * The live `grid:issue` event makes clients refetch their lists, which read the projection: it goes out
 * once the projection of this state is written (at once when it was written on the caller's path).
 */
function emitWhenListed(core: GridCore, state: IssueState, userId: string): void {
  void core.projections
    .settled(state.id)
    .then(() => core.notifier.emit(userId, GRID_ISSUE_EVENT, toView(state, 'full')));
}

const REPORTER_STEPS: Partial<Record<GridEvent['data']['type'], string>> = {
  routed: '已分派',
  accepted: '已受理',
  infoRequested: '需要补充信息',
  resolved: '已办结，请评价',
  verified: '网格员已核查',
  handedOver: '已转办',
};

/** Tells the reporter about the steps they follow (every step is also in the issue's timeline). */
export async function announceToReporter(core: GridCore, state: IssueState, event: GridEvent): Promise<void> {
  const step = REPORTER_STEPS[event.data.type];
  if (!step || (event.data.type === 'routed' && state.status === 'dispatch')) return;
  await core.notifier.notify({
    id: `grid-step_${state.id}_${event.version}`,
    userId: state.reporterId,
    kind: 'grid.step',
    title: `${step}：${state.title}`,
    body:
      event.data.type === 'resolved'
        ? event.data.outcome
        : event.data.type === 'infoRequested'
          ? event.data.question
          : '',
    link: link(state),
    data: { issueId: state.id, version: event.version, type: event.data.type },
  });
  emitWhenListed(core, state, state.reporterId);
}
