import {
  AddPersonBody,
  CreateGridBody,
  Grid,
  GridListQuery,
  GridPage,
  IdParams,
  Ok,
  PersonList,
  PersonParams,
  PersonRef,
  UpdateGridBody,
} from '@zhibu/shared';
import type { FastifyRequest } from 'fastify';
import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import { canManageGrid, canReadDirectory, ensure } from '../../permissions/index.js';
import type { OrgService } from '../service.js';
import { errors, scope, secured } from './common.js';

/** Grids (网格) with a grid leader and grid workers; managed by the admins of the grid's committee. */
export async function gridRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const base = { onRequest: authenticate };
  const tags = ['org: grids'];
  const manage = async (request: FastifyRequest, gridId: string) => {
    const grid = await org.people.gridDoc(gridId);
    ensure(canManageGrid(await scope(ctx, request), grid.committeeId.toHexString()));
  };

  app.get(
    '/api/v1/grids',
    {
      ...base,
      schema: { tags, security: secured, querystring: GridListQuery, response: { 200: GridPage, ...errors } },
    },
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return org.people.listGrids(request.query, null);
    },
  );
  app.post(
    '/api/v1/grids',
    {
      ...base,
      schema: { tags, security: secured, body: CreateGridBody, response: { 201: Grid, ...errors } },
    },
    async (request, reply) => {
      ensure(canManageGrid(await scope(ctx, request), request.body.committeeId));
      return reply.status(201).send(await org.people.createGrid(request.body));
    },
  );
  app.get(
    '/api/v1/grids/:id',
    { ...base, schema: { tags, security: secured, params: IdParams, response: { 200: Grid, ...errors } } },
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return org.people.getGrid(request.params.id);
    },
  );
  app.patch(
    '/api/v1/grids/:id',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        params: IdParams,
        body: UpdateGridBody,
        response: { 200: Grid, ...errors },
      },
    },
    async (request) => {
      await manage(request, request.params.id);
      return org.people.updateGrid(request.params.id, request.body);
    },
  );
  app.delete(
    '/api/v1/grids/:id',
    { ...base, schema: { tags, security: secured, params: IdParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      await manage(request, request.params.id);
      await org.people.deleteGrid(request.params.id);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/v1/grids/:id/workers',
    {
      ...base,
      schema: { tags, security: secured, params: IdParams, response: { 200: PersonList, ...errors } },
    },
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return { items: await org.people.listGridWorkers(request.params.id) };
    },
  );
  app.post(
    '/api/v1/grids/:id/workers',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        params: IdParams,
        body: AddPersonBody,
        response: { 201: PersonRef, ...errors },
      },
    },
    async (request, reply) => {
      await manage(request, request.params.id);
      return reply.status(201).send(await org.people.addGridWorker(request.params.id, request.body.userId));
    },
  );
  app.delete(
    '/api/v1/grids/:id/workers/:userId',
    { ...base, schema: { tags, security: secured, params: PersonParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      await manage(request, request.params.id);
      await org.people.removeGridWorker(request.params.id, request.params.userId);
      return { ok: true as const };
    },
  );
}
