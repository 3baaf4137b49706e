import type {
  Attachment,
  ChannelList,
  ChannelMemberPage,
  ChannelSummary,
  CreateChannelBody,
  HistoryPage,
  MessageEdits,
  PinList,
  ReportPage,
  SearchPage,
  ThreadView,
  UpdateChannelBody,
} from '@zhibu/shared';
import { fileObjectUrl, uploadFile } from '../../api/files';
import { api } from '../../api/http';

export const channelKeys = {
  all: ['channels'] as const,
  list: ['channels', 'list'] as const,
  members: (id: string) => ['channels', 'members', id] as const,
  pins: (id: string) => ['channels', 'pins', id] as const,
  thread: (id: string) => ['channels', 'thread', id] as const,
  edits: (id: string) => ['channels', 'edits', id] as const,
  search: (q: Record<string, string | undefined>) => ['channels', 'search', q] as const,
  reports: ['channels', 'reports'] as const,
};

export const channelsApi = {
  list: () => api<ChannelList>('/api/v1/channels'),
  get: (id: string) => api<ChannelSummary>(`/api/v1/channels/${id}`),
  create: (body: CreateChannelBody) => api<ChannelSummary>('/api/v1/channels', { method: 'POST', body }),
  openDm: (userId: string) =>
    api<ChannelSummary>('/api/v1/channels/dm', { method: 'POST', body: { userId } }),
  update: (id: string, body: UpdateChannelBody) =>
    api<ChannelSummary>(`/api/v1/channels/${id}`, { method: 'PATCH', body }),
  members: (id: string, cursor?: string) =>
    api<ChannelMemberPage>(`/api/v1/channels/${id}/members`, { query: { limit: 200, cursor } }),
  history: (id: string, query: { before?: number; after?: number; around?: number; limit?: number }) =>
    api<HistoryPage>(`/api/v1/channels/${id}/messages`, { query: { limit: 50, ...query } }),
  pins: (id: string) => api<PinList>(`/api/v1/channels/${id}/pins`),
  thread: (rootId: string, after?: number) =>
    api<ThreadView>(`/api/v1/messages/${rootId}/thread`, { query: { after, limit: 200 } }),
  follow: (rootId: string, following: boolean) =>
    api<{ following: boolean }>(`/api/v1/messages/${rootId}/follow`, { method: 'PUT', body: { following } }),
  edits: (messageId: string) => api<MessageEdits>(`/api/v1/messages/${messageId}/edits`),
  report: (messageId: string, reason: string) =>
    api(`/api/v1/messages/${messageId}/reports`, { method: 'POST', body: { reason } }),
  hide: (messageId: string) => api(`/api/v1/messages/${messageId}/hide`, { method: 'POST' }),
  reports: (cursor?: string) =>
    api<ReportPage>('/api/v1/moderation/reports', { query: { status: 'open', limit: 50, cursor } }),
  resolve: (messageId: string, action: 'hide' | 'dismiss') =>
    api(`/api/v1/moderation/reports/${messageId}/resolve`, { method: 'POST', body: { action } }),
  mute: (channelId: string, userId: string, minutes: number) =>
    api(`/api/v1/channels/${channelId}/mutes`, { method: 'POST', body: { userId, minutes } }),
  search: (query: Record<string, string | undefined>) =>
    api<SearchPage>('/api/v1/search/messages', { query }),
};

/** Uploads a file as the raw request body (the server stores it in GridFS and makes a thumbnail). */
export const uploadAttachment = (channelId: string, file: File) =>
  uploadFile<Attachment>(
    `/api/v1/channels/${channelId}/attachments?name=${encodeURIComponent(file.name)}`,
    file,
  );

/** Fetches a protected file (or its thumbnail) with the bearer token and returns an object URL. */
export const attachmentUrl = (id: string, thumb: boolean) =>
  fileObjectUrl(`/api/v1/attachments/${id}${thumb ? '?thumb=true' : ''}`);
