import {
  Committee,
  CommitteeAdmin,
  CommitteeAdminBody,
  CommitteeAdminList,
  CommitteeAdminParams,
  CommitteeListQuery,
  CommitteePage,
  CreateCommitteeBody,
  IdParams,
  Ok,
  UpdateCommitteeBody,
} from '@zhibu/shared';
import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import {
  canAdminCommittee,
  canReadCommittee,
  ensure,
  readableCommitteeIds,
} from '../../permissions/index.js';
import type { OrgService } from '../service.js';
import { replies, routeOptions, scope } from './common.js';

export async function committeeRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const route = routeOptions(authenticate, ['org: committees']);

  app.get(
    '/api/v1/committees',
    route({ querystring: CommitteeListQuery, response: replies({ 200: CommitteePage }) }),
    async (request) =>
      org.tree.listCommittees(request.query, readableCommitteeIds(await scope(ctx, request))),
  );

  app.post(
    '/api/v1/committees',
    route({ body: CreateCommitteeBody, response: replies({ 201: Committee }) }),
    async (request, reply) => {
      ensure((await scope(ctx, request)).isAdmin);
      return reply.status(201).send(await org.tree.createCommittee(request.body.name));
    },
  );

  app.get(
    '/api/v1/committees/:id',
    route({ params: IdParams, response: replies({ 200: Committee }) }),
    async (request) => {
      const committee = await org.tree.getCommittee(request.params.id);
      ensure(canReadCommittee(await scope(ctx, request), committee.id));
      return committee;
    },
  );

  app.patch(
    '/api/v1/committees/:id',
    route({ params: IdParams, body: UpdateCommitteeBody, response: replies({ 200: Committee }) }),
    async (request) => {
      const committee = await org.tree.getCommittee(request.params.id);
      ensure(canAdminCommittee(await scope(ctx, request), committee.id));
      return org.tree.updateCommittee(committee.id, request.body.name);
    },
  );

  app.delete(
    '/api/v1/committees/:id',
    route({ params: IdParams, response: replies({ 200: Ok }) }),
    async (request) => {
      ensure((await scope(ctx, request)).isAdmin);
      await org.tree.deleteCommittee(request.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/committees/:id/admins',
    route({ params: IdParams, response: replies({ 200: CommitteeAdminList }) }),
    async (request) => {
      ensure(canAdminCommittee(await scope(ctx, request), request.params.id));
      return { items: await org.tree.listCommitteeAdmins(request.params.id) };
    },
  );

  app.post(
    '/api/v1/committees/:id/admins',
    route({
      description: 'Makes a user an admin of this committee (everything beneath it). Admins only.',
      params: IdParams,
      body: CommitteeAdminBody,
      response: replies({ 201: CommitteeAdmin }),
    }),
    async (request, reply) => {
      ensure((await scope(ctx, request)).isAdmin);
      return reply.status(201).send(await org.tree.addCommitteeAdmin(request.params.id, request.body.userId));
    },
  );

  app.delete(
    '/api/v1/committees/:id/admins/:userId',
    route({ params: CommitteeAdminParams, response: replies({ 200: Ok }) }),
    async (request) => {
      ensure((await scope(ctx, request)).isAdmin);
      await org.tree.removeCommitteeAdmin(request.params.id, request.params.userId);
      return { ok: true as const };
    },
  );
}
