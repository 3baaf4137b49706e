import { Type } from '@sinclair/typebox';
import {
  ErrorBody,
  GridArea,
  GridAreaView,
  GridRoutingSettings,
  GridRule,
  GridRuleBody,
  GridStats,
  GridStatsQuery,
  IdParams,
  Ok,
} from '@zhibu/shared';
import { AppError } from '../../http/app-error.js';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { scopeOf } from '../permissions/index.js';
import type { GridService } from './service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['grid'];
const security = [{ bearer: [] }];

/** Routing rules, the fallback unit, grid areas, statistics and the xlsx export. */
export async function gridAdminRoutes(
  app: App,
  { ctx, authenticate }: RouteDeps,
  grid: GridService,
): Promise<void> {
  const admin = async (request: Parameters<typeof scopeOf>[1]) => {
    const scope = await scopeOf(ctx, request);
    if (!scope.isAdmin) throw new AppError('FORBIDDEN', 'Only admins manage routing');
    return scope;
  };

  app.get(
    '/api/v1/grid/rules',
    {
      onRequest: authenticate,
      schema: { tags, security, response: { 200: Type.Object({ items: Type.Array(GridRule) }), ...errors } },
    },
    async (request) => {
      await admin(request);
      return { items: await grid.routing.listRules() };
    },
  );
  app.post(
    '/api/v1/grid/rules',
    {
      onRequest: authenticate,
      schema: { tags, security, body: GridRuleBody, response: { 201: GridRule, ...errors } },
    },
    async (request, reply) => {
      await admin(request);
      return reply.status(201).send(await grid.routing.createRule(request.body));
    },
  );
  app.put(
    '/api/v1/grid/rules/:id',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        params: IdParams,
        body: GridRuleBody,
        response: { 200: GridRule, ...errors },
      },
    },
    async (request) => {
      await admin(request);
      return grid.routing.updateRule(request.params.id, request.body);
    },
  );
  app.delete(
    '/api/v1/grid/rules/:id',
    {
      onRequest: authenticate,
      schema: { tags, security, params: IdParams, response: { 200: Ok, ...errors } },
    },
    async (request) => {
      await admin(request);
      await grid.routing.deleteRule(request.params.id);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/v1/grid/routing-settings',
    {
      onRequest: authenticate,
      schema: { tags, security, response: { 200: GridRoutingSettings, ...errors } },
    },
    async (request) => {
      await admin(request);
      return grid.routing.getSettings();
    },
  );
  app.put(
    '/api/v1/grid/routing-settings',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        body: GridRoutingSettings,
        response: { 200: GridRoutingSettings, ...errors },
      },
    },
    async (request) => {
      await admin(request);
      return grid.routing.setSettings(request.body.fallbackDepartmentId);
    },
  );
  // A grid's area: a GeoJSON polygon or a centre and radius (admins only; residents see grids by name).
  app.get(
    '/api/v1/grid/grids/:id/geo',
    {
      onRequest: authenticate,
      schema: { tags, security, params: IdParams, response: { 200: GridAreaView, ...errors } },
    },
    async (request) => {
      await admin(request);
      return grid.areas.get(request.params.id);
    },
  );
  app.put(
    '/api/v1/grid/grids/:id/geo',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        params: IdParams,
        body: GridArea,
        response: { 200: GridAreaView, ...errors },
      },
    },
    async (request) => {
      await admin(request);
      return grid.areas.set(request.params.id, request.body);
    },
  );
  app.delete(
    '/api/v1/grid/grids/:id/geo',
    {
      onRequest: authenticate,
      schema: { tags, security, params: IdParams, response: { 200: Ok, ...errors } },
    },
    async (request) => {
      await admin(request);
      await grid.areas.clear(request.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/grid/statistics',
    {
      onRequest: authenticate,
      schema: { tags, security, querystring: GridStatsQuery, response: { 200: GridStats, ...errors } },
    },
    async (request) => grid.stats.stats(await scopeOf(ctx, request), request.query),
  );
  app.get(
    '/api/v1/grid/statistics/export.xlsx',
    { onRequest: authenticate, schema: { tags, security, querystring: GridStatsQuery } },
    async (request, reply) => {
      const buffer = await grid.stats.exportXlsx(await scopeOf(ctx, request), request.query);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="grid-statistics.xlsx"')
        .send(buffer);
    },
  );
}
