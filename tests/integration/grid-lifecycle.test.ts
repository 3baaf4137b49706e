import { sendDailyDigest } from '@zhibu/server';
import type { GridIssue } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld, startWorkers, type Who, waitFor } from './grid.fixtures.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;
let workers: Awaited<ReturnType<typeof startWorkers>>;

beforeAll(async () => {
  ctx = await startTestApp('grid-life');
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
  workers = await startWorkers(ctx.app);
  await api.rule(w.admin, { priority: 1, category: 'hazard', departmentId: w.safety.id });
  await api.rule(w.admin, { priority: 1, category: 'dispute', departmentId: w.community.id });
  await api.rule(w.admin, { priority: 1, category: 'opinion', departmentId: w.community.id });
});
afterAll(async () => {
  await workers?.close();
  await ctx?.close();
});

const assigned = async (who: Who, id: string) =>
  waitFor(async () => {
    const d = await api.detail(who, id);
    return d.status === 'assigned' ? d : null;
  });
const ids = (items: GridIssue[]) => items.map((i) => i.id);
const list = async (who: Who, qs: string) => {
  const res = await api.call('GET', `/api/v1/grid/issues?${qs}`, who);
  return { status: res.statusCode, items: (res.json().items ?? []) as GridIssue[], body: res.json() };
};

describe('permissions', () => {
  let hazard: GridIssue;
  let dispute: GridIssue;
  let legalA: GridIssue;
  let legalB: GridIssue;

  beforeAll(async () => {
    hazard = await api.report(w.resident, {
      category: 'hazard',
      gridId: w.grid1.id,
      title: '电线裸露',
      contact: '13800000000',
      anonymous: true,
    });
    dispute = await api.report(w.resident2, { category: 'dispute', gridId: w.grid1.id, title: '停车位纠纷' });
    legalA = await api.report(w.resident, {
      category: 'legalQuestion',
      gridId: w.grid1.id,
      title: '欠薪怎么办',
    });
    legalB = await api.report(w.resident2, {
      category: 'legalQuestion',
      gridId: w.grid1.id,
      title: '租房押金',
    });
    for (const i of [hazard, dispute, legalA, legalB]) await assigned(w.admin, i.id);
  });

  it('a department sees only its own issues in its inbox and acts only on them', async () => {
    const safety = await list(w.safetyStaff, 'view=department');
    expect(ids(safety.items)).toContain(hazard.id);
    expect(ids(safety.items)).not.toContain(dispute.id);
    const community = await list(w.communityStaff, 'view=department');
    expect(ids(community.items)).toEqual([dispute.id]);
    expect((await list(w.communityStaff, `view=department&departmentId=${w.safety.id}`)).status).toBe(403);
    await api.act(w.communityStaff, hazard.id, { action: 'accept' }, 403);
    // Another department reads a public issue without the reporter's contact.
    const seen = await api.detail(w.communityStaff, hazard.id);
    expect(seen.contact).toBeNull();
    expect(seen.reporterId).toBeNull(); // anonymous to the public
    expect((await api.detail(w.safetyStaff, hazard.id)).contact).toBe('13800000000');
    // Legal questions are not public.
    expect((await api.call('GET', `/api/v1/grid/issues/${legalA.id}`, w.safetyStaff)).statusCode).toBe(404);
  });

  it('a lawyer sees only the legal questions assigned to them', async () => {
    const a = await api.detail(w.admin, legalA.id);
    const b = await api.detail(w.admin, legalB.id);
    const lawyers = [w.lawyerA, w.lawyerB];
    const holderA = lawyers.find((l) => l.id === a.target?.lawyerId)!;
    const holderB = lawyers.find((l) => l.id === b.target?.lawyerId)!;
    expect(holderA).toBeDefined();
    const inbox = await list(holderA, 'view=lawyer');
    expect(ids(inbox.items)).toContain(legalA.id);
    expect(
      inbox.items.every((i) => i.category === 'legalQuestion' && i.target?.lawyerId === holderA.id),
    ).toBe(true);
    if (holderA.id !== holderB.id) {
      expect((await api.call('GET', `/api/v1/grid/issues/${legalB.id}`, holderA)).statusCode).toBe(404);
    }
    expect((await list(w.safetyStaff, 'view=lawyer')).status).toBe(403);
  });

  it('a resident sees only their own issues and public ones', async () => {
    const mine = await list(w.resident2, 'view=mine');
    expect(ids(mine.items).sort()).toEqual([dispute.id, legalB.id].sort());
    expect((await api.call('GET', `/api/v1/grid/issues/${legalA.id}`, w.resident2)).statusCode).toBe(404);
    const pub = await list(w.resident2, 'view=public');
    expect(ids(pub.items)).toContain(hazard.id);
    expect(pub.items.some((i) => i.category === 'legalQuestion')).toBe(false);
    const other = pub.items.find((i) => i.id === hazard.id)!;
    expect(other.contact).toBeNull();
    expect(other.reporterId).toBeNull();
    // The public timeline does not name an anonymous reporter either.
    const timeline = (await api.detail(w.resident2, hazard.id)).timeline;
    expect(JSON.stringify(timeline)).not.toContain(w.resident.id);
    for (const view of ['department', 'dispatch', 'all', 'grid', 'lawyer']) {
      expect((await list(w.resident2, `view=${view}`)).status, view).toBe(403);
    }
  });

  it('rejects bad input with stable 4xx codes', async () => {
    const bad = await api.call('POST', '/api/v1/grid/issues', w.resident, {
      category: 'ufo',
      title: 'x',
      description: 'y',
      address: 'z',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    expect((await api.call('GET', '/api/v1/grid/issues/not-an-id', w.resident)).statusCode).toBe(400);
    expect((await api.call('GET', `/api/v1/grid/issues/${'f'.repeat(24)}`, w.resident)).json().code).toBe(
      'NOT_FOUND',
    );
    expect(
      (
        await api.call('POST', '/api/v1/grid/issues', w.resident, {
          category: 'hazard',
          title: 't',
          description: 'd',
          address: 'a',
          gridId: 'e'.repeat(24),
        })
      ).statusCode,
    ).toBe(404);
    await api.act(w.communityStaff, dispute.id, { action: 'resolve', outcome: '已调解' }, 400);
    await api.act(w.communityStaff, dispute.id, { action: 'fly' }, 400);
    expect((await api.call('GET', '/api/v1/grid/issues', { authorization: 'Bearer nope' })).statusCode).toBe(
      401,
    );
    expect(
      (
        await api.call('POST', '/api/v1/grid/rules', w.safetyStaff, {
          priority: 1,
          category: 'hazard',
          departmentId: w.safety.id,
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('the loop: handle, verify, rate, rework', () => {
  it('runs a hazard from report to a satisfied rating, through a rework', async () => {
    const issue = await api.report(w.resident, {
      category: 'hazard',
      gridId: w.grid1.id,
      title: '交通道闸损坏',
      contact: '13900000000',
    });
    await assigned(w.resident, issue.id);
    await api.act(w.safetyStaff, issue.id, { action: 'requestInfo', question: '具体是哪个门？' });
    await api.act(w.resident2, issue.id, { action: 'provideInfo', answer: '北门' }, 403);
    await api.act(w.resident, issue.id, { action: 'provideInfo', answer: '北门' });
    await api.act(w.safetyStaff, issue.id, { action: 'resolve', outcome: '已更换道闸电机' });
    // Only the grid's workers verify; only the reporter rates.
    await api.act(w.communityStaff, issue.id, { action: 'verify', ok: true, comment: 'x', photos: [] }, 403);
    await api.act(w.gridWorker, issue.id, {
      action: 'verify',
      ok: true,
      comment: '现场核查道闸正常',
      photos: [],
    });
    await api.act(w.safetyStaff, issue.id, { action: 'rate', score: 5 }, 403);
    const reopened = await api.act(w.resident, issue.id, {
      action: 'rate',
      score: 1,
      comment: '第二天又坏了',
    });
    expect(reopened).toMatchObject({ status: 'assigned', reworks: 1, target: { departmentId: w.safety.id } });
    await api.act(w.safetyStaff, issue.id, { action: 'accept' });
    await api.act(w.safetyStaff, issue.id, { action: 'resolve', outcome: '更换整套道闸' });
    const closed = await api.act(w.resident, issue.id, { action: 'rate', score: 5, comment: '满意' });
    expect(closed).toMatchObject({ status: 'closed', rating: 5, reworks: 1, outcome: '更换整套道闸' });
    const detail = await api.detail(w.resident, issue.id);
    expect(detail.timeline.map((e) => e.data.type)).toEqual([
      'reported',
      'routed',
      'infoRequested',
      'infoProvided',
      'resolved',
      'verified',
      'rated',
      'accepted',
      'resolved',
      'rated',
    ]);
    // The reporter was told about each step they follow.
    const told = await ctx.app.ctx.db
      .collection('notifications')
      .countDocuments({ userId: { $exists: true }, 'data.issueId': issue.id, kind: 'grid.step' });
    expect(told).toBeGreaterThanOrEqual(4);
    await api.act(w.resident, issue.id, { action: 'rate', score: 5 }, 409);
  });

  it('hands a dispute over to another department with a lead unit and records mediation', async () => {
    const issue = await api.report(w.resident, {
      category: 'dispute',
      gridId: w.grid2.id,
      title: '装修噪音纠纷',
    });
    await assigned(w.resident, issue.id);
    await api.act(w.communityStaff, issue.id, { action: 'accept' });
    const moved = await api.act(w.communityStaff, issue.id, {
      action: 'handOver',
      departmentId: w.fallback.id,
      leadDepartmentId: w.community.id,
      reason: '需综治中心联合调解',
    });
    expect(moved).toMatchObject({
      status: 'assigned',
      leadDepartmentId: w.community.id,
      target: { departmentId: w.fallback.id },
    });
    // Both units keep seeing it; the new holder acts.
    expect(ids((await list(w.communityStaff, 'view=department')).items)).toContain(issue.id);
    await api.act(
      w.communityStaff,
      issue.id,
      { action: 'resolve', outcome: 'x', mediationSucceeded: true },
      403,
    );
    const done = await api.act(w.fallbackStaff, issue.id, {
      action: 'resolve',
      outcome: '双方达成协议',
      mediationSucceeded: true,
    });
    expect(done.mediationSucceeded).toBe(true);
  });

  it('lets the assigned lawyer publish an anonymised Q&A for the grid', async () => {
    const q = await api.report(w.resident, {
      category: 'legalQuestion',
      gridId: w.grid1.id,
      title: '劳动合同到期不续签有补偿吗',
      contact: '13700000000',
    });
    const d = await assigned(w.resident, q.id);
    const lawyer = [w.lawyerA, w.lawyerB].find((l) => l.id === d.target?.lawyerId)!;
    const other = [w.lawyerA, w.lawyerB].find((l) => l.id !== lawyer.id)!;
    await api.act(lawyer, q.id, { action: 'resolve', outcome: '依法可获经济补偿' });
    const body = { question: '劳动合同到期不续签有补偿吗？', answer: '用人单位不续签的，应支付经济补偿。' };
    expect((await api.call('POST', `/api/v1/grid/issues/${q.id}/qa`, other, body)).statusCode).toBe(403);
    const published = await api.call('POST', `/api/v1/grid/issues/${q.id}/qa`, lawyer, body);
    expect(published.statusCode).toBe(201);
    expect((await api.call('POST', `/api/v1/grid/issues/${q.id}/qa`, lawyer, body)).statusCode).toBe(409);
    const listed = await api.call('GET', `/api/v1/grid/qa?gridId=${w.grid1.id}`, w.resident2);
    expect(listed.json().items[0]).toMatchObject(body);
    expect(JSON.stringify(listed.json())).not.toContain('13700000000');
  });

  it('suggests similar open reports nearby before submitting', async () => {
    const first = await api.report(w.resident, {
      category: 'hazard',
      gridId: w.grid2.id,
      title: '小区北门道闸坏了',
      location: { lat: 31.2304, lng: 121.4737 },
    });
    const near = await api.call(
      'GET',
      `/api/v1/grid/issues/similar?category=hazard&title=${encodeURIComponent('北门道闸坏了')}&lat=31.2310&lng=121.4740`,
      w.resident2,
    );
    expect(ids(near.json().items)).toContain(first.id);
    const far = await api.call(
      'GET',
      `/api/v1/grid/issues/similar?category=hazard&title=${encodeURIComponent('北门道闸坏了')}&lat=31.30&lng=121.60`,
      w.resident2,
    );
    expect(ids(far.json().items)).not.toContain(first.id);
  });
});

describe('grid from location and the daily digest', () => {
  it('derives the grid of a report from its location', async () => {
    const geo = await api.call('PUT', `/api/v1/grid/grids/${w.grid2.id}/geo`, w.admin, {
      lat: 31.1,
      lng: 121.5,
      radiusM: 800,
    });
    expect(geo.statusCode).toBe(200);
    expect(
      (
        await api.call('PUT', `/api/v1/grid/grids/${w.grid1.id}/geo`, w.resident, {
          lat: 1,
          lng: 1,
          radiusM: 100,
        })
      ).statusCode,
    ).toBe(403);
    const inside = await api.report(w.resident, {
      category: 'opinion',
      title: '建议增设座椅',
      location: { lat: 31.103, lng: 121.5 },
    });
    expect(inside.gridId).toBe(w.grid2.id);
    const outside = await api.report(w.resident, {
      category: 'opinion',
      title: '建议增设路灯',
      location: { lat: 31.2, lng: 121.5 },
    });
    expect(outside.gridId).toBeNull();
  });

  it('sends one digest per user and day for unread notifications, however often it runs', async () => {
    const day = workers.rt.grid.core.calendar.dayOf(new Date());
    const digest = () =>
      sendDailyDigest(workers.rt.ctx, workers.rt.grid.core.notifier, workers.rt.grid.core.calendar, day);
    const first = await digest();
    expect(first.users).toBeGreaterThan(0);
    await digest();
    const coll = ctx.app.ctx.db.collection('notifications');
    const staffDigests = await coll.countDocuments({
      kind: 'digest.daily',
      userId: new ObjectId(w.safetyStaff.id),
    });
    expect(staffDigests).toBe(1);
    expect(await coll.countDocuments({ kind: 'digest.daily' })).toBe(first.users);
  });
});

describe('Open311 GeoReport v2', () => {
  it('lists services and public requests, never legal questions or reporters', async () => {
    const services = await ctx.app.inject({ method: 'GET', url: '/open311/v2/services.json' });
    expect(services.statusCode).toBe(200);
    expect(services.json().map((s: { service_code: string }) => s.service_code)).toEqual([
      'hazard',
      'dispute',
      'opinion',
      'other',
    ]);
    const requests = await ctx.app.inject({
      method: 'GET',
      url: '/open311/v2/requests.json?service_code=hazard',
    });
    expect(requests.statusCode).toBe(200);
    const items = requests.json() as { service_request_id: string; service_code: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((r) => r.service_code === 'hazard')).toBe(true);
    expect(JSON.stringify(items)).not.toContain(w.resident.id);
    const one = await ctx.app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${items[0]!.service_request_id}.json`,
    });
    expect(one.json()[0].service_request_id).toBe(items[0]!.service_request_id);
    const legal = await ctx.app.ctx.db.collection('grid_issues').findOne({ category: 'legalQuestion' });
    const hidden = await ctx.app.inject({
      method: 'GET',
      url: `/open311/v2/requests/${legal!._id.toHexString()}.json`,
    });
    expect(hidden.statusCode).toBe(404);
  });
});
