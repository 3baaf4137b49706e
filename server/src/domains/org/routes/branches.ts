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
import { branchGuard, groupRef, replies, routeOptions, scope } from './common.js';

export async function branchRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const route = routeOptions(authenticate, ['org: branches']);
  const branchFor = branchGuard(ctx, org);

  app.get(
    '/api/v1/branches',
    route({
      description: 'Branches the caller may see: all for admins, a committee admin’s, one’s own.',
      querystring: BranchListQuery,
      response: replies({ 200: BranchPage }),
    }),
    async (request) => org.tree.listBranches(request.query, readableBranchFilter(await scope(ctx, request))),
  );

  app.post(
    '/api/v1/branches',
    route({ body: CreateBranchBody, response: replies({ 201: Branch }) }),
    async (request, reply) => {
      ensure(canAdminCommittee(await scope(ctx, request), request.body.committeeId));
      return reply.status(201).send(await org.tree.createBranch(request.body));
    },
  );

  app.get(
    '/api/v1/branches/:id',
    route({ params: IdParams, response: replies({ 200: Branch }) }),
    async (request) => {
      await branchFor(request, request.params.id, canReadBranch);
      return org.tree.getBranch(request.params.id);
    },
  );

  app.patch(
    '/api/v1/branches/:id',
    route({ params: IdParams, body: UpdateBranchBody, response: replies({ 200: Branch }) }),
    async (request) => {
      await branchFor(request, request.params.id, canManageBranch);
      return org.tree.updateBranch(request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/branches/:id',
    route({ params: IdParams, response: replies({ 200: Ok }) }),
    async (request) => {
      const branch = await org.tree.branchDoc(request.params.id);
      ensure(canAdminCommittee(await scope(ctx, request), branch.committeeId.toHexString()));
      await org.tree.deleteBranch(request.params.id);
      return { ok: true as const };
    },
  );

  // ----- groups (党小组) -----
  const groupRoute = routeOptions(authenticate, ['org: groups']);

  app.get(
    '/api/v1/branches/:id/groups',
    groupRoute({ params: IdParams, querystring: GroupListQuery, response: replies({ 200: GroupPage }) }),
    async (request) => {
      await branchFor(request, request.params.id, canReadBranch);
      return org.tree.listGroups(request.params.id, request.query);
    },
  );

  app.post(
    '/api/v1/branches/:id/groups',
    groupRoute({ params: IdParams, body: CreateGroupBody, response: replies({ 201: Group }) }),
    async (request, reply) => {
      await branchFor(request, request.params.id, canManageBranch);
      return reply.status(201).send(await org.tree.createGroup(request.params.id, request.body));
    },
  );

  app.patch(
    '/api/v1/groups/:id',
    groupRoute({ params: IdParams, body: UpdateGroupBody, response: replies({ 200: Group }) }),
    async (request) => {
      const group = await org.tree.groupDoc(request.params.id);
      ensure(canManageBranch(await scope(ctx, request), groupRef(group)));
      return org.tree.updateGroup(request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/groups/:id',
    groupRoute({ params: IdParams, response: replies({ 200: Ok }) }),
    async (request) => {
      const group = await org.tree.groupDoc(request.params.id);
      ensure(canManageBranch(await scope(ctx, request), groupRef(group)));
      await org.tree.deleteGroup(request.params.id);
      return { ok: true as const };
    },
  );
}
