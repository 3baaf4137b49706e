import { CreateUserBody, ErrorBody, User, UserListQuery, UserPage } from '@zhibu/shared';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { canManageDirectory, ensure, scopeOf } from '../permissions/index.js';
import { createUsersService } from './service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody };

/** Admin-only user directory: committee admins and admins place people; only admins create accounts. */
export async function userRoutes(app: App, { ctx, authenticate }: RouteDeps): Promise<void> {
  const users = createUsersService(ctx);
  const tags = ['users'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/users',
    {
      onRequest: authenticate,
      schema: { tags, security, querystring: UserListQuery, response: { 200: UserPage, ...errors } },
    },
    async (request) => {
      const scope = await scopeOf(ctx, request);
      ensure(scope.isAdmin || scope.adminOfCommittees.length > 0);
      return users.list(request.query);
    },
  );

  app.post(
    '/api/v1/users',
    {
      onRequest: authenticate,
      schema: { tags, security, body: CreateUserBody, response: { 201: User, ...errors } },
    },
    async (request, reply) => {
      ensure(canManageDirectory(await scopeOf(ctx, request)));
      return reply.status(201).send(await users.create(request.body));
    },
  );
}
