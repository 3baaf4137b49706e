import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import type { App } from './types.js';

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export async function systemRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get(
    '/healthz',
    { config: { rateLimit: false }, schema: { tags: ['system'], response: { 200: Health } } },
    () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/readyz',
    { config: { rateLimit: false }, schema: { tags: ['system'], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const timeout = <T>(p: Promise<T>) =>
        Promise.race([
          p,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
        ]);
      const [mongo, redis] = await Promise.allSettled([
        timeout(ctx.db.command({ ping: 1 })),
        timeout(ctx.redis.ping()),
      ]);
      const checks = {
        mongodb: mongo.status === 'fulfilled' ? 'ok' : 'down',
        redis: redis.status === 'fulfilled' ? 'ok' : 'down',
      };
      const ready = checks.mongodb === 'ok' && checks.redis === 'ok';
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
}
