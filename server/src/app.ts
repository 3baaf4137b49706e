import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { attachCollab } from './collab/index.js';
import { type Config, corsOrigins } from './config.js';
import type { AppContext } from './context.js';
import { connectMongo, ensureIndexes } from './db/mongo.js';
import { authRoutes } from './domains/auth/routes.js';
import { createAuthService } from './domains/auth/service.js';
import { channelsRoutes } from './domains/channels/routes.js';
import { documentsRoutes } from './domains/documents/routes.js';
import { gridRoutes } from './domains/grid/routes.js';
import { invitationRoutes } from './domains/invitations/routes.js';
import { notificationRoutes } from './domains/notifications/routes.js';
import { orgRoutes } from './domains/org/routes/index.js';
import { queuesDashboardRoutes } from './domains/queues-dashboard/routes.js';
import { userRoutes } from './domains/users/routes.js';
import { authenticateWith } from './http/authenticate.js';
import { registerErrorHandler } from './http/error-handler.js';
import type { RouteDeps } from './http/route-deps.js';
import { systemRoutes } from './http/system-routes.js';
import type { App } from './http/types.js';
import { validatorCompiler } from './http/validation.js';
import { createQueues } from './jobs/queues.js';
import { attachRealtime } from './realtime/index.js';
import { createRedis } from './redis.js';

export interface BuildOptions {
  /** Replaces the clock (tests run deadlines in compressed time). */
  now?: () => Date;
}

type RouteModule = (app: App, deps: RouteDeps) => Promise<void>;

/** Every REST route module, in one list. */
const routeModules: RouteModule[] = [
  authRoutes,
  orgRoutes,
  invitationRoutes,
  notificationRoutes,
  documentsRoutes,
  gridRoutes,
  channelsRoutes,
  userRoutes,
  queuesDashboardRoutes,
];

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    deps: RouteDeps;
  }
}

/** Builds the whole server without listening: plugins, services, routes. `listen()` is the caller's. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'],
    },
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  const mongo = await connectMongo(config);
  const redis = createRedis(config, 'zhibu-server');
  const ctx: AppContext = {
    config,
    mongo,
    db: mongo.db,
    redis,
    log: app.log,
    now: options.now ?? (() => new Date()),
  };
  const queues = createQueues(ctx);
  app.addHook('onClose', () => queues.close());
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => undefined);
    await mongo.client.close();
  });
  await ensureIndexes(mongo.db);

  app.decorate('ctx', ctx);
  app.decorateRequest('actor', null);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'style-src': ["'self'", "'unsafe-inline'"],
      },
    },
  });
  await app.register(cors, { origin: corsOrigins(config), credentials: true });
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    redis,
    nameSpace: `${config.REDIS_PREFIX}:ratelimit:`,
    keyGenerator: (request) => request.ip,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Zhibu 云支部 API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  registerErrorHandler(app);

  const auth = createAuthService(ctx);
  const deps: RouteDeps = { ctx, auth, authenticate: authenticateWith(auth.accessTokens), queues };
  app.decorate('deps', deps);
  await attachCollab(app);

  await app.register(systemRoutes, { ctx });
  for (const routes of routeModules) await app.register(async (scope) => routes(scope, deps));
  await attachRealtime(app, ctx, deps);

  if (config.CLIENT_DIST && existsSync(config.CLIENT_DIST)) {
    const root = path.resolve(config.CLIENT_DIST);
    await app.register(fastifyStatic, { root, wildcard: false });
    // Client-side routes: any unknown GET outside the API falls back to index.html.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      return reply.sendFile('index.html', root);
    });
  }

  await auth.bootstrapAdmin();
  return app;
}
