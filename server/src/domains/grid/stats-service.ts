import type { GridEvent, GridStats, GridStatsQuery } from '@zhibu/shared';
import ExcelJS from 'exceljs';
import type { ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import type { GridCore } from './core.js';
import { toEvent } from './repo.js';
import { computeStats, groupByIssue, type IssueSummary, matches, summarize } from './statistics.js';

export function createStatsService(core: GridCore) {
  /** Statistics are for admins, committee admins, and a department for its own issues. */
  function authorize(scope: Scope, q: GridStatsQuery): GridStatsQuery {
    if (scope.isAdmin || scope.adminOfCommittees.length > 0) return q;
    if (scope.departmentIds.length === 0)
      throw new AppError('FORBIDDEN', 'Statistics are for admins and departments');
    if (q.departmentId && !scope.departmentIds.includes(q.departmentId)) {
      throw new AppError('FORBIDDEN', 'Not a member of this department');
    }
    return { ...q, departmentId: q.departmentId ?? scope.departmentIds[0] };
  }

  /** Every issue reported in the period, folded from its events. */
  async function summaries(q: GridStatsQuery): Promise<IssueSummary[]> {
    const at: Record<string, Date> = {};
    if (q.from) at.$gte = new Date(q.from);
    if (q.to) at.$lt = new Date(q.to);
    const reported = await core.repo.events
      .find({ type: 'reported', ...(q.from || q.to ? { at } : {}) }, { projection: { issueId: 1 } })
      .toArray();
    // One scan of the log from the period's start (no event precedes its issue's report), kept in
    // memory only for the issues reported in the period: cheaper than many $in queries on FerretDB.
    const wanted = new Set(reported.map((r: { issueId: ObjectId }) => r.issueId.toHexString()));
    const cursor = core.repo.events.find(q.from ? { at: { $gte: new Date(q.from) } } : {}, {
      batchSize: 2000,
    });
    const events: GridEvent[] = [];
    for await (const doc of cursor) if (wanted.has(doc.issueId.toHexString())) events.push(toEvent(doc));
    const out: IssueSummary[] = groupByIssue(events).map((list) => summarize(list, core.calendar));
    return out;
  }

  return {
    async stats(scope: Scope, query: GridStatsQuery): Promise<GridStats> {
      const q = authorize(scope, query);
      return computeStats(await summaries(q), q);
    },

    /** The statistics and the issue list as an xlsx workbook. */
    async exportXlsx(scope: Scope, query: GridStatsQuery): Promise<Buffer> {
      const q = authorize(scope, query);
      const all = await summaries(q);
      const stats = computeStats(all, q);
      const book = new ExcelJS.Workbook();
      book.creator = 'Zhibu 云支部';
      const sheet = book.addWorksheet('统计 Summary');
      sheet.columns = [
        { header: '指标 Metric', key: 'k', width: 32 },
        { header: '数值 Value', key: 'v', width: 16 },
      ];
      const pct = (r: number | null) => (r === null ? '' : `${(r * 100).toFixed(1)}%`);
      const rows: [string, string | number][] = [
        ['事项总数 Total', stats.total],
        ['发现隐患 Hazards found', stats.hazardsFound],
        ['调解纠纷 Disputes mediated', stats.disputesMediated],
        ['调解成功率 Mediation success', pct(stats.mediationSuccessRate)],
        ['办结率 Closure rate', pct(stats.closureRate)],
        ['按时办结率 On-time rate', pct(stats.onTimeRate)],
        ['平均首次响应(小时) Avg first response (h)', stats.avgFirstResponseHours?.toFixed(1) ?? ''],
        ['满意率 Satisfaction', pct(stats.satisfactionRate)],
        ['分派失误 Routing misses', stats.routingMisses],
        ['返工 Reworks', stats.reworks],
      ];
      for (const [k, v] of rows) sheet.addRow({ k, v });
      const list = book.addWorksheet('事项 Issues');
      list.columns = [
        { header: 'ID', key: 'id', width: 26 },
        { header: '类别 Category', key: 'category', width: 14 },
        { header: '标题 Title', key: 'title', width: 40 },
        { header: '状态 Status', key: 'status', width: 14 },
        { header: '上报 Reported', key: 'reportedAt', width: 24 },
        { header: '办结 Resolved', key: 'resolvedAt', width: 24 },
        { header: '评分 Rating', key: 'rating', width: 10 },
      ];
      for (const s of all.filter((x) => matches(x, q))) {
        const st = s.state;
        list.addRow({
          id: st.id,
          category: st.category,
          title: st.title,
          status: st.status,
          reportedAt: st.reportedAt,
          resolvedAt: st.resolvedAt ?? '',
          rating: st.rating ?? '',
        });
      }
      return Buffer.from(await book.xlsx.writeBuffer());
    },
  };
}
