import { ErrorBody } from '@zhibu/shared';
import type { FastifySchema } from 'fastify';
import type { RouteDeps } from './route-deps.js';

/** Error responses every authenticated route may give (each domain adds what it needs, e.g. 413). */
export const errorReplies = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
} as const;

export const secured = [{ bearer: [] }];

/**
 * Options of an authenticated route: `authenticate` on request, the OpenAPI tags and bearer security,
 * then the route's own schema (params, query, body, response…). `route({ params: IdParams, … })`.
 */
export const routeOptions =
  (authenticate: RouteDeps['authenticate'], tags: string[]) =>
  <S extends FastifySchema>(schema: S) => ({
    onRequest: authenticate,
    schema: { tags, security: secured, ...schema },
  });

/** The success responses of a route plus the errors every route may give: `replies({ 200: Grid })`. */
export const replies = <R extends Record<number, unknown>>(ok: R) => ({ ...ok, ...errorReplies });
