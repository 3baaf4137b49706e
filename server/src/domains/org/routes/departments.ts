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
import { errors, scope, secured } from './common.js';

export async function departmentRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const base = { onRequest: authenticate };
  const tags = ['org: departments'];
  const read = async (request: Parameters<typeof scope>[1]) =>
    ensure(canReadDirectory(await scope(ctx, request)));
  const manage = async (request: Parameters<typeof scope>[1]) =>
    ensure(canManageDirectory(await scope(ctx, request)));

  app.get(
    '/api/v1/departments',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        querystring: DepartmentListQuery,
        response: { 200: DepartmentPage, ...errors },
      },
    },
    async (request) => {
      await read(request);
      return org.people.listDepartments(request.query);
    },
  );
  app.post(
    '/api/v1/departments',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        body: CreateDepartmentBody,
        response: { 201: Department, ...errors },
      },
    },
    async (request, reply) => {
      await manage(request);
      return reply.status(201).send(await org.people.createDepartment(request.body));
    },
  );
  app.get(
    '/api/v1/departments/:id',
    {
      ...base,
      schema: { tags, security: secured, params: IdParams, response: { 200: Department, ...errors } },
    },
    async (request) => {
      await read(request);
      return org.people.getDepartment(request.params.id);
    },
  );
  app.patch(
    '/api/v1/departments/:id',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        params: IdParams,
        body: UpdateDepartmentBody,
        response: { 200: Department, ...errors },
      },
    },
    async (request) => {
      await manage(request);
      return org.people.updateDepartment(request.params.id, request.body);
    },
  );
  app.delete(
    '/api/v1/departments/:id',
    { ...base, schema: { tags, security: secured, params: IdParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      await manage(request);
      await org.people.deleteDepartment(request.params.id);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/v1/departments/:id/staff',
    {
      ...base,
      schema: { tags, security: secured, params: IdParams, response: { 200: PersonList, ...errors } },
    },
    async (request) => {
      await read(request);
      return { items: await org.people.listStaff(request.params.id) };
    },
  );
  app.post(
    '/api/v1/departments/:id/staff',
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
      await manage(request);
      return reply.status(201).send(await org.people.addStaff(request.params.id, request.body.userId));
    },
  );
  app.delete(
    '/api/v1/departments/:id/staff/:userId',
    { ...base, schema: { tags, security: secured, params: PersonParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      await manage(request);
      await org.people.removeStaff(request.params.id, request.params.userId);
      return { ok: true as const };
    },
  );
}
