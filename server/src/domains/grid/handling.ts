import type { GridActionBody, GridEventData, GridStatus } from '@zhibu/shared';
import { AppError } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import { isDepartmentHead, isDispatcher, isGridWorker, isHandler, isReporter, readAccess } from './access.js';
import { announceAssignment, announceToReporter } from './announce.js';
import type { GridCore } from './core.js';
import type { GridPhotos } from './photos.js';
import type { IssueState } from './projection.js';
import type { RoutingService } from './routing.js';

const forbid = (why: string) => new AppError('FORBIDDEN', why);
const badState = (why: string) => new AppError('INVALID_STATE', why);

function need(state: IssueState, allowed: readonly GridStatus[], action: string): void {
  if (!allowed.includes(state.status)) throw badState(`Cannot ${action} an issue that is ${state.status}`);
}

/**
 * Turns one action into the event it appends, on fresh state (called again after a lost race). Throws
 * FORBIDDEN when the actor may not do it and INVALID_STATE when the issue is not in a state that allows it.
 */
export function decideAction(scope: Scope, state: IssueState, body: GridActionBody): GridEventData {
  const handler = isHandler(scope, state) || isDispatcher(scope);
  switch (body.action) {
    case 'accept':
      if (!handler) throw forbid('Only the assigned unit accepts an issue');
      need(state, ['assigned'], 'accept');
      return { type: 'accepted' };
    case 'requestInfo':
      if (!handler) throw forbid('Only the assigned unit asks the reporter');
      need(state, ['assigned', 'accepted'], 'ask about');
      return { type: 'infoRequested', question: body.question };
    case 'provideInfo':
      if (!isReporter(scope, state)) throw forbid('Only the reporter answers');
      need(state, ['awaitingInfo'], 'answer');
      return { type: 'infoProvided', answer: body.answer };
    case 'return':
      if (!handler) throw forbid('Only the assigned unit returns an issue');
      need(state, ['assigned', 'accepted'], 'return');
      return { type: 'returned', reason: body.reason };
    case 'requestExtension':
      if (!handler) throw forbid('Only the assigned unit asks for an extension');
      need(state, ['assigned', 'accepted', 'awaitingInfo'], 'extend');
      if (state.extensionPending) throw badState('An extension request is already pending');
      return { type: 'extensionRequested', workingDays: body.workingDays, reason: body.reason };
    case 'decideExtension':
      if (!isDispatcher(scope) && !isDepartmentHead(scope, state)) {
        throw forbid('The department head or a dispatcher decides on extensions');
      }
      if (!state.extensionPending) throw badState('No extension request is pending');
      return { type: 'extensionDecided', approved: body.approved, workingDays: state.pendingExtensionDays };
    case 'handOver':
      if (!handler || state.target?.kind !== 'department')
        throw forbid('Only the assigned department hands over');
      need(state, ['assigned', 'accepted'], 'hand over');
      if (body.departmentId === state.target.departmentId)
        throw badState('The issue is already with this unit');
      if (
        body.leadDepartmentId !== body.departmentId &&
        body.leadDepartmentId !== state.target.departmentId
      ) {
        throw new AppError('VALIDATION_FAILED', 'The lead unit is one of the two departments', [
          { field: 'body.leadDepartmentId', reason: 'must be the current or the new department' },
        ]);
      }
      return {
        type: 'handedOver',
        departmentId: body.departmentId,
        leadDepartmentId: body.leadDepartmentId,
        reason: body.reason,
      };
    case 'resolve':
      if (!handler) throw forbid('Only the assigned unit resolves an issue');
      need(state, ['assigned', 'accepted'], 'resolve');
      if (state.category === 'dispute' && body.mediationSucceeded === undefined) {
        throw new AppError('VALIDATION_FAILED', 'A dispute records whether mediation succeeded', [
          { field: 'body.mediationSucceeded', reason: 'is required for disputes' },
        ]);
      }
      return {
        type: 'resolved',
        outcome: body.outcome,
        mediationSucceeded: state.category === 'dispute' ? (body.mediationSucceeded ?? null) : null,
      };
    case 'reply': {
      const access = readAccess(scope, state);
      const involved =
        access === 'full' && (handler || isReporter(scope, state) || isGridWorker(scope, state));
      if (!involved) throw forbid('Only the people working on the issue reply');
      if (state.status === 'closed') throw badState('The issue is closed');
      return { type: 'replied', body: body.body };
    }
    case 'verify':
      if (!isGridWorker(scope, state) && !isDispatcher(scope)) throw forbid("Only the grid's workers verify");
      need(state, ['resolved'], 'verify');
      return { type: 'verified', ok: body.ok, comment: body.comment, photos: body.photos ?? [] };
    case 'rate':
      if (!isReporter(scope, state)) throw forbid('Only the reporter rates the answer');
      need(state, ['resolved', 'verified'], 'rate');
      return { type: 'rated', score: body.score, satisfied: body.score >= 3, comment: body.comment ?? '' };
    case 'dispatch': {
      if (!isDispatcher(scope)) throw forbid('Only a dispatcher assigns by hand');
      need(state, ['dispatch', 'awaitingRouting'], 'dispatch');
      const target =
        body.lawyerId !== undefined
          ? { kind: 'lawyer' as const, departmentId: null, lawyerId: body.lawyerId }
          : body.departmentId !== undefined
            ? { kind: 'department' as const, departmentId: body.departmentId, lawyerId: null }
            : null;
      if (!target) {
        throw new AppError('VALIDATION_FAILED', 'Choose a department or a lawyer', [
          { field: 'body.departmentId', reason: 'or body.lawyerId is required' },
        ]);
      }
      return {
        type: 'routed',
        target,
        ruleId: null,
        reason: `dispatcher: ${body.reason}`,
        auto: false,
        ...(body.category ? { category: body.category } : {}),
      };
    }
  }
}

export function createHandlingService(core: GridCore, routing: RoutingService, photos: GridPhotos) {
  return {
    async act(scope: Scope, issueId: string, body: GridActionBody): Promise<IssueState> {
      const current = await core.current(issueId);
      if (readAccess(scope, current) === null) throw new AppError('NOT_FOUND', 'No such issue');
      // Targets named by the actor must exist before anything is written.
      if (body.action === 'handOver' && !(await routing.departmentExists(body.departmentId))) {
        throw new AppError('NOT_FOUND', 'No such department');
      }
      if (
        body.action === 'dispatch' &&
        body.departmentId &&
        !(await routing.departmentExists(body.departmentId))
      ) {
        throw new AppError('NOT_FOUND', 'No such department');
      }
      if (body.action === 'dispatch' && body.lawyerId && !(await routing.lawyerExists(body.lawyerId))) {
        throw new AppError('NOT_FOUND', 'No such lawyer');
      }
      // Verification photos are taken before the event is written and given back if it is not.
      const claim =
        body.action === 'verify' ? await photos.claim(scope.userId, body.photos ?? [], issueId) : null;
      let applied: Awaited<ReturnType<GridCore['apply']>>;
      try {
        applied = await core.apply(issueId, scope.userId, (s) => decideAction(scope, s, body));
      } catch (error) {
        await claim?.release();
        throw error;
      }
      const { state, event } = applied;
      if (!event) {
        await claim?.release();
        return state;
      }
      await claim?.settle();
      const d = event.data;
      const reassigned =
        d.type === 'handedOver' ||
        (d.type === 'routed' && d.target.kind !== 'dispatcher') ||
        (d.type === 'rated' && !d.satisfied) ||
        (d.type === 'verified' && !d.ok);
      if (reassigned) await announceAssignment(core, state, event);
      await announceToReporter(core, state, event);
      return state;
    },
  };
}
