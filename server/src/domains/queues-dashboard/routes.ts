import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { allJobs, gridJobs, Ok } from '@zhibu/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../http/app-error.js';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { loadScope } from '../permissions/index.js';

export const QUEUES_DASHBOARD_PATH = '/admin/queues';
/** A browser opens the dashboard by navigation, so it cannot send a bearer header: an httpOnly cookie carries the access token. */
const COOKIE = 'zhibu_queues';

function cookieToken(request: FastifyRequest): string | null {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/**
 * The BullMQ dashboard (bull-board) for admins at /admin/queues: every queue, failed jobs kept with their
 * errors, retry and clean. Admin is checked against storage on every request, not taken from the token.
 */
export async function queuesDashboardRoutes(app: App, deps: RouteDeps): Promise<void> {
  const { ctx, auth } = deps;
  const names = [...new Set([...allJobs, ...gridJobs].map((d) => d.queue))].sort();

  const requireAdmin = async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : cookieToken(request);
    if (!token) throw new AppError('UNAUTHENTICATED');
    const claims = await auth.accessTokens.verify(token);
    const scope = await loadScope(ctx, claims.sub);
    if (!scope.isAdmin) throw new AppError('FORBIDDEN', 'The queue dashboard is for admins');
  };

  // POST with the bearer token sets the cookie; the client then opens /admin/queues in a new tab.
  app.post(
    '/api/v1/admin/queues/session',
    {
      onRequest: [deps.authenticate, requireAdmin],
      schema: { tags: ['admin'], security: [{ bearer: [] }], response: { 200: Ok } },
    },
    async (request, reply) => {
      const token = request.headers.authorization!.slice(7).trim();
      const secure = ctx.config.PUBLIC_URL.startsWith('https:') ? '; Secure' : '';
      void reply.header(
        'set-cookie',
        `${COOKIE}=${encodeURIComponent(token)}; Path=${QUEUES_DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${ctx.config.ACCESS_TOKEN_TTL_SECONDS}${secure}`,
      );
      return { ok: true as const };
    },
  );

  await app.register(async (scope) => {
    // bull-board installs its own error handler in its scope, so answer 401/403 here instead of throwing.
    scope.addHook('onRequest', async (request, reply) => {
      try {
        await requireAdmin(request, reply);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return reply
          .status(error.status)
          .send({ code: error.code, message: error.message, requestId: request.id });
      }
    });
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUES_DASHBOARD_PATH);
    createBullBoard({
      queues: names.map((name) => new BullMQAdapter(deps.queues.queueFor(name))),
      // @bull-board/fastify 9.10.1 ships its own copy of @bull-board/api 9.10.1; the two declare the same
      // adapter interface separately (private fields), so TypeScript needs telling they are the same.
      serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'Zhibu 队列' } },
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUES_DASHBOARD_PATH });
  });
}
