import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AccountRole } from '@zhibu/shared';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';

/** The Fastify instance as routes see it: TypeBox schemas type the handlers. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who is asking. Set by the `authenticate` hook from a verified access token. */
export interface Actor {
  userId: string;
  role: AccountRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}
