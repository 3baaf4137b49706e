import { ErrorBody } from '@zhibu/shared';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import { actorOf } from '../../../http/authenticate.js';
import { scopeOf } from '../../permissions/index.js';

/** Error responses every authenticated org route may give. */
export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
} as const;

export const secured = [{ bearer: [] }];

/** The scope of the signed-in user; routes pass it to a permission predicate before delegating. */
export const scope = (ctx: AppContext, request: FastifyRequest) => scopeOf(ctx, request);

export const ref = (doc: { _id: { toHexString(): string }; committeeId: { toHexString(): string } }) => ({
  branchId: doc._id.toHexString(),
  committeeId: doc.committeeId.toHexString(),
});

export { actorOf };
