import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bearer, login, startTestApp } from '../support/app.js';
import { type Factories, factories } from '../support/factories.js';

/**
 * The permission matrix on the real routes: each role × each route → the expected status.
 * Branch A and branch B are both under committee C; "secretary" and "memberA" belong to A, "memberB" to B.
 */
const ROLES = [
  'admin',
  'committeeAdmin',
  'secretary',
  'memberA',
  'memberB',
  'resident',
  'anonymous',
] as const;
type Role = (typeof ROLES)[number];

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let f: Factories;
const headers = {} as Record<Role, Record<string, string>>;
const ids = { committee: '', branchA: '', branchB: '', memberA: '' };

beforeAll(async () => {
  ctx = await startTestApp('permissions');
  f = factories(ctx.app);
  const committee = await f.buildCommittee({ name: '矩阵测试党委' });
  const a = await f.buildBranch({ committeeId: committee.id, name: '支部A' });
  const b = await f.buildBranch({ committeeId: committee.id, name: '支部B' });
  const secretary = await f.buildMember({ branchId: a.id, role: 'secretary' });
  const memberA = await f.buildMember({ branchId: a.id });
  const memberB = await f.buildMember({ branchId: b.id });
  const cadmin = await f.buildCommitteeAdmin(committee.id);
  const resident = await f.buildUser({ role: 'resident' });
  const admin = await login(ctx.app, ADMIN.username, ADMIN.password);
  Object.assign(ids, { committee: committee.id, branchA: a.id, branchB: b.id, memberA: memberA.user.id });
  Object.assign(headers, {
    admin: bearer(admin.accessToken),
    committeeAdmin: cadmin.headers,
    secretary: secretary.user.headers,
    memberA: memberA.user.headers,
    memberB: memberB.user.headers,
    resident: resident.headers,
    anonymous: {},
  });
});
afterAll(() => ctx.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Route {
  method: Method;
  path: string;
  url: () => string | Promise<string>;
  body?: () => object | Promise<object>;
  expect: Record<Role, number>;
}

/** Expected statuses: `ok` for the listed roles, 403 for the other signed-in roles, 401 for anonymous. */
const only = (ok: number, allowed: Role[]): Record<Role, number> =>
  Object.fromEntries(
    ROLES.map((r) => [r, r === 'anonymous' ? 401 : allowed.includes(r) ? ok : 403]),
  ) as Record<Role, number>;
const signedIn: Role[] = ['admin', 'committeeAdmin', 'secretary', 'memberA', 'memberB', 'resident'];
const nonResident: Role[] = ['admin', 'committeeAdmin', 'secretary', 'memberA', 'memberB'];
const aboveA: Role[] = ['admin', 'committeeAdmin'];
const managersOfA: Role[] = ['admin', 'committeeAdmin', 'secretary'];
const readersOfA: Role[] = ['admin', 'committeeAdmin', 'secretary', 'memberA'];

const newUserId = async () => (await f.buildUser()).id;
const newMemberOfA = async () => (await f.buildMember({ branchId: ids.branchA })).user.id;

const routes: Route[] = [
  { method: 'GET', path: '/me', url: () => '/api/v1/me', expect: only(200, signedIn) },
  {
    method: 'GET',
    path: '/me/memberships',
    url: () => '/api/v1/me/memberships',
    expect: only(200, signedIn),
  },
  { method: 'GET', path: '/notifications', url: () => '/api/v1/notifications', expect: only(200, signedIn) },
  { method: 'GET', path: '/committees', url: () => '/api/v1/committees', expect: only(200, signedIn) },
  {
    method: 'POST',
    path: '/committees',
    url: () => '/api/v1/committees',
    body: () => ({ name: '新党委' }),
    expect: only(201, ['admin']),
  },
  {
    method: 'GET',
    path: '/committees/:id',
    url: () => `/api/v1/committees/${ids.committee}`,
    expect: only(200, nonResident),
  },
  {
    method: 'PATCH',
    path: '/committees/:id',
    url: () => `/api/v1/committees/${ids.committee}`,
    body: () => ({ name: '矩阵测试党委' }),
    expect: only(200, aboveA),
  },
  {
    method: 'GET',
    path: '/committees/:id/admins',
    url: () => `/api/v1/committees/${ids.committee}/admins`,
    expect: only(200, aboveA),
  },
  {
    method: 'POST',
    path: '/committees/:id/admins',
    url: () => `/api/v1/committees/${ids.committee}/admins`,
    body: async () => ({ userId: await newUserId() }),
    expect: only(201, ['admin']),
  },
  { method: 'GET', path: '/branches', url: () => '/api/v1/branches', expect: only(200, signedIn) },
  {
    method: 'POST',
    path: '/branches',
    url: () => '/api/v1/branches',
    body: () => ({ committeeId: ids.committee, name: '新支部', virtual: true }),
    expect: only(201, aboveA),
  },
  {
    method: 'GET',
    path: '/branches/:A',
    url: () => `/api/v1/branches/${ids.branchA}`,
    expect: only(200, readersOfA),
  },
  {
    method: 'PATCH',
    path: '/branches/:A',
    url: () => `/api/v1/branches/${ids.branchA}`,
    body: () => ({ regions: ['上海', '杭州'] }),
    expect: only(200, managersOfA),
  },
  {
    method: 'GET',
    path: '/branches/:A/members',
    url: () => `/api/v1/branches/${ids.branchA}/members`,
    expect: only(200, readersOfA),
  },
  {
    method: 'GET',
    path: '/branches/:A/members/:userId',
    url: () => `/api/v1/branches/${ids.branchA}/members/${ids.memberA}`,
    expect: only(200, readersOfA),
  },
  {
    method: 'POST',
    path: '/branches/:A/members',
    url: () => `/api/v1/branches/${ids.branchA}/members`,
    body: async () => ({ userId: await newUserId(), status: 'activist' }),
    expect: only(201, managersOfA),
  },
  {
    method: 'PATCH',
    path: '/branches/:A/members/:userId',
    url: () => `/api/v1/branches/${ids.branchA}/members/${ids.memberA}`,
    body: () => ({ employer: '阿里巴巴' }),
    expect: only(200, managersOfA),
  },
  {
    method: 'DELETE',
    path: '/branches/:A/members/:userId',
    url: async () => `/api/v1/branches/${ids.branchA}/members/${await newMemberOfA()}`,
    expect: only(200, managersOfA),
  },
  {
    method: 'GET',
    path: '/branches/:A/groups',
    url: () => `/api/v1/branches/${ids.branchA}/groups`,
    expect: only(200, readersOfA),
  },
  {
    method: 'POST',
    path: '/branches/:A/groups',
    url: () => `/api/v1/branches/${ids.branchA}/groups`,
    body: () => ({ name: '第一党小组' }),
    expect: only(201, managersOfA),
  },
  {
    method: 'POST',
    path: '/branches/:A/invitations',
    url: () => `/api/v1/branches/${ids.branchA}/invitations`,
    body: () => ({ displayName: '新党员' }),
    expect: only(201, managersOfA),
  },
  {
    method: 'GET',
    path: '/branches/:A/invitations',
    url: () => `/api/v1/branches/${ids.branchA}/invitations`,
    expect: only(200, managersOfA),
  },
  { method: 'GET', path: '/departments', url: () => '/api/v1/departments', expect: only(200, nonResident) },
  {
    method: 'POST',
    path: '/departments',
    url: () => '/api/v1/departments',
    body: () => ({ name: '信访办' }),
    expect: only(201, ['admin']),
  },
  { method: 'GET', path: '/lawyers', url: () => '/api/v1/lawyers', expect: only(200, nonResident) },
  {
    method: 'POST',
    path: '/lawyers',
    url: () => '/api/v1/lawyers',
    body: async () => ({ userId: await newUserId(), firm: '中伦' }),
    expect: only(201, ['admin']),
  },
  { method: 'GET', path: '/grids', url: () => '/api/v1/grids', expect: only(200, nonResident) },
  {
    method: 'POST',
    path: '/grids',
    url: () => '/api/v1/grids',
    body: () => ({ name: '新网格', committeeId: ids.committee }),
    expect: only(201, aboveA),
  },
];

describe.each(routes)('$method $path', (route) => {
  it.each(ROLES)('%s', async (role) => {
    const res = await ctx.app.inject({
      method: route.method,
      url: await route.url(),
      headers: headers[role],
      ...(route.body ? { payload: await route.body() } : {}),
    });
    expect(res.statusCode, res.body).toBe(route.expect[role]);
  });
});

describe('lists show only what one may see', () => {
  const branchNames = async (role: Role) =>
    (await ctx.app.inject({ method: 'GET', url: '/api/v1/branches?limit=200', headers: headers[role] }))
      .json()
      .items.map((b: { id: string }) => b.id) as string[];

  it('a member of B sees branch B and not branch A; a resident sees none', async () => {
    const seen = await branchNames('memberB');
    expect(seen).toContain(ids.branchB);
    expect(seen).not.toContain(ids.branchA);
    expect(await branchNames('resident')).toEqual([]);
  });

  it('the committee admin sees every branch of the committee', async () => {
    const seen = await branchNames('committeeAdmin');
    expect(seen).toEqual(expect.arrayContaining([ids.branchA, ids.branchB]));
  });
});
