import type {
  GridCategory,
  GridEvent,
  GridEventData,
  GridRule,
  GridRuleBody,
  GridTarget,
} from '@zhibu/shared';
import { type Collection, ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';
import { createReadCache } from '../../read-cache.js';
import { announceAssignment, announceToReporter } from './announce.js';
import { allSettled, type GridCore } from './core.js';
import type { IssueState } from './projection.js';

export interface RuleDoc {
  _id: ObjectId;
  priority: number;
  category: GridCategory;
  gridIds: string[];
  keywords: string[];
  departmentId: string;
  enabled: boolean;
  updatedAt: Date;
}

export const toRule = (d: RuleDoc): GridRule => ({
  id: d._id.toHexString(),
  priority: d.priority,
  category: d.category,
  gridIds: d.gridIds,
  keywords: d.keywords,
  departmentId: d.departmentId,
  enabled: d.enabled,
  updatedAt: d.updatedAt.toISOString(),
});

/** Chinese keywords that suggest a category for "other" reports (the dispatcher decides). */
const CATEGORY_KEYWORDS: [GridCategory, string[]][] = [
  [
    'legalQuestion',
    ['律师', '法律', '合同', '起诉', '诉讼', '赔偿', '继承', '离婚', '劳动仲裁', '欠薪', '维权'],
  ],
  ['dispute', ['纠纷', '矛盾', '吵架', '争吵', '邻里', '噪音', '扰民', '打架', '占用', '漏水']],
  [
    'hazard',
    [
      '隐患',
      '破损',
      '损坏',
      '坏了',
      '漏电',
      '火灾',
      '消防',
      '井盖',
      '塌',
      '积水',
      '护栏',
      '道闸',
      '危险',
      '电线',
    ],
  ],
  ['opinion', ['建议', '意见', '希望', '呼吁', '反映', '诉求']],
];

export function suggestCategory(text: string): GridCategory | null {
  let best: GridCategory | null = null;
  let bestHits = 0;
  for (const [category, words] of CATEGORY_KEYWORDS) {
    const hits = words.filter((w) => text.includes(w)).length;
    if (hits > bestHits) {
      best = category;
      bestHits = hits;
    }
  }
  return best;
}

export interface RouteDecision {
  target: GridTarget;
  ruleId: string | null;
  reason: string;
}

const department = (departmentId: string): GridTarget => ({
  kind: 'department',
  departmentId,
  lawyerId: null,
});
const DISPATCHER: GridTarget = { kind: 'dispatcher', departmentId: null, lawyerId: null };

/**
 * The rule table, pure: the first enabled rule in priority order whose category, grid and keywords match
 * and whose department has not returned the issue; else the fallback unit (兜底); else the dispatcher.
 */
export function matchRules(
  rules: readonly GridRule[],
  issue: Pick<IssueState, 'category' | 'gridId' | 'title' | 'description' | 'excludedTargets'>,
  fallbackDepartmentId: string | null,
): RouteDecision {
  const text = `${issue.title}\n${issue.description}`;
  const excluded = new Set(issue.excludedTargets);
  const ordered = [...rules].sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  for (const rule of ordered) {
    if (!rule.enabled || rule.category !== issue.category) continue;
    if (rule.gridIds.length > 0 && (!issue.gridId || !rule.gridIds.includes(issue.gridId))) continue;
    const keyword = rule.keywords.find((k) => text.includes(k));
    if (rule.keywords.length > 0 && !keyword) continue;
    if (excluded.has(`department:${rule.departmentId}`)) continue;
    const why = [`rule ${rule.id}`, `priority ${rule.priority}`, rule.category];
    if (rule.gridIds.length > 0) why.push(`grid ${issue.gridId}`);
    if (keyword) why.push(`keyword "${keyword}"`);
    return { target: department(rule.departmentId), ruleId: rule.id, reason: why.join(', ') };
  }
  if (fallbackDepartmentId && !excluded.has(`department:${fallbackDepartmentId}`)) {
    return { target: department(fallbackDepartmentId), ruleId: null, reason: 'fallback unit (兜底)' };
  }
  return { target: DISPATCHER, ruleId: null, reason: 'no rule matched and no fallback unit: dispatcher' };
}

export type RoutingService = ReturnType<typeof createRoutingService>;

export function createRoutingService(core: GridCore) {
  const db = core.ctx.db;
  const rules: Collection<RuleDoc> = db.collection('grid_routing_rules');
  const settings: Collection<{ _id: string; departmentId: string | null }> =
    db.collection('grid_routing_settings');

  /**
   * The rule table and fallback are read at most once a second per process: routing is the hot path and
   * rules change rarely. An admin's edit applies to reports routed a second later; this process's own
   * edits apply at once.
   */
  const cache = createReadCache<{ rules: GridRule[]; fallback: string | null }>({
    max: 1,
    ttlMs: 1000,
    load: async () => {
      const [all, fallback] = await Promise.all([
        rules.find({ enabled: true }).toArray(),
        settings.findOne({ _id: 'fallback' }),
      ]);
      return { rules: all.map(toRule), fallback: fallback?.departmentId ?? null };
    },
  });
  const loadCache = async () => (await cache.get('table')) ?? { rules: [], fallback: null };
  const enabledRules = async () => (await loadCache()).rules;
  const fallbackDepartment = async () => (await loadCache()).fallback;
  const invalidate = () => cache.clear();

  async function lawyerExists(userId: string): Promise<boolean> {
    return (await db.collection('lawyers').countDocuments({ _id: new ObjectId(userId) }, { limit: 1 })) > 0;
  }

  async function departmentExists(id: string): Promise<boolean> {
    return (await db.collection('departments').countDocuments({ _id: new ObjectId(id) }, { limit: 1 })) > 0;
  }

  /** Available lawyers by open assignments (from the projection), fewest first, ties by id. */
  async function leastLoadedLawyer(excluded: readonly string[]): Promise<string | null> {
    const lawyers = await db
      .collection<{ _id: ObjectId; available: boolean }>('lawyers')
      .find({ available: true }, { projection: { _id: 1 } })
      .toArray();
    const ids = lawyers.map((l) => l._id.toHexString()).filter((id) => !excluded.includes(`lawyer:${id}`));
    if (ids.length === 0) return null;
    const loads = await core.repo.issues
      .aggregate<{ _id: string; n: number }>([
        { $match: { open: true, targetLawyerId: { $in: ids } } },
        { $group: { _id: '$targetLawyerId', n: { $sum: 1 } } },
      ])
      .toArray();
    const load = new Map(loads.map((l) => [l._id, l.n]));
    ids.sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || a.localeCompare(b));
    return ids[0] ?? null;
  }

  async function decide(state: IssueState): Promise<RouteDecision> {
    if (state.category === 'legalQuestion') {
      const lawyerId = await leastLoadedLawyer(state.excludedTargets);
      return lawyerId
        ? {
            target: { kind: 'lawyer', departmentId: null, lawyerId },
            ruleId: null,
            reason: 'lawyers pool: least-loaded available lawyer',
          }
        : { target: DISPATCHER, ruleId: null, reason: 'no lawyer available: dispatcher' };
    }
    if (state.category === 'other') {
      return {
        target: DISPATCHER,
        ruleId: null,
        reason: `category "other": dispatcher (suggested: ${state.suggestedCategory ?? 'none'})`,
      };
    }
    return matchRules(await enabledRules(), state, await fallbackDepartment());
  }

  /** The routing job: routes the issue once for the request at `version`; a repeat does nothing. */
  async function routeIssue(
    issueId: string,
    version: number,
    hooks: { afterEvent?: () => Promise<void> } = {},
  ): Promise<'routed' | 'skipped'> {
    const announce = async (state: IssueState, event: GridEvent) => {
      await allSettled([announceAssignment(core, state, event), announceToReporter(core, state, event)]);
    };
    const result = await core.apply(
      issueId,
      null,
      async (state) => {
        if (state.status !== 'awaitingRouting' || state.routingRequestVersion !== version) return null;
        const d = await decide(state);
        const data: GridEventData = {
          type: 'routed',
          target: d.target,
          ruleId: d.ruleId,
          reason: d.reason,
          auto: true,
        };
        return data;
      },
      async (state, event) => {
        await hooks.afterEvent?.();
        await announce(state, event);
      },
      'later',
    );
    // A lawyer's load is counted from the projection: the next legal question must see this one.
    if (result.state.target?.kind === 'lawyer') await core.projections.settled(issueId);
    if (!result.event) {
      // A retry after a crash between the event and its follow-ups: repeat them (all idempotent).
      const { events, state } = await core.load(issueId);
      const routed = events.find((e) => e.version === version + 1 && e.data.type === 'routed');
      if (routed) await allSettled([core.settle(state), announce(state, routed)]);
      return 'skipped';
    }
    return 'routed';
  }

  return {
    decide,
    routeIssue,
    leastLoadedLawyer,
    departmentExists,
    lawyerExists,

    async listRules(): Promise<GridRule[]> {
      return (await rules.find({}).sort({ priority: 1, _id: 1 }).limit(1000).toArray()).map(toRule);
    },
    async createRule(body: GridRuleBody): Promise<GridRule> {
      if (!(await departmentExists(body.departmentId))) throw new AppError('NOT_FOUND', 'No such department');
      const doc: RuleDoc = { _id: new ObjectId(), ...body, updatedAt: core.ctx.now() };
      await rules.insertOne(doc);
      invalidate();
      return toRule(doc);
    },
    /** Rules are configuration edited by admins; the last save wins. */
    async updateRule(id: string, body: GridRuleBody): Promise<GridRule> {
      if (!(await departmentExists(body.departmentId))) throw new AppError('NOT_FOUND', 'No such department');
      const doc: RuleDoc = { _id: new ObjectId(id), ...body, updatedAt: core.ctx.now() };
      const res = await rules.replaceOne({ _id: doc._id }, doc);
      if (res.matchedCount === 0) throw new AppError('NOT_FOUND', 'No such rule');
      invalidate();
      return toRule(doc);
    },
    async deleteRule(id: string): Promise<void> {
      const res = await rules.deleteOne({ _id: new ObjectId(id) });
      if (res.deletedCount === 0) throw new AppError('NOT_FOUND', 'No such rule');
      invalidate();
    },
    async getSettings() {
      return { fallbackDepartmentId: await fallbackDepartment() };
    },
    async setSettings(fallbackDepartmentId: string | null) {
      if (fallbackDepartmentId && !(await departmentExists(fallbackDepartmentId))) {
        throw new AppError('NOT_FOUND', 'No such department');
      }
      await settings.replaceOne(
        { _id: 'fallback' },
        { departmentId: fallbackDepartmentId },
        { upsert: true },
      );
      invalidate();
      return { fallbackDepartmentId };
    },
  };
}
