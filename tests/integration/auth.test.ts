import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bearer, login, startTestApp } from '../support/app.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  ctx = await startTestApp('auth', { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
});
afterAll(() => ctx.close());

describe('sign-in', () => {
  it('signs in the bootstrapped admin and returns tokens and the user', async () => {
    const body = await login(ctx.app, ADMIN.username, ADMIN.password);
    expect(body.user.role).toBe('admin');
    expect(body.accessToken.split('.')).toHaveLength(3);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(body.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe(ADMIN.username);
    expect(me.json().timeZone).toBe('Asia/Shanghai');
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: ADMIN.username, password: 'nope-nope-nope' },
    });
    const unknown = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'nobody-here', password: 'nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    expect(unknown.json().message).toBe(wrong.json().message);
  });

  it('rejects /me without a token and with a forged token', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/me' })).json().code).toBe('UNAUTHENTICATED');
    const forged = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer('a.b.c') });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('TOKEN_INVALID');
  });
});

describe('refresh rotation', () => {
  it('rotates the refresh token and detects reuse, revoking the whole family', async () => {
    const first = await login(ctx.app, ADMIN.username, ADMIN.password);
    const refresh = (refreshToken: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });

    const second = await refresh(first.refreshToken);
    expect(second.statusCode).toBe(200);
    const secondToken = second.json().refreshToken as string;
    expect(secondToken).not.toBe(first.refreshToken);

    const reused = await refresh(first.refreshToken);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('REFRESH_REUSED');

    // The family is revoked: even the newest token no longer works.
    const afterReuse = await refresh(secondToken);
    expect(afterReuse.json().code).toBe('REFRESH_REUSED');
  });

  it('lets exactly one of two concurrent refreshes of one token win', async () => {
    const session = await login(ctx.app, ADMIN.username, ADMIN.password);
    const results = await Promise.all(
      [1, 2].map(() =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refreshToken: session.refreshToken },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('logout revokes the refresh token', async () => {
    const session = await login(ctx.app, ADMIN.username, ADMIN.password);
    const out = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      payload: { refreshToken: session.refreshToken },
    });
    expect(out.statusCode).toBe(200);
    const after = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(after.statusCode).toBe(401);
  });
});

describe('login rate limit', () => {
  it('locks an account after repeated failures, even for the right password', async () => {
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { username: 'locky', displayName: '锁定测试', password: 'right-password-1' },
    });
    for (let i = 0; i < 3; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'locky', password: `wrong-${i}-xxxx` },
      });
      expect(res.statusCode).toBe(401);
    }
    const locked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'locky', password: 'right-password-1' },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('LOGIN_LOCKED');
  });
});

describe('validation', () => {
  it('names the field and the reason for malformed bodies', async () => {
    const cases = [
      { payload: { username: 'a' }, field: 'body.password' },
      { payload: { username: 'abc', password: 12345678 }, field: 'body.password' },
      { payload: { username: 'abc', password: 'x', extra: 1 }, field: 'body.extra' },
      { payload: { username: 'a'.repeat(65), password: 'x' }, field: 'body.username' },
    ];
    for (const { payload, field } of cases) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().details[0].field).toBe(field);
    }
  });

  it('answers malformed JSON with 400 and unknown routes with 404', async () => {
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(bad.statusCode).toBe(400);
    const missing = await ctx.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ROUTE_NOT_FOUND');
  });
});
