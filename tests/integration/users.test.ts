import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, login, startTestApp } from '../support/app.js';
import { factories } from '../support/factories.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let f: ReturnType<typeof factories>;
let admin: { authorization: string };

beforeAll(async () => {
  ctx = await startTestApp('users');
  f = factories(ctx.app);
  admin = { authorization: `Bearer ${(await login(ctx.app, ADMIN.username, ADMIN.password)).accessToken}` };
});
afterAll(() => ctx.close());

describe('user directory', () => {
  it('lets an admin create an account that can then sign in', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: {
        username: 'yingji01',
        displayName: '应急值班员钱坤',
        password: 'duty-password-1',
        mobile: '13600040001',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'yingji01', role: 'user', timeZone: 'Asia/Shanghai' });
    const session = await login(ctx.app, '13600040001', 'duty-password-1');
    expect(session.user.id).toBe(res.json().id);
  });

  it('refuses a taken username with 409 and a malformed body with 400 naming the field', async () => {
    const again = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { username: 'YINGJI01', displayName: '重复', password: 'another-password' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('USERNAME_TAKEN');
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { username: 'ok_name', displayName: '好', password: 'short' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.password');
  });

  it('searches by display name, and pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) await f.buildUser({ displayName: `网格员${i}号` });
    const first = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/users?q=网格员&limit=2',
      headers: admin,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(2);
    expect(first.json().total).toBe(3);
    const next = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/users?q=网格员&limit=2&cursor=${first.json().nextCursor}`,
      headers: admin,
    });
    expect(next.json().items).toHaveLength(1);
    expect(next.json().nextCursor).toBeNull();
  });

  it('is closed to members and secretaries; committee admins may search but not create', async () => {
    const secretary = await f.buildMember({ role: 'secretary' });
    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: secretary.user.headers,
    });
    expect(list.statusCode).toBe(403);
    const committeeAdmin = await f.buildCommitteeAdmin(secretary.committeeId);
    const search = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: committeeAdmin.headers,
    });
    expect(search.statusCode).toBe(200);
    const create = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: committeeAdmin.headers,
      payload: { username: 'nope_user', displayName: '不行', password: 'password-123' },
    });
    expect(create.statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);
  });
});
