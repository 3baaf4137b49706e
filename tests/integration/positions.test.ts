import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bearer, login, startTestApp } from '../support/app.js';
import { type Factories, factories } from '../support/factories.js';

/** GET /api/v1/me/positions: what the signed-in user is, so the client can tell a committee admin. */
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let f: Factories;

beforeAll(async () => {
  ctx = await startTestApp('positions');
  f = factories(ctx.app);
});
afterAll(() => ctx.close());

const positions = (headers: Record<string, string>) =>
  ctx.app.inject({ method: 'GET', url: '/api/v1/me/positions', headers });

describe('GET /api/v1/me/positions', () => {
  it('names the committees a committee admin administers and lists their other positions', async () => {
    const one = await f.buildCommittee({ name: '东城区委组织部党委' });
    const two = await f.buildCommittee({ name: '西城区委组织部党委' });
    await f.buildCommittee({ name: '无关党委' });
    const user = await f.buildUser({ displayName: '周书记' });
    await f.buildCommitteeAdmin(one.id, user);
    await f.buildCommitteeAdmin(two.id, user);
    const branch = await f.buildBranch({ committeeId: one.id });
    const group = await f.buildGroup(branch.id);
    await f.buildMember({ branchId: branch.id, user, role: 'secretary', groupId: group.id });

    const res = await positions(user.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ userId: user.id, role: 'user', isAdmin: false, isLawyer: false });
    expect(body.adminOfCommittees).toHaveLength(2);
    expect(body.adminOfCommittees).toEqual(
      expect.arrayContaining([
        { id: one.id, name: '东城区委组织部党委' },
        { id: two.id, name: '西城区委组织部党委' },
      ]),
    );
    expect(body.memberships).toEqual([
      { branchId: branch.id, committeeId: one.id, groupId: group.id, role: 'secretary', status: 'full' },
    ]);
    expect(body).toMatchObject({ departmentIds: [], gridIds: [], leaderOfGrids: [], headOfDepartments: [] });
  });

  it('shows department, lawyer and grid positions, and only the caller’s own', async () => {
    const committee = await f.buildCommittee();
    const staff = await f.buildUser();
    const other = await f.buildUser();
    const department = await f.org.people.createDepartment({ name: '城管科', headUserId: staff.id });
    const grid = await f.org.people.createGrid({ name: '第一网格', committeeId: committee.id });
    await f.org.people.addGridWorker(grid.id, staff.id);
    await f.org.people.createLawyer({ userId: staff.id, firm: '金杜' });
    await f.buildCommitteeAdmin(committee.id, other);

    const body = (await positions(staff.headers)).json();
    expect(body).toMatchObject({
      userId: staff.id,
      isLawyer: true,
      departmentIds: [department.id],
      headOfDepartments: [department.id],
      gridIds: [grid.id],
      leaderOfGrids: [],
      adminOfCommittees: [],
      memberships: [],
    });
    // The other user's committee shows only in their own answer.
    expect((await positions(other.headers)).json().adminOfCommittees).toEqual([
      { id: committee.id, name: committee.name },
    ]);
  });

  it('marks the system admin, and refuses anyone not signed in', async () => {
    const admin = await login(ctx.app, ADMIN.username, ADMIN.password);
    const res = await positions(bearer(admin.accessToken));
    expect(res.json()).toMatchObject({ isAdmin: true, role: 'admin' });
    const anonymous = await positions({});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHENTICATED');
  });
});
