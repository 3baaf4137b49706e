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
import { replies, routeOptions, scope } from './common.js';

/** Grids (网格) with a grid leader and grid workers; managed by the admins of the grid's committee. */
export async function gridRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const route = routeOptions(authenticate, ['org: grids']);
  const manage = async (request: FastifyRequest, gridId: string) => {
    const grid = await org.people.gridDoc(gridId);
    ensure(canManageGrid(await scope(ctx, request), grid.committeeId.toHexString()));
  };

  app.get(
    '/api/v1/grids',
    route({ querystring: GridListQuery, response: replies({ 200: GridPage }) }),
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return org.people.listGrids(request.query, null);
    },
  );
  app.post(
    '/api/v1/grids',
    route({ body: CreateGridBody, response: replies({ 201: Grid }) }),
    async (request, reply) => {
      ensure(canManageGrid(await scope(ctx, request), request.body.committeeId));
      return reply.status(201).send(await org.people.createGrid(request.body));
    },
  );
  app.get(
    '/api/v1/grids/:id',
    route({ params: IdParams, response: replies({ 200: Grid }) }),
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return org.people.getGrid(request.params.id);
    },
  );
  app.patch(
    '/api/v1/grids/:id',
    route({ params: IdParams, body: UpdateGridBody, response: replies({ 200: Grid }) }),
    async (request) => {
      await manage(request, request.params.id);
      return org.people.updateGrid(request.params.id, request.body);
    },
  );
  app.delete(
    '/api/v1/grids/:id',
    route({ params: IdParams, response: replies({ 200: Ok }) }),
    async (request) => {
      await manage(request, request.params.id);
      await org.people.deleteGrid(request.params.id);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/v1/grids/:id/workers',
    route({ params: IdParams, response: replies({ 200: PersonList }) }),
    async (request) => {
      ensure(canReadDirectory(await scope(ctx, request)));
      return { items: await org.people.listGridWorkers(request.params.id) };
    },
  );
  app.post(
    '/api/v1/grids/:id/workers',
    route({ params: IdParams, body: AddPersonBody, response: replies({ 201: PersonRef }) }),
    async (request, reply) => {
      await manage(request, request.params.id);
      return reply.status(201).send(await org.people.addGridWorker(request.params.id, request.body.userId));
    },
  );
  app.delete(
    '/api/v1/grids/:id/workers/:userId',
    route({ params: PersonParams, response: replies({ 200: Ok }) }),
    async (request) => {
      await manage(request, request.params.id);
      await org.people.removeGridWorker(request.params.id, request.params.userId);
      return { ok: true as const };
    },
  );
}
