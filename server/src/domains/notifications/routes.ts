import {
  ErrorBody,
  MarkReadBody,
  MarkReadResponse,
  NotificationListQuery,
  NotificationPage,
  UnreadCount,
} from '@zhibu/shared';
import { actorOf } from '../../http/authenticate.js';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { createNotificationsService } from './service.js';

const errors = { 400: ErrorBody, 401: ErrorBody };

/** One's own notifications only: every route reads and writes the signed-in user's. */
export async function notificationRoutes(app: App, { ctx, authenticate }: RouteDeps): Promise<void> {
  const notifications = createNotificationsService(ctx);
  const tags = ['notifications'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/notifications',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        querystring: NotificationListQuery,
        response: { 200: NotificationPage, ...errors },
      },
    },
    (request) => notifications.list(actorOf(request).userId, request.query),
  );

  app.get(
    '/api/v1/notifications/unread-count',
    { onRequest: authenticate, schema: { tags, security, response: { 200: UnreadCount, ...errors } } },
    async (request) => ({ count: await notifications.unreadCount(actorOf(request).userId) }),
  );

  app.post(
    '/api/v1/notifications/read',
    {
      onRequest: authenticate,
      schema: { tags, security, body: MarkReadBody, response: { 200: MarkReadResponse, ...errors } },
    },
    async (request) => ({ updated: await notifications.markRead(actorOf(request).userId, request.body) }),
  );
}
