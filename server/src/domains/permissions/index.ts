import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/authenticate.js';
import { loadScope, type Scope } from './scope.js';

export * from './predicates.js';
export { loadScope, loadScopeFromDb, type Scope, type ScopeMembership } from './scope.js';

const perRequest = new WeakMap<FastifyRequest, Promise<Scope>>();

/** The scope of an authenticated request, loaded at most once per request. */
export function scopeOf(ctx: AppContext, request: FastifyRequest): Promise<Scope> {
  let scope = perRequest.get(request);
  if (!scope) {
    scope = loadScope(ctx, actorOf(request).userId);
    perRequest.set(request, scope);
  }
  return scope;
}
