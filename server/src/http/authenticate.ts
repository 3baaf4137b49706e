import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app-error.js';
import type { Actor } from './types.js';

interface TokenVerifier {
  verify(token: string): Promise<{ sub: string; role: Actor['role'] }>;
}

/** An onRequest hook that requires a valid `Authorization: Bearer <access token>`. */
export function authenticateWith(tokens: TokenVerifier) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new AppError('UNAUTHENTICATED');
    const claims = await tokens.verify(header.slice('Bearer '.length).trim());
    request.actor = { userId: claims.sub, role: claims.role };
  };
}

/** The actor of an authenticated request; routes behind `authenticate` may rely on it. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}
