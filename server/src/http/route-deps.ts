import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AuthService } from '../domains/auth/service.js';
import type { Queues } from '../jobs/queues.js';

/** What route modules receive: the context, the shared services and the authentication hook. */
export interface RouteDeps {
  ctx: AppContext;
  auth: AuthService;
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** BullMQ queues: `deps.queues.enqueue(def, payload)` with the definition's deterministic job id. */
  queues: Queues;
}
