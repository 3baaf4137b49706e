import { subscribeOrgEvents } from '@zhibu/server';
import type { OrgEvent } from '@zhibu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bearer, login, startTestApp } from '../support/app.js';
import { type Factories, factories } from '../support/factories.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let f: Factories;
let admin: { authorization: string };

beforeAll(async () => {
  ctx = await startTestApp('org');
  f = factories(ctx.app);
  admin = bearer((await login(ctx.app, ADMIN.username, ADMIN.password)).accessToken);
});
afterAll(() => ctx.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: object, payload?: object) =>
  ctx.app.inject({
    method,
    url,
    headers: headers as Record<string, string>,
    ...(payload ? { payload } : {}),
  });

describe('committees, branches and groups', () => {
  it('creates, reads, updates and lists a virtual branch under a committee', async () => {
    const committee = await call('POST', '/api/v1/committees', admin, { name: '云支部联合党委' });
    expect(committee.statusCode).toBe(201);
    const committeeId = committee.json().id as string;

    const created = await call('POST', '/api/v1/branches', admin, {
      committeeId,
      name: '快递物流虚拟党支部',
      virtual: true,
      industries: ['物流'],
      regions: ['上海', '苏州'],
    });
    expect(created.statusCode).toBe(201);
    const branch = created.json();
    expect(branch).toMatchObject({
      committeeId,
      virtual: true,
      industries: ['物流'],
      regions: ['上海', '苏州'],
    });

    const read = await call('GET', `/api/v1/branches/${branch.id}`, admin);
    expect(read.json().name).toBe('快递物流虚拟党支部');

    const renamed = await call('PATCH', `/api/v1/branches/${branch.id}`, admin, {
      name: '快递物流联合党支部',
    });
    expect(renamed.statusCode).toBe(200);
    expect((await call('GET', `/api/v1/branches/${branch.id}`, admin)).json().name).toBe(
      '快递物流联合党支部',
    );

    const group = await call('POST', `/api/v1/branches/${branch.id}/groups`, admin, { name: '第一党小组' });
    expect(group.statusCode).toBe(201);
    expect(group.json()).toMatchObject({ leaderId: null, leaderName: null });
    const groups = await call('GET', `/api/v1/branches/${branch.id}/groups`, admin);
    expect(groups.json().items.map((g: { name: string }) => g.name)).toEqual(['第一党小组']);
  });

  it('names each group’s leader, in the list and after a change', async () => {
    const branch = await f.buildBranch();
    const { user: first } = await f.buildMember({ branchId: branch.id, displayName: '孙组长' });
    const { user: second } = await f.buildMember({ branchId: branch.id, displayName: '钱组长' });
    const led = await call('POST', `/api/v1/branches/${branch.id}/groups`, admin, {
      name: '第一党小组',
      leaderId: first.id,
    });
    expect(led.json()).toMatchObject({ leaderId: first.id, leaderName: '孙组长' });
    await call('POST', `/api/v1/branches/${branch.id}/groups`, admin, { name: '第二党小组' });
    const other = await call('POST', `/api/v1/branches/${branch.id}/groups`, admin, {
      name: '第三党小组',
      leaderId: second.id,
    });
    const listed = await call('GET', `/api/v1/branches/${branch.id}/groups`, admin);
    expect(
      listed.json().items.map((g: { name: string; leaderName: string | null }) => [g.name, g.leaderName]),
    ).toEqual([
      ['第一党小组', '孙组长'],
      ['第二党小组', null],
      ['第三党小组', '钱组长'],
    ]);
    const changed = await call('PATCH', `/api/v1/groups/${other.json().id}`, admin, { leaderId: first.id });
    expect(changed.json()).toMatchObject({ leaderId: first.id, leaderName: '孙组长' });
    const cleared = await call('PATCH', `/api/v1/groups/${led.json().id}`, admin, { leaderId: null });
    expect(cleared.json()).toMatchObject({ leaderId: null, leaderName: null });
  });

  it('refuses to delete a branch that has members, and deletes an empty one', async () => {
    const { branchId } = await f.buildMember();
    const refused = await call('DELETE', `/api/v1/branches/${branchId}`, admin);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('INVALID_STATE');
    const empty = await f.buildBranch();
    expect((await call('DELETE', `/api/v1/branches/${empty.id}`, admin)).statusCode).toBe(200);
    expect((await call('GET', `/api/v1/branches/${empty.id}`, admin)).statusCode).toBe(404);
  });

  it('paginates branches with a cursor and filters by industry, region, virtual and name', async () => {
    const committee = await f.buildCommittee();
    const names = ['互联网一支部', '互联网二支部', '医疗支部', '物流支部', '实体支部'];
    for (const [i, name] of names.entries()) {
      await f.buildBranch({
        committeeId: committee.id,
        name,
        virtual: i < 4,
        industries: [i < 2 ? '互联网' : i === 2 ? '医疗' : '物流'],
        regions: [i % 2 === 0 ? '北京' : '深圳'],
      });
    }
    const base = `/api/v1/branches?committeeId=${committee.id}`;
    const first = await call('GET', `${base}&limit=2`, admin);
    expect(first.json().items).toHaveLength(2);
    expect(first.json().total).toBe(5);
    const seen = first.json().items.map((b: { name: string }) => b.name);
    let cursor = first.json().nextCursor as string | null;
    while (cursor) {
      const page = await call('GET', `${base}&limit=2&cursor=${cursor}`, admin);
      seen.push(...page.json().items.map((b: { name: string }) => b.name));
      cursor = page.json().nextCursor;
    }
    expect(seen).toEqual(names);

    const names_ = async (q: string) =>
      (await call('GET', `${base}&${q}`, admin)).json().items.map((b: { name: string }) => b.name);
    expect(await names_('industry=互联网')).toEqual(['互联网一支部', '互联网二支部']);
    expect(await names_('region=深圳')).toEqual(['互联网二支部', '物流支部']);
    expect(await names_('virtual=false')).toEqual(['实体支部']);
    expect(await names_(`q=${encodeURIComponent('医疗')}`)).toEqual(['医疗支部']);

    const bad = await call('GET', `${base}&cursor=not-a-cursor`, admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('query.cursor');
  });
});

describe('members', () => {
  it('adds, changes, lists with filters and ends memberships, keeping the former member', async () => {
    const branch = await f.buildBranch();
    const group = await f.buildGroup(branch.id, '第二党小组');
    const alice = await f.buildUser({ displayName: '李明' });
    const bob = await f.buildUser({ displayName: '王芳' });
    const add = (userId: string, extra: object) =>
      call('POST', `/api/v1/branches/${branch.id}/members`, admin, { userId, ...extra });

    const a = await add(alice.id, {
      role: 'secretary',
      status: 'full',
      employer: '京东',
      industry: '互联网',
      region: '北京',
    });
    expect(a.statusCode).toBe(201);
    expect(a.json()).toMatchObject({ displayName: '李明', role: 'secretary', active: true, groupId: null });
    const b = await add(bob.id, {
      status: 'probationary',
      groupId: group.id,
      employer: '顺丰',
      industry: '物流',
      region: '深圳',
    });
    expect(b.json()).toMatchObject({ role: 'member', status: 'probationary', groupId: group.id });

    const again = await add(bob.id, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALREADY_MEMBER');

    const list = (q = '') => call('GET', `/api/v1/branches/${branch.id}/members${q}`, admin);
    expect((await list()).json().total).toBe(2);
    expect(
      (await list('?status=probationary')).json().items.map((m: { userId: string }) => m.userId),
    ).toEqual([bob.id]);
    expect((await list(`?groupId=${group.id}`)).json().items).toHaveLength(1);
    expect((await list('?industry=互联网')).json().items[0].displayName).toBe('李明');

    const changed = await call('PATCH', `/api/v1/branches/${branch.id}/members/${bob.id}`, admin, {
      status: 'full',
      role: 'committeeMember',
    });
    expect(changed.json()).toMatchObject({ status: 'full', role: 'committeeMember', employer: '顺丰' });

    const ended = await call('DELETE', `/api/v1/branches/${branch.id}/members/${bob.id}`, admin);
    expect(ended.json()).toMatchObject({ active: false });
    expect(ended.json().endedAt).not.toBeNull();
    expect((await list()).json().items.map((m: { userId: string }) => m.userId)).toEqual([alice.id]);
    expect((await list('?active=false')).json().items.map((m: { userId: string }) => m.userId)).toEqual([
      bob.id,
    ]);

    // Re-adding a former member reactivates the same membership.
    const back = await add(bob.id, { role: 'member' });
    expect(back.statusCode).toBe(201);
    expect(back.json().id).toBe(b.json().id);
  });

  it('rejects a group that belongs to another branch', async () => {
    const one = await f.buildBranch();
    const other = await f.buildBranch();
    const foreign = await f.buildGroup(other.id);
    const user = await f.buildUser();
    const res = await call('POST', `/api/v1/branches/${one.id}/members`, admin, {
      userId: user.id,
      groupId: foreign.id,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].field).toBe('body.groupId');
  });

  it('keeps every one of many concurrent changes to one membership (no lost update)', async () => {
    const { branchId, user } = await f.buildMember();
    const fields = ['employer', 'industry', 'region'] as const;
    const results = await Promise.all(
      fields.map((field) =>
        call('PATCH', `/api/v1/branches/${branchId}/members/${user.id}`, admin, { [field]: `新${field}` }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const now = (await call('GET', `/api/v1/branches/${branchId}/members/${user.id}`, admin)).json();
    expect(now).toMatchObject({ employer: '新employer', industry: '新industry', region: '新region' });
  });

  it('lists the signed-in user’s own memberships with the branch name', async () => {
    const { user, branchId } = await f.buildMember({ role: 'deputySecretary' });
    const res = await call('GET', '/api/v1/me/memberships', user.headers);
    expect(res.json().items).toEqual([
      expect.objectContaining({ branchId, role: 'deputySecretary', virtual: true }),
    ]);
  });
});

describe('departments, lawyers and grids', () => {
  it('manages a department and its staff', async () => {
    const head = await f.buildUser({ displayName: '张主任' });
    const dep = await call('POST', '/api/v1/departments', admin, { name: '安全生产科', headUserId: head.id });
    expect(dep.statusCode).toBe(201);
    expect(dep.json()).toMatchObject({ headUserId: head.id, headName: '张主任' });
    const headless = await call('POST', '/api/v1/departments', admin, { name: '安全生产科二处' });
    const listed = await call('GET', `/api/v1/departments?q=${encodeURIComponent('安全生产科')}`, admin);
    expect(
      listed.json().items.map((d: { name: string; headName: string | null }) => [d.name, d.headName]),
    ).toEqual([
      ['安全生产科', '张主任'],
      ['安全生产科二处', null],
    ]);
    const newHead = await f.buildUser({ displayName: '吴科长' });
    const changed = await call('PATCH', `/api/v1/departments/${headless.json().id}`, admin, {
      headUserId: newHead.id,
    });
    expect(changed.json()).toMatchObject({ headUserId: newHead.id, headName: '吴科长' });
    expect((await call('GET', `/api/v1/departments/${headless.json().id}`, admin)).json().headName).toBe(
      '吴科长',
    );
    const staff = await f.buildUser({ displayName: '赵科员' });
    const added = await call('POST', `/api/v1/departments/${dep.json().id}/staff`, admin, {
      userId: staff.id,
    });
    expect(added.json()).toEqual({ userId: staff.id, displayName: '赵科员' });
    // Adding twice has one effect.
    await call('POST', `/api/v1/departments/${dep.json().id}/staff`, admin, { userId: staff.id });
    const list = await call('GET', `/api/v1/departments/${dep.json().id}/staff`, admin);
    expect(list.json().items).toHaveLength(1);
    expect((await call('DELETE', `/api/v1/departments/${dep.json().id}`, admin)).statusCode).toBe(409);
    await call('DELETE', `/api/v1/departments/${dep.json().id}/staff/${staff.id}`, admin);
    expect((await call('DELETE', `/api/v1/departments/${dep.json().id}`, admin)).statusCode).toBe(200);
  });

  it('keeps a lawyers pool filtered by availability and specialty', async () => {
    const l1 = await f.buildUser({ displayName: '陈律师' });
    const l2 = await f.buildUser({ displayName: '刘律师' });
    await call('POST', '/api/v1/lawyers', admin, {
      userId: l1.id,
      firm: '金杜',
      specialties: ['劳动', '婚姻'],
    });
    await call('POST', '/api/v1/lawyers', admin, {
      userId: l2.id,
      firm: '君合',
      specialties: ['合同'],
      available: false,
    });
    const dup = await call('POST', '/api/v1/lawyers', admin, { userId: l1.id, firm: '金杜' });
    expect(dup.statusCode).toBe(409);
    const names = async (q: string) =>
      (await call('GET', `/api/v1/lawyers?${q}`, admin))
        .json()
        .items.map((l: { displayName: string }) => l.displayName);
    expect(await names('specialty=劳动')).toEqual(['陈律师']);
    expect(await names('available=false')).toEqual(['刘律师']);
    const upd = await call('PATCH', `/api/v1/lawyers/${l2.id}`, admin, { available: true });
    expect(upd.json().available).toBe(true);
  });

  it('manages grids with a leader and workers', async () => {
    const committee = await f.buildCommittee();
    const leader = await f.buildUser({ displayName: '网格长老周' });
    const grid = await call('POST', '/api/v1/grids', admin, {
      name: '东湖社区第一网格',
      committeeId: committee.id,
      area: '东湖路1-99号',
      leaderId: leader.id,
    });
    expect(grid.statusCode).toBe(201);
    const worker = await f.buildUser({ displayName: '网格员小吴' });
    await call('POST', `/api/v1/grids/${grid.json().id}/workers`, admin, { userId: worker.id });
    const workers = await call('GET', `/api/v1/grids/${grid.json().id}/workers`, admin);
    expect(workers.json().items).toEqual([{ userId: worker.id, displayName: '网格员小吴' }]);
    const listed = await call('GET', `/api/v1/grids?committeeId=${committee.id}`, admin);
    expect(listed.json().items[0]).toMatchObject({
      name: '东湖社区第一网格',
      leaderId: leader.id,
      leaderName: '网格长老周',
    });
    expect(grid.json().leaderName).toBe('网格长老周');
    const read = await call('GET', `/api/v1/grids/${grid.json().id}`, admin);
    expect(read.json().leaderName).toBe('网格长老周');
    const cleared = await call('PATCH', `/api/v1/grids/${grid.json().id}`, admin, { leaderId: null });
    expect(cleared.json()).toMatchObject({ leaderId: null, leaderName: null });
  });
});

describe('validation', () => {
  it('answers malformed bodies with 400, the code and the field', async () => {
    const committee = await f.buildCommittee();
    const cases: { url: string; payload: object; field: string }[] = [
      { url: '/api/v1/branches', payload: { name: '缺党委' }, field: 'body.committeeId' },
      {
        url: '/api/v1/branches',
        payload: { committeeId: committee.id, name: 'x', colour: 'red' },
        field: 'body.colour',
      },
      {
        url: '/api/v1/branches',
        payload: { committeeId: committee.id, name: '长'.repeat(61) },
        field: 'body.name',
      },
      {
        url: '/api/v1/branches',
        payload: { committeeId: committee.id, name: 'x', virtual: 'yes' },
        field: 'body.virtual',
      },
      { url: '/api/v1/branches', payload: { committeeId: 'abc', name: 'x' }, field: 'body.committeeId' },
      {
        url: '/api/v1/branches',
        payload: { committeeId: committee.id, name: 'x', industries: [1] },
        field: 'body.industries.0',
      },
      { url: '/api/v1/committees', payload: { name: '' }, field: 'body.name' },
      { url: '/api/v1/departments', payload: { name: 42 }, field: 'body.name' },
      {
        url: '/api/v1/lawyers',
        payload: { userId: committee.id, firm: 'x', specialties: 'labour' },
        field: 'body.specialties',
      },
    ];
    for (const { url, payload, field } of cases) {
      const res = await call('POST', url, admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().details[0].field).toBe(field);
    }
  });

  it('answers unknown ids with 404 and bad ids in the path with 400', async () => {
    expect((await call('GET', '/api/v1/branches/0123456789abcdef01234567', admin)).statusCode).toBe(404);
    const bad = await call('GET', '/api/v1/branches/nope', admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('params.id');
    const unknownUser = await call('POST', '/api/v1/lawyers', admin, {
      userId: '0123456789abcdef01234567',
      firm: 'x',
    });
    expect(unknownUser.statusCode).toBe(400);
    expect(unknownUser.json().details[0].field).toBe('body.userId');
  });
});

describe('org events', () => {
  it('publishes branch.created, group.created and the membership events to every subscriber', async () => {
    const events: OrgEvent[] = [];
    const unsubscribe = await subscribeOrgEvents(ctx.app.ctx, (event) => {
      events.push(event);
    });
    try {
      const committee = await f.buildCommittee();
      const branch = (
        await call('POST', '/api/v1/branches', admin, { committeeId: committee.id, name: '事件支部' })
      ).json();
      const group = (
        await call('POST', `/api/v1/branches/${branch.id}/groups`, admin, { name: '事件小组' })
      ).json();
      const user = await f.buildUser();
      await call('POST', `/api/v1/branches/${branch.id}/members`, admin, { userId: user.id });
      await call('PATCH', `/api/v1/branches/${branch.id}/members/${user.id}`, admin, { groupId: group.id });
      await call('PATCH', `/api/v1/branches/${branch.id}/members/${user.id}`, admin, {
        employer: '不触发事件',
      });
      await call('DELETE', `/api/v1/branches/${branch.id}/members/${user.id}`, admin);
      const deadline = Date.now() + 5000;
      while (events.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(events).toEqual([
        { type: 'branch.created', branchId: branch.id, committeeId: committee.id },
        { type: 'group.created', groupId: group.id, branchId: branch.id },
        { type: 'membership.started', userId: user.id, branchId: branch.id, groupId: null },
        {
          type: 'membership.changed',
          userId: user.id,
          branchId: branch.id,
          groupId: group.id,
          role: 'member',
        },
        { type: 'membership.ended', userId: user.id, branchId: branch.id },
      ]);
    } finally {
      await unsubscribe();
    }
  });
});
