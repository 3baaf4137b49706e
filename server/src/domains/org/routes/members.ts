import {
  AddMemberBody,
  BranchMemberParams,
  IdParams,
  MemberListQuery,
  Membership,
  MembershipPage,
  MyMembershipList,
  UpdateMemberBody,
} from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import { canManageBranch, canReadBranch } from '../../permissions/index.js';
import type { OrgService } from '../service.js';
import { actorOf, branchGuard, replies, routeOptions } from './common.js';

export async function memberRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const route = routeOptions(authenticate, ['org: members']);
  const branchFor = branchGuard(ctx, org);
  const by = (request: Parameters<typeof actorOf>[0]) => new ObjectId(actorOf(request).userId);

  app.get(
    '/api/v1/me/memberships',
    route({ response: replies({ 200: MyMembershipList }) }),
    async (request) => ({ items: await org.members.mine(actorOf(request).userId) }),
  );

  app.get(
    '/api/v1/branches/:id/members',
    route({
      description: 'Members of a branch: visible to its own members and to those above it, nobody else.',
      params: IdParams,
      querystring: MemberListQuery,
      response: replies({ 200: MembershipPage }),
    }),
    async (request) => {
      await branchFor(request, request.params.id, canReadBranch);
      return org.members.list(request.params.id, request.query);
    },
  );

  app.post(
    '/api/v1/branches/:id/members',
    route({ params: IdParams, body: AddMemberBody, response: replies({ 201: Membership }) }),
    async (request, reply) => {
      const branch = await branchFor(request, request.params.id, canManageBranch);
      return reply.status(201).send(await org.members.add(branch, request.body, by(request)));
    },
  );

  app.get(
    '/api/v1/branches/:id/members/:userId',
    route({ params: BranchMemberParams, response: replies({ 200: Membership }) }),
    async (request) => {
      await branchFor(request, request.params.id, canReadBranch);
      return org.members.get(request.params.id, request.params.userId);
    },
  );

  app.patch(
    '/api/v1/branches/:id/members/:userId',
    route({ params: BranchMemberParams, body: UpdateMemberBody, response: replies({ 200: Membership }) }),
    async (request) => {
      const branch = await branchFor(request, request.params.id, canManageBranch);
      return org.members.update(branch, request.params.userId, request.body, by(request));
    },
  );

  app.delete(
    '/api/v1/branches/:id/members/:userId',
    route({
      description: 'Ends the membership; it stays in the history with active: false.',
      params: BranchMemberParams,
      response: replies({ 200: Membership }),
    }),
    async (request) => {
      const branch = await branchFor(request, request.params.id, canManageBranch);
      return org.members.end(branch, request.params.userId, by(request));
    },
  );
}
