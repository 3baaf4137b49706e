import type { MarkReadBody, MarkReadResponse, NotificationPage, UnreadCount } from '@zhibu/shared';
import { api } from './http';

export const notificationKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread-count'] as const,
  list: ['notifications', 'list'] as const,
};

const markRead = (body: MarkReadBody) =>
  api<MarkReadResponse>('/api/v1/notifications/read', { method: 'POST', body });

export const notificationsApi = {
  unreadCount: () => api<UnreadCount>('/api/v1/notifications/unread-count'),
  list: (cursor?: string) => api<NotificationPage>('/api/v1/notifications', { query: { limit: 20, cursor } }),
  markRead: (id: string) => markRead({ ids: [id] }),
  markAllRead: () => markRead({ all: true }),
};
