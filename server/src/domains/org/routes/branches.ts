import {
  Branch,
  BranchListQuery,
  BranchPage,
  CreateBranchBody,
  CreateGroupBody,
  Group,
  GroupListQuery,
  GroupPage,
  IdParams,
  Ok,
  UpdateBranchBody,
  UpdateGroupBody,
} from '@zhibu/shared';
import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import {
  canAdminCommittee,
  canManageBranch,
  canReadBranch,
  ensure,
  readableBranchFilter,
} from '../../permissions/index.js';
import type { OrgService } from '../service.js';
import { errors, ref, scope, secured } from './common.js';

export async function branchRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const base = { onRequest: authenticate };
  const tags = ['org: branches'];

  app.get(
    '/api/v1/branches',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        description: 'Branches the caller may see: all for admins, a committee admin’s, one’s own.',
        querystring: BranchListQuery,
        response: { 200: BranchPage, ...errors },
      },
    },
    async (request) => org.tree.listBranches(request.query, readableBranchFilter(await scope(ctx, request))),
  );

  app.post(
    '/api/v1/branches',
    {
      ...base,
      schema: { tags, security: secured, body: CreateBranchBody, response: { 201: Branch, ...errors } },
    },
    async (request, reply) => {
      ensure(canAdminCommittee(await scope(ctx, request), request.body.committeeId));
      return reply.status(201).send(await org.tree.createBranch(request.body));
    },
  );

  app.get(
    '/api/v1/branches/:id',
    { ...base, schema: { tags, security: secured, params: IdParams, response: { 200: Branch, ...errors } } },
    async (request) => {
      const branch = await org.tree.branchDoc(request.params.id);
      ensure(canReadBranch(await scope(ctx, request), ref(branch)));
      return org.tree.getBranch(request.params.id);
    },
  );

  app.patch(
    '/api/v1/branches/:id',
    {
      ...base,
      schema: {
        tags,
        security: secured,
        params: IdParams,
        body: UpdateBranchBody,
        response: { 200: Branch, ...errors },
      },
    },
    async (request) => {
      const branch = await org.tree.branchDoc(request.params.id);
      ensure(canManageBranch(await scope(ctx, request), ref(branch)));
      return org.tree.updateBranch(request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/branches/:id',
    { ...base, schema: { tags, security: secured, params: IdParams, response: { 200: Ok, ...errors } } },
    async (request) => {
      const branch = await org.tree.branchDoc(request.params.id);
      ensure(canAdminCommittee(await scope(ctx, request), branch.committeeId.toHexString()));
      await org.tree.deleteBranch(request.params.id);
      return { ok: true as const };
    },
  );

  // ----- groups (党小组) -----
  const groupTags = ['org: groups'];

  app.get(
    '/api/v1/branches/:id/groups',
    {
      ...base,
      schema: {
        tags: groupTags,
        security: secured,
        params: IdParams,
        querystring: GroupListQuery,
        response: { 200: GroupPage, ...errors },
      },
    },
    async (request) => {
      const branch = await org.tree.branchDoc(request.params.id);
      ensure(canReadBranch(await scope(ctx, request), ref(branch)));
      return org.tree.listGroups(request.params.id, request.query);
    },
  );

  app.post(
    '/api/v1/branches/:id/groups',
    {
      ...base,
      schema: {
        tags: groupTags,
        security: secured,
        params: IdParams,
        body: CreateGroupBody,
        response: { 201: Group, ...errors },
      },
    },
    async (request, reply) => {
      const branch = await org.tree.branchDoc(request.params.id);
      ensure(canManageBranch(await scope(ctx, request), ref(branch)));
      return reply.status(201).send(await org.tree.createGroup(request.params.id, request.body));
    },
  );

  app.patch(
    '/api/v1/groups/:id',
    {
      ...base,
      schema: {
        tags: groupTags,
        security: secured,
        params: IdParams,
        body: UpdateGroupBody,
        response: { 200: Group, ...errors },
      },
    },
    async (request) => {
      const group = await org.tree.groupDoc(request.params.id);
      ensure(
        canManageBranch(await scope(ctx, request), {
          branchId: group.branchId.toHexString(),
          committeeId: group.committeeId.toHexString(),
        }),
      );
      return org.tree.updateGroup(request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/groups/:id',
    {
      ...base,
      schema: { tags: groupTags, security: secured, params: IdParams, response: { 200: Ok, ...errors } },
    },
    async (request) => {
      const group = await org.tree.groupDoc(request.params.id);
      ensure(
        canManageBranch(await scope(ctx, request), {
          branchId: group.branchId.toHexString(),
          committeeId: group.committeeId.toHexString(),
        }),
      );
      await org.tree.deleteGroup(request.params.id);
      return { ok: true as const };
    },
  );
}
