import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AuthService } from '../domains/auth/service.js';

/** What route modules receive: the context, the shared services and the authentication hook. */
export interface RouteDeps {
  ctx: AppContext;
  auth: AuthService;
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}
