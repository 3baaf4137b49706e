import type { EscalationStep, GridEventData } from '@zhibu/shared';
import { gridRouteJob } from '@zhibu/shared';
import type { ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import type { GridCore } from './core.js';
import { dueSteps, type PlannedStep, planDeadlines } from './deadlines.js';
import type { IssueState } from './projection.js';

/** Issues whose projection the sweep checks per read. */
const SWEEP_CHUNK = 200;

const STEP_ZH: Record<EscalationStep, string> = {
  warning: '即将到期提醒',
  urge: '催办',
  supervision: '督办',
};

/** An audit entry per escalation step; `_id` "<issueId>:<cycle>.<deadline>.<step>" makes it happen once. */
interface EscalationDoc {
  _id: string;
  issueId: string;
  step: EscalationStep;
  deadline: PlannedStep['deadline'];
  dueAt: Date;
  scheduledAt: Date;
  firedAt: Date;
  recipients: string[];
}

export function createEscalationService(core: GridCore) {
  const audit = core.ctx.db.collection<EscalationDoc>('grid_escalations');

  async function recipients(state: IssueState, step: EscalationStep): Promise<string[]> {
    const handlers = await core.handlers(state);
    const deptId = state.target?.kind === 'department' ? state.target.departmentId : null;
    const head = deptId ? await core.departmentHead(deptId) : null;
    const heads = head ? [head] : [];
    let users: string[];
    if (step === 'warning') users = handlers;
    else if (step === 'urge') users = [...handlers, ...heads];
    else {
      // 督办: the department head and the committee over the grid (admins when no committee is known).
      const committee = await core.committeeAdminsOfGrid(state.gridId);
      users = [...heads, ...(committee.length > 0 ? committee : await core.admins())];
    }
    return [...new Set(users)].sort();
  }

  /** Fires, in order, every step of one issue that is due now; each step once, however often it runs. */
  async function fireDue(issueId: string): Promise<number> {
    let fired = 0;
    for (let guard = 0; guard < 12; guard++) {
      const state = await core.current(issueId);
      const step = dueSteps(planDeadlines(state, core.calendar), core.ctx.now())[0];
      if (!step) {
        // Nothing due (an early or repeated job): only make sure the next step's job exists.
        if (fired > 0) await core.settle(state);
        else await core.schedule(state);
        return fired;
      }
      const users = await recipients(state, step.step);
      const auditId = `${issueId}:${step.key}`;
      await audit
        .insertOne({
          _id: auditId,
          issueId,
          step: step.step,
          deadline: step.deadline,
          dueAt: step.dueAt,
          scheduledAt: step.at,
          firedAt: core.ctx.now(),
          recipients: users,
        })
        .catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
        });
      const { state: after, event } = await core.apply(issueId, null, (s): GridEventData | null => {
        const still = planDeadlines(s, core.calendar).pending.some((p) => p.key === step.key);
        return still
          ? {
              type: 'escalated',
              step: step.step,
              deadline: step.deadline,
              dueAt: step.dueAt.toISOString(),
              notified: users,
            }
          : null;
      });
      // Already in the log (a retry after a crash, or a cache behind the log): repair the cache so the
      // next round sees it, and still make sure the notifications went out (their ids dedupe).
      if (!event) await core.settle((await core.load(issueId)).state);
      for (const userId of users) {
        await core.notifier.notify({
          id: `grid-esc_${auditId.replace(':', '_')}_${userId}`,
          userId,
          kind: `grid.${step.step}`,
          title: `${STEP_ZH[step.step]}：${after.title}`,
          body: `${step.deadline === 'firstResponse' ? '首次响应' : '办结'}时限 ${step.dueAt.toISOString()}`,
          link: `/grid/issues/${issueId}`,
          data: { issueId, step: step.step, deadline: step.deadline, dueAt: step.dueAt.toISOString() },
        });
      }
      if (event) fired++;
    }
    return fired;
  }

  /**
   * The periodic repair: issues whose escalation is due (a delayed job was lost), issues still waiting
   * for routing (the routing job was lost), and projections older than their log.
   */
  async function sweep(): Promise<{ escalated: number; rerouted: number; repaired: number }> {
    const now = core.ctx.now();
    let escalated = 0;
    let rerouted = 0;
    let repaired = 0;
    const due = await core.repo.issues
      .find({ open: true, nextEscalationAt: { $lte: now } }, { projection: { _id: 1 } })
      .limit(500)
      .toArray();
    for (const doc of due) escalated += await fireDue(doc._id.toHexString());

    const waiting = await core.repo.issues
      .find({ status: 'awaitingRouting' }, { projection: { _id: 1, state: 1 } })
      .limit(500)
      .toArray();
    for (const doc of waiting) {
      if (doc.state.routingRequestVersion === null) continue;
      await core.enqueue(gridRouteJob, { issueId: doc.state.id, version: doc.state.routingRequestVersion });
      rerouted++;
    }

    const recent = await core.repo.events
      .find(
        { at: { $gte: new Date(now.getTime() - 15 * 60_000) } },
        { projection: { issueId: 1, version: 1 } },
      )
      .limit(5000)
      .toArray();
    const newest = new Map<string, { issueId: ObjectId; version: number }>();
    for (const e of recent) {
      const id = e.issueId.toHexString();
      if ((newest.get(id)?.version ?? 0) < e.version)
        newest.set(id, { issueId: e.issueId, version: e.version });
    }
    // The projections' versions, a few hundred issues per read.
    const entries = [...newest.values()];
    for (let i = 0; i < entries.length; i += SWEEP_CHUNK) {
      const chunk = entries.slice(i, i + SWEEP_CHUNK);
      const cached = await core.repo.issues
        .find({ _id: { $in: chunk.map((c) => c.issueId) } }, { projection: { version: 1 } })
        .toArray();
      const cachedVersion = new Map(cached.map((d) => [d._id.toHexString(), d.version]));
      for (const { issueId, version } of chunk) {
        if ((cachedVersion.get(issueId.toHexString()) ?? 0) >= version) continue;
        const { state } = await core.load(issueId.toHexString());
        await core.settle(state);
        repaired++;
      }
    }
    return { escalated, rerouted, repaired };
  }

  return { fireDue, sweep, recipients };
}
