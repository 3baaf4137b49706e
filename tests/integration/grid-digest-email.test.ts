import { sendDailyDigest } from '@zhibu/server';
import type { User } from '@zhibu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type BuiltUser, factories } from '../support/factories.js';
import { gridApi, startWorkers } from './grid.fixtures.js';
import { startSmtpSink, textOf } from './smtp-sink.js';

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let ctx: Awaited<ReturnType<typeof startTestApp>>;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let api: ReturnType<typeof gridApi>;
let admin: BuiltUser;
let jia: BuiltUser;
let yi: BuiltUser;

beforeAll(async () => {
  sink = await startSmtpSink();
  ctx = await startTestApp('grid-digest-mail', { SMTP_URL: sink.url });
  workers = await startWorkers(ctx.app);
  api = gridApi(ctx.app);
  const f = factories(ctx.app);
  admin = await f.buildUser({ role: 'admin' });
  jia = await f.buildUser({ role: 'resident', displayName: '居民甲' });
  yi = await f.buildUser({ role: 'resident', displayName: '居民乙' });
});
afterAll(async () => {
  await workers?.close();
  await ctx?.close();
  await sink?.close();
});

const patchMe = async (who: BuiltUser, payload: object) =>
  ctx.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: await api.headersOf(who), payload });

describe('e-mail address on accounts', () => {
  it('the user sets, changes and removes their own address; a bad one is refused', async () => {
    const bad = await patchMe(jia, { email: 'not-an-address' });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    const set = await patchMe(jia, { email: 'jia@example.org' });
    expect(set.statusCode, set.body).toBe(200);
    expect((set.json() as User).email).toBe('jia@example.org');
    const cleared = await patchMe(yi, { email: null });
    expect((cleared.json() as User).email).toBeNull();
    const me = await api.call('GET', '/api/v1/me', jia);
    expect((me.json() as User).email).toBe('jia@example.org');
  });

  it('admins give a new account an address and see it in the directory', async () => {
    const bad = await api.call('POST', '/api/v1/users', admin, {
      username: 'bing_staff',
      displayName: '丙',
      password: 'password-123456',
      email: 'bing@',
    });
    expect(bad.statusCode).toBe(400);
    const created = await api.call('POST', '/api/v1/users', admin, {
      username: 'bing_staff',
      displayName: '丙',
      password: 'password-123456',
      email: 'bing@example.org',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((created.json() as User).email).toBe('bing@example.org');
    const list = await api.call('GET', '/api/v1/users?q=bing', admin);
    expect((list.json().items as User[]).map((u) => u.email)).toEqual(['bing@example.org']);
  });
});

describe('daily digest by e-mail', () => {
  it('mails each person with an address once per day, over real SMTP', async () => {
    const rt = workers.rt;
    const bing = (await api.call('GET', '/api/v1/users?q=bing', admin)).json().items[0] as User;
    const notify = (userId: string, n: number, title: string) =>
      rt.grid.core.notifier.notify({
        id: `test_${userId}_${n}`,
        userId,
        kind: 'grid.assigned',
        title,
        body: '',
        link: '/grid',
        data: {},
      });
    await notify(jia.id, 1, '新的网格事件：路灯不亮');
    await notify(jia.id, 2, '事件待核查：井盖破损');
    await notify(yi.id, 1, '事件已办结：楼道堆物');
    await notify(bing.id, 1, '新的网格事件：噪音扰民');

    const day = rt.grid.core.calendar.dayOf(rt.ctx.now());
    const run = () => sendDailyDigest(rt.ctx, rt.grid.core.notifier, rt.grid.core.calendar, day);
    const first = await run();
    expect(first).toEqual({ users: 3, emails: 2 });
    expect(sink.mails.map((m) => m.to).sort()).toEqual([['bing@example.org'], ['jia@example.org']]);
    const toJia = sink.mails.find((m) => m.to[0] === 'jia@example.org')!;
    expect(toJia.from).toBe('noreply@zhibu.local');
    const text = textOf(toJia);
    expect(text).toContain('居民甲，您好');
    expect(text).toContain('• 新的网格事件：路灯不亮');
    expect(text).toContain('• 事件待核查：井盖破损');
    expect(text).not.toContain('噪音扰民');

    // A second run (a retried job) sends nothing more.
    expect(await run()).toEqual({ users: 3, emails: 0 });
    expect(sink.mails).toHaveLength(2);
  });
});
