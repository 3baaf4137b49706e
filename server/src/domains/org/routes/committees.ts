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
import { errors, scope, secured } from './common.js';

const tags = ['org: committees'];

export async function committeeRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const base = { onRequest: authenticate };

  app.get(
    '/api/v1/committees',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        querystring: CommitteeListQuery,
        response: { 200: CommitteePage, ...errors },
      },
    },
    async (request) =>
      org.tree.listCommittees(request.query, readableCommitteeIds(await scope(ctx, request))),
  );

  app.post(
    '/api/v1/committees',
    {
      ...base,
      schema: { tags, security: secured, body: CreateCommitteeBody, response: { 201: Committee, ...errors } },
    },
    async (request, reply) => {
      ensure((await scope(ctx, request)).isAdmin);
      return reply.status(201).send(await org.tree.createCommittee(request.body.name));
    },
  );

  app.get(
    '/api/v1/committees/:id',
    {
      ...base,
      schema: { tags, security: secured, params: IdParams, response: { 200: Committee, ...errors } },
    },
    async (request) => {
      const committee = await org.tree.getCommittee(request.params.id);
      ensure(canReadCommittee(await scope(ctx, request), committee.id));
      return committee;
    },
  );

  app.patch(
    '/api/v1/committees/:id',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        params: IdParams,
        body: UpdateCommitteeBody,
        response: { 200: Committee, ...errors },
      },
    },
    async (request) => {
      const committee = await org.tree.getCommittee(request.params.id);
      ensure(canAdminCommittee(await scope(ctx, request), committee.id));
      return org.tree.updateCommittee(committee.id, request.body.name);
    },
  );

  app.delete(
    '/api/v1/committees/:id',
    { ...base, schema: { tags, security: secured, params: IdParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      ensure((await scope(ctx, request)).isAdmin);
      await org.tree.deleteCommittee(request.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/committees/:id/admins',
    {
      ...base,
      schema: { tags, security: secured, params: IdParams, response: { 200: CommitteeAdminList, ...errors } },
    },
    async (request) => {
      ensure(canAdminCommittee(await scope(ctx, request), request.params.id));
      return { items: await org.tree.listCommitteeAdmins(request.params.id) };
    },
  );

  app.post(
    '/api/v1/committees/:id/admins',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        description: 'Makes a user an admin of this committee (everything beneath it). Admins only.',
        params: IdParams,
        body: CommitteeAdminBody,
        response: { 201: CommitteeAdmin, ...errors },
      },
    },
    async (request, reply) => {
      ensure((await scope(ctx, request)).isAdmin);
      return reply.status(201).send(await org.tree.addCommitteeAdmin(request.params.id, request.body.userId));
    },
  );

  app.delete(
    '/api/v1/committees/:id/admins/:userId',
    {
      ...base,
      schema: { tags, security: secured, params: CommitteeAdminParams, response: { 200: Ok, ...errors } },
    },
    async (request) => {
      ensure((await scope(ctx, request)).isAdmin);
      await org.tree.removeCommitteeAdmin(request.params.id, request.params.userId);
      return { ok: true as const };
    },
  );
}
