import {
  CreateLawyerBody,
  IdParams,
  Lawyer,
  LawyerListQuery,
  LawyerPage,
  Ok,
  UpdateLawyerBody,
} from '@zhibu/shared';
import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import { canManageDirectory, canReadDirectory, ensure } from '../../permissions/index.js';
import type { OrgService } from '../service.js';
import { replies, routeOptions, scope } from './common.js';

/** The volunteer lawyers pool (律师): ids are the lawyers' user ids. */
export async function lawyerRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const route = routeOptions(authenticate, ['org: lawyers']);

  app.get(
    '/api/v1/lawyers',
    route({ querystring: LawyerListQuery, response: replies({ 200: LawyerPage }) }),
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return org.people.listLawyers(request.query);
    },
  );
  app.post(
    '/api/v1/lawyers',
    route({ body: CreateLawyerBody, response: replies({ 201: Lawyer }) }),
    async (request, reply) => {
      ensure(canManageDirectory(await scope(ctx, request)));
      return reply.status(201).send(await org.people.createLawyer(request.body));
    },
  );
  app.get(
    '/api/v1/lawyers/:id',
    route({ params: IdParams, response: replies({ 200: Lawyer }) }),
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return org.people.getLawyer(request.params.id);
    },
  );
  app.patch(
    '/api/v1/lawyers/:id',
    route({ params: IdParams, body: UpdateLawyerBody, response: replies({ 200: Lawyer }) }),
    async (request) => {
      ensure(canManageDirectory(await scope(ctx, request)));
      return org.people.updateLawyer(request.params.id, request.body);
    },
  );
  app.delete(
    '/api/v1/lawyers/:id',
    route({ params: IdParams, response: replies({ 200: Ok }) }),
    async (request) => {
      ensure(canManageDirectory(await scope(ctx, request)));
      await org.people.deleteLawyer(request.params.id);
      return { ok: true as const };
    },
  );
}
