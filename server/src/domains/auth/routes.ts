import {
  ErrorBody,
  LoginBody,
  LoginResponse,
  Ok,
  RefreshBody,
  RegisterResidentBody,
  UpdateMeBody,
  User,
} from '@zhibu/shared';
import { actorOf } from '../../http/authenticate.js';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 409: ErrorBody, 429: ErrorBody };

export async function authRoutes(app: App, { auth, authenticate }: RouteDeps): Promise<void> {
  // Sign-in endpoints get a much tighter per-IP limit than the API default.
  const tight = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  app.post(
    '/api/v1/auth/login',
    {
      config: tight,
      schema: { tags: ['auth'], body: LoginBody, response: { 200: LoginResponse, ...errors } },
    },
    (request) => auth.login(request.body.username, request.body.password, request.ip),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: tight,
      schema: { tags: ['auth'], body: RefreshBody, response: { 200: LoginResponse, ...errors } },
    },
    (request) => auth.refresh(request.body.refreshToken),
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['auth'], body: RefreshBody, response: { 200: Ok, ...errors } } },
    async (request) => {
      await auth.logout(request.body.refreshToken);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/auth/register',
    {
      config: tight,
      schema: {
        tags: ['auth'],
        description: 'Residents register themselves (role resident: may report grid issues, nothing else).',
        body: RegisterResidentBody,
        response: { 201: User, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await auth.registerResident(request.body)),
  );

  app.get(
    '/api/v1/me',
    {
      onRequest: authenticate,
      schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 200: User, 401: ErrorBody } },
    },
    (request) => auth.me(actorOf(request).userId),
  );

  app.patch(
    '/api/v1/me',
    {
      onRequest: authenticate,
      schema: {
        tags: ['auth'],
        security: [{ bearer: [] }],
        body: UpdateMeBody,
        response: { 200: User, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const user = await auth.users.findById(actor.userId);
      if (!user) return auth.me(actor.userId);
      await auth.users.updateProfile(user._id, request.body);
      return auth.me(actor.userId);
    },
  );
}
