import { Type } from '@sinclair/typebox';
import {
  ErrorBody,
  GridActionBody,
  GridDirectory,
  GridIssue,
  GridIssueDetail,
  GridIssueQuery,
  GridMe,
  GridQa,
  GridQaBody,
  GridReportBody,
  Id,
  IdParams,
  Page,
  SimilarQuery,
} from '@zhibu/shared';
import type { ObjectId } from 'mongodb';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { scopeOf } from '../permissions/index.js';
import { toView } from './access.js';
import { createNotifier } from './notify.js';
import { open311Routes } from './open311.js';
import { gridAdminRoutes } from './routes-admin.js';
import { gridPhotoRoutes } from './routes-photos.js';
import { createGridService } from './service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['grid'];
const security = [{ bearer: [] }];

/** Grid issues: report, list, read, act; plus the admin and Open311 routes of the same service. */
export async function gridRoutes(app: App, deps: RouteDeps): Promise<void> {
  const { ctx, authenticate } = deps;
  const grid = createGridService(ctx, {
    // The app's queues (deterministic job ids); a delay in the past runs the job now.
    enqueue: async (def, payload, opts) => {
      await deps.queues.enqueue(
        def,
        payload,
        opts?.delayMs !== undefined ? { delay: Math.max(0, Math.round(opts.delayMs)) } : undefined,
      );
    },
    notifier: createNotifier(ctx),
  });

  app.post(
    '/api/v1/grid/issues',
    {
      onRequest: authenticate,
      schema: { tags, security, body: GridReportBody, response: { 201: GridIssue, ...errors } },
    },
    async (request, reply) => {
      const scope = await scopeOf(ctx, request);
      const state = await grid.reports.report(scope, request.body);
      return reply.status(201).send(toView(state, 'full'));
    },
  );

  app.get(
    '/api/v1/grid/issues',
    {
      onRequest: authenticate,
      schema: { tags, security, querystring: GridIssueQuery, response: { 200: Page(GridIssue), ...errors } },
    },
    async (request) => grid.reports.list(await scopeOf(ctx, request), request.query),
  );

  app.get(
    '/api/v1/grid/issues/similar',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        querystring: SimilarQuery,
        response: { 200: Type.Object({ items: Type.Array(GridIssue) }), ...errors },
      },
    },
    async (request) => ({ items: await grid.reports.similar(await scopeOf(ctx, request), request.query) }),
  );

  app.get(
    '/api/v1/grid/issues/:id',
    {
      onRequest: authenticate,
      schema: { tags, security, params: IdParams, response: { 200: GridIssueDetail, ...errors } },
    },
    async (request) => grid.detail(await scopeOf(ctx, request), request.params.id),
  );

  app.post(
    '/api/v1/grid/issues/:id/actions',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        params: IdParams,
        body: GridActionBody,
        response: { 200: GridIssue, ...errors },
      },
    },
    async (request) => {
      const state = await grid.handling.act(await scopeOf(ctx, request), request.params.id, request.body);
      return toView(state, 'full');
    },
  );

  app.post(
    '/api/v1/grid/issues/:id/qa',
    {
      onRequest: authenticate,
      schema: { tags, security, params: IdParams, body: GridQaBody, response: { 201: GridQa, ...errors } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await grid.qa.publish(await scopeOf(ctx, request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/grid/qa',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        querystring: Type.Object(
          {
            gridId: Type.Optional(Id),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            cursor: Type.Optional(Type.String({ pattern: '^[0-9a-f]{24}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(GridQa), ...errors },
      },
    },
    async (request) => grid.qa.list(request.query.gridId, request.query.limit, request.query.cursor),
  );

  app.get(
    '/api/v1/grid/me',
    { onRequest: authenticate, schema: { tags, security, response: { 200: GridMe, 401: ErrorBody } } },
    async (request) => {
      const s = await scopeOf(ctx, request);
      return {
        isAdmin: s.isAdmin,
        departmentIds: s.departmentIds,
        headOfDepartments: s.headOfDepartments,
        isLawyer: s.isLawyer,
        gridIds: s.gridIds,
      };
    },
  );

  app.get(
    '/api/v1/grid/directory',
    { onRequest: authenticate, schema: { tags, security, response: { 200: GridDirectory, 401: ErrorBody } } },
    async () => {
      const named = (name: string) =>
        ctx.db
          .collection<{ _id: ObjectId; name: string }>(name)
          .find({}, { projection: { name: 1 } })
          .sort({ name: 1 })
          .limit(2000)
          .toArray()
          .then((docs) => docs.map((d) => ({ id: d._id.toHexString(), name: d.name })));
      const [grids, departments] = await Promise.all([named('grids'), named('departments')]);
      return { grids, departments };
    },
  );

  await gridAdminRoutes(app, deps, grid);
  await app.register(async (scope) => gridPhotoRoutes(scope, deps, grid));
  await open311Routes(app, grid);
}
