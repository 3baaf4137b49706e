import { useQuery } from '@tanstack/react-query';
import type {
  GridActionBody,
  GridArea,
  GridAreaView,
  GridDirectory,
  GridIssue,
  GridIssueDetail,
  GridIssueQuery,
  GridMe,
  GridQa,
  GridQaBody,
  GridReportBody,
  GridRoutingSettings,
  GridRule,
  GridRuleBody,
  GridStats,
  GridStatsQuery,
  PageOf,
  SimilarQuery,
} from '@zhibu/shared';
import { ApiError, api, type Query } from '../../api/http';
import { getSession } from '../../api/session';

type Q<T> = Partial<T> & Query;

/** Every grid REST call of the client (server/src/domains/grid/routes*.ts). */
export const gridApi = {
  me: () => api<GridMe>('/api/v1/grid/me'),
  directory: () => api<GridDirectory>('/api/v1/grid/directory'),
  list: (query: Q<GridIssueQuery>) => api<PageOf<GridIssue>>('/api/v1/grid/issues', { query }),
  similar: (query: Q<SimilarQuery>) => api<{ items: GridIssue[] }>('/api/v1/grid/issues/similar', { query }),
  detail: (id: string) => api<GridIssueDetail>(`/api/v1/grid/issues/${encodeURIComponent(id)}`),
  report: (body: GridReportBody) => api<GridIssue>('/api/v1/grid/issues', { method: 'POST', body }),
  act: (id: string, body: GridActionBody) =>
    api<GridIssue>(`/api/v1/grid/issues/${encodeURIComponent(id)}/actions`, { method: 'POST', body }),
  publishQa: (id: string, body: GridQaBody) =>
    api<GridQa>(`/api/v1/grid/issues/${encodeURIComponent(id)}/qa`, { method: 'POST', body }),
  qa: (query: Query) => api<PageOf<GridQa>>('/api/v1/grid/qa', { query }),
  rules: () => api<{ items: GridRule[] }>('/api/v1/grid/rules'),
  createRule: (body: GridRuleBody) => api<GridRule>('/api/v1/grid/rules', { method: 'POST', body }),
  updateRule: (id: string, body: GridRuleBody) =>
    api<GridRule>(`/api/v1/grid/rules/${encodeURIComponent(id)}`, { method: 'PUT', body }),
  deleteRule: (id: string) =>
    api<{ ok: true }>(`/api/v1/grid/rules/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  settings: () => api<GridRoutingSettings>('/api/v1/grid/routing-settings'),
  saveSettings: (body: GridRoutingSettings) =>
    api<GridRoutingSettings>('/api/v1/grid/routing-settings', { method: 'PUT', body }),
  area: (gridId: string) => api<GridAreaView>(`/api/v1/grid/grids/${encodeURIComponent(gridId)}/geo`),
  saveArea: (gridId: string, body: GridArea) =>
    api<GridAreaView>(`/api/v1/grid/grids/${encodeURIComponent(gridId)}/geo`, { method: 'PUT', body }),
  clearArea: (gridId: string) =>
    api<{ ok: true }>(`/api/v1/grid/grids/${encodeURIComponent(gridId)}/geo`, { method: 'DELETE' }),
  stats: (query: Q<GridStatsQuery>) => api<GridStats>('/api/v1/grid/statistics', { query }),
  /** The xlsx export is a file: fetched with the bearer token, then saved by the browser. */
  async exportXlsx(query: Q<GridStatsQuery>): Promise<void> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) params.set(k, String(v));
    const response = await fetch(`/api/v1/grid/statistics/export.xlsx?${params}`, {
      headers: { authorization: `Bearer ${getSession()?.accessToken ?? ''}` },
    });
    if (!response.ok) throw new ApiError(response.status, 'EXPORT_FAILED', response.statusText);
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'grid-statistics.xlsx';
    a.click();
    URL.revokeObjectURL(url);
  },
};

export const gridKeys = {
  all: ['grid'] as const,
  me: ['grid', 'me'] as const,
  directory: ['grid', 'directory'] as const,
  lists: ['grid', 'list'] as const,
  detail: (id: string) => ['grid', 'detail', id] as const,
  rules: ['grid', 'rules'] as const,
  stats: ['grid', 'stats'] as const,
};

export function useGridMe() {
  return useQuery({ queryKey: gridKeys.me, queryFn: gridApi.me, staleTime: 60_000 });
}

/** Names for grid and department ids. */
export function useDirectory() {
  const query = useQuery({ queryKey: gridKeys.directory, queryFn: gridApi.directory, staleTime: 300_000 });
  const grids = query.data?.grids ?? [];
  const departments = query.data?.departments ?? [];
  return {
    grids,
    departments,
    gridName: (id: string | null | undefined) =>
      id ? (grids.find((g) => g.id === id)?.name ?? id.slice(-6)) : '—',
    departmentName: (id: string | null | undefined) =>
      id ? (departments.find((d) => d.id === id)?.name ?? id.slice(-6)) : '—',
  };
}
