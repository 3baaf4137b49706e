import type {
  CreateDocumentBody,
  DocumentEventList,
  DocumentListQuery,
  DocumentMeta,
  DocumentPage,
  DocumentSummary,
  DocumentVersion,
  DocumentVersionPage,
  ExportFormat,
  LifecycleBody,
  VersionContent,
} from '@zhibu/shared';
import { ApiError, api, refreshSession } from '../../api/http';
import { getSession } from '../../api/session';

export const docKeys = {
  all: ['documents'] as const,
  list: (q: Partial<DocumentListQuery>) => ['documents', 'list', q] as const,
  meta: (id: string) => ['documents', 'meta', id] as const,
  versions: (id: string) => ['documents', 'versions', id] as const,
  version: (id: string, versionId: string) => ['documents', 'version', id, versionId] as const,
  events: (id: string) => ['documents', 'events', id] as const,
};

const base = '/api/v1/documents';

export const documentsApi = {
  list: (query: Partial<DocumentListQuery>) => api<DocumentPage>(base, { query }),
  create: (body: CreateDocumentBody) => api<DocumentSummary>(base, { method: 'POST', body }),
  meta: (id: string) => api<DocumentMeta>(`${base}/${id}`),
  lifecycle: (id: string, body: LifecycleBody) =>
    api<DocumentMeta>(`${base}/${id}/lifecycle`, { method: 'POST', body }),
  events: (id: string) => api<DocumentEventList>(`${base}/${id}/events`),
  versions: (id: string, cursor?: string) =>
    api<DocumentVersionPage>(`${base}/${id}/versions`, { query: { limit: 50, cursor } }),
  version: (id: string, versionId: string) =>
    api<VersionContent>(`${base}/${id}/versions/${encodeURIComponent(versionId)}`),
  nameVersion: (id: string, name: string) =>
    api<DocumentVersion>(`${base}/${id}/versions`, { method: 'POST', body: { name } }),
  restore: (id: string, versionId: string) =>
    api<DocumentVersion>(`${base}/${id}/versions/${encodeURIComponent(versionId)}/restore`, {
      method: 'POST',
    }),
};

/** Downloads an export with the signed-in user's token (a plain link could not send it). */
export async function downloadExport(id: string, title: string, format: ExportFormat): Promise<void> {
  const get = () =>
    fetch(`${base}/${id}/export?format=${format}`, {
      headers: { authorization: `Bearer ${getSession()?.accessToken ?? ''}` },
    });
  let response = await get();
  if (response.status === 401 && (await refreshSession())) response = await get();
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw new ApiError(response.status, body?.code ?? 'INTERNAL', body?.message ?? response.statusText);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${title}.${format}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** ws(s)://host/collab for the current page (the dev server proxies /collab). */
export function collabServerUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/collab`;
}
