import {
  AddPersonBody,
  CreateDepartmentBody,
  Department,
  DepartmentListQuery,
  DepartmentPage,
  IdParams,
  Ok,
  PersonList,
  PersonParams,
  PersonRef,
  UpdateDepartmentBody,
} from '@zhibu/shared';
import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import { canManageDirectory, canReadDirectory, ensure } from '../../permissions/index.js';
import type { OrgService } from '../service.js';
import { replies, routeOptions, scope } from './common.js';

export async function departmentRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const route = routeOptions(authenticate, ['org: departments']);
  const read = async (request: Parameters<typeof scope>[1]) =>
    ensure(canReadDirectory(await scope(ctx, request)));
  const manage = async (request: Parameters<typeof scope>[1]) =>
    ensure(canManageDirectory(await scope(ctx, request)));

  app.get(
    '/api/v1/departments',
    route({ querystring: DepartmentListQuery, response: replies({ 200: DepartmentPage }) }),
    async (request) => {
      await read(request);
      return org.people.listDepartments(request.query);
    },
  );
  app.post(
    '/api/v1/departments',
    route({ body: CreateDepartmentBody, response: replies({ 201: Department }) }),
    async (request, reply) => {
      await manage(request);
      return reply.status(201).send(await org.people.createDepartment(request.body));
    },
  );
  app.get(
    '/api/v1/departments/:id',
    route({ params: IdParams, response: replies({ 200: Department }) }),
    async (request) => {
      await read(request);
      return org.people.getDepartment(request.params.id);
    },
  );
  app.patch(
    '/api/v1/departments/:id',
    route({ params: IdParams, body: UpdateDepartmentBody, response: replies({ 200: Department }) }),
    async (request) => {
      await manage(request);
      return org.people.updateDepartment(request.params.id, request.body);
    },
  );
  app.delete(
    '/api/v1/departments/:id',
    route({ params: IdParams, response: replies({ 200: Ok }) }),
    async (request) => {
      await manage(request);
      await org.people.deleteDepartment(request.params.id);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/v1/departments/:id/staff',
    route({ params: IdParams, response: replies({ 200: PersonList }) }),
    async (request) => {
      await read(request);
      return { items: await org.people.listStaff(request.params.id) };
    },
  );
  app.post(
    '/api/v1/departments/:id/staff',
    route({ params: IdParams, body: AddPersonBody, response: replies({ 201: PersonRef }) }),
    async (request, reply) => {
      await manage(request);
      return reply.status(201).send(await org.people.addStaff(request.params.id, request.body.userId));
    },
  );
  app.delete(
    '/api/v1/departments/:id/staff/:userId',
    route({ params: PersonParams, response: replies({ 200: Ok }) }),
    async (request) => {
      await manage(request);
      await org.people.removeStaff(request.params.id, request.params.userId);
      return { ok: true as const };
    },
  );
}
