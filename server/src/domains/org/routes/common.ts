import { ErrorBody } from '@zhibu/shared';
import type { FastifyRequest, FastifySchema } from 'fastify';
import type { AppContext } from '../../../context.js';
import { actorOf } from '../../../http/authenticate.js';
import type { RouteDeps } from '../../../http/route-deps.js';
import { type BranchRef, ensure, type Scope, scopeOf } from '../../permissions/index.js';
import type { BranchDoc } from '../docs.js';
import type { OrgService } from '../service.js';

/** Error responses every authenticated org route may give. */
export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
} as const;

export const secured = [{ bearer: [] }];

/**
 * Options of an authenticated org route: `authenticate` on request, the OpenAPI tags and bearer security,
 * then the route's own schema (params, query, body, response…). `route({ params: IdParams, … })`.
 */
export const routeOptions =
  (authenticate: RouteDeps['authenticate'], tags: string[]) =>
  <S extends FastifySchema>(schema: S) => ({
    onRequest: authenticate,
    schema: { tags, security: secured, ...schema },
  });

/** The success responses of a route plus the errors every org route may give: `replies({ 200: Grid })`. */
export const replies = <R extends Record<number, unknown>>(ok: R) => ({ ...ok, ...errors });

/** The scope of the signed-in user; routes pass it to a permission predicate before delegating. */
export const scope = (ctx: AppContext, request: FastifyRequest) => scopeOf(ctx, request);

export const ref = (doc: { _id: { toHexString(): string }; committeeId: { toHexString(): string } }) => ({
  branchId: doc._id.toHexString(),
  committeeId: doc.committeeId.toHexString(),
});

/** The branch a group belongs to, as the permission predicates take it. */
export const groupRef = (doc: {
  branchId: { toHexString(): string };
  committeeId: { toHexString(): string };
}): BranchRef => ({ branchId: doc.branchId.toHexString(), committeeId: doc.committeeId.toHexString() });

/**
 * Loads a branch (404 when unknown) and ensures the caller passes `may` on it (403 otherwise); returns the
 * branch for the service call. `await branchFor(request, id, canManageBranch)`.
 */
export const branchGuard =
  (ctx: AppContext, org: OrgService) =>
  async (
    request: FastifyRequest,
    branchId: string,
    may: (scope: Scope, ref: BranchRef) => boolean,
  ): Promise<BranchDoc> => {
    const branch = await org.tree.branchDoc(branchId);
    ensure(may(await scope(ctx, request), ref(branch)));
    return branch;
  };

export { actorOf };
