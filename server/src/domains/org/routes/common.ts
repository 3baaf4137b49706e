import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import { actorOf } from '../../../http/authenticate.js';
import { type BranchRef, ensure, type Scope, scopeOf } from '../../permissions/index.js';
import type { BranchDoc } from '../docs.js';
import type { OrgService } from '../service.js';

export { errorReplies as errors, replies, routeOptions, secured } from '../../../http/route-options.js';

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
