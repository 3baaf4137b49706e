import {
  AcceptInvitationBody,
  AcceptInvitationResponse,
  CreatedInvitation,
  CreateInvitationBody,
  ErrorBody,
  IdParams,
  Invitation,
  InvitationListQuery,
  InvitationPage,
  InvitationParams,
  InvitationPreview,
  InvitationTokenParams,
  MyInvitationList,
  MyInvitationParams,
} from '@zhibu/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../http/authenticate.js';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { createOrgService } from '../org/service.js';
import { canManageBranch, ensure, scopeOf } from '../permissions/index.js';
import { createMyInvitations } from './mine.js';
import { createInvitationsService } from './service.js';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  410: ErrorBody,
};

export async function invitationRoutes(app: App, deps: RouteDeps): Promise<void> {
  const { ctx, authenticate } = deps;
  const org = createOrgService(ctx);
  const invitations = createInvitationsService(ctx, { org, queues: deps.queues });
  const mine = createMyInvitations(ctx, invitations);
  const tags = ['invitations'];
  const security = [{ bearer: [] }];
  const tight = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  /** Secretaries (and deputies) of the branch and everyone above it. */
  const managedBranch = async (request: FastifyRequest, branchId: string) => {
    const branch = await org.tree.branchDoc(branchId);
    ensure(
      canManageBranch(await scopeOf(ctx, request), {
        branchId: branch._id.toHexString(),
        committeeId: branch.committeeId.toHexString(),
      }),
    );
    return branch;
  };

  /** Signed-in accept is optional: with an Authorization header it must be valid; without, anonymous. */
  const optionalAuth = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.authorization) await authenticate(request, reply);
  };

  app.post(
    '/api/v1/branches/:id/invitations',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        description: 'Invites a person into the branch. The token is returned once; only its hash is stored.',
        params: IdParams,
        body: CreateInvitationBody,
        response: { 201: CreatedInvitation, ...errors },
      },
    },
    async (request, reply) => {
      const branch = await managedBranch(request, request.params.id);
      return reply.status(201).send(await invitations.create(branch, request.body, actorOf(request).userId));
    },
  );

  app.get(
    '/api/v1/branches/:id/invitations',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: InvitationListQuery,
        response: { 200: InvitationPage, ...errors },
      },
    },
    async (request) => {
      await managedBranch(request, request.params.id);
      return invitations.list(request.params.id, request.query);
    },
  );

  app.delete(
    '/api/v1/branches/:id/invitations/:invitationId',
    {
      onRequest: authenticate,
      schema: { tags, security, params: InvitationParams, response: { 200: Invitation, ...errors } },
    },
    async (request) => {
      const branch = await managedBranch(request, request.params.id);
      return invitations.revoke(branch, request.params.invitationId, actorOf(request).userId);
    },
  );

  app.get(
    '/api/v1/invitations/:token',
    {
      config: tight,
      schema: {
        tags,
        description: 'Public: what the holder of an invitation link may see (branch, inviter, expired?).',
        params: InvitationTokenParams,
        response: { 200: InvitationPreview, ...errors },
      },
    },
    (request) => invitations.preview(request.params.token),
  );

  app.post(
    '/api/v1/invitations/:token/accept',
    {
      config: tight,
      onRequest: optionalAuth,
      schema: {
        tags,
        description:
          'Accepts an invitation: signed in, attaches the current user; otherwise creates the account from username + password.',
        params: InvitationTokenParams,
        body: AcceptInvitationBody,
        response: { 201: AcceptInvitationResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await invitations.accept(request.params.token, request.body, request.actor?.userId ?? null)),
  );

  app.get(
    '/api/v1/me/invitations',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        description:
          'Pending invitations addressed to the signed-in account (the one the inviter named by username or mobile).',
        response: { 200: MyInvitationList, ...errors },
      },
    },
    async (request) => ({ items: await mine.list(actorOf(request).userId) }),
  );

  app.post(
    '/api/v1/me/invitations/:id/accept',
    {
      config: tight,
      onRequest: authenticate,
      schema: {
        tags,
        security,
        description:
          'Accepts an invitation addressed to the signed-in account, without its token. 403 when it is addressed to someone else, 409 INVITATION_ALREADY_ACCEPTED when already accepted, 410 when revoked or expired.',
        params: MyInvitationParams,
        response: { 201: AcceptInvitationResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await mine.accept(actorOf(request).userId, request.params.id)),
  );
}
