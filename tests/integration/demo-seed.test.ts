import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../../scripts/demo/data.js';
import { seedDemo } from '../../scripts/demo/seed.js';
import { ADMIN, startTestApp } from '../support/app.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let baseUrl: string;

beforeAll(async () => {
  ctx = await startTestApp('demoseed', { RATE_LIMIT_PER_MINUTE: '100000' });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(() => ctx.close());

describe('demo seed', () => {
  it('seeds the whole dataset through the API, and a second run creates nothing', async () => {
    const first = await seedDemo(baseUrl, ADMIN);
    expect(first.created).toBeGreaterThan(50);
    const db = ctx.app.ctx.db;
    const memberCount = demo.branches.reduce((n, b) => n + b.members.length, 0);
    expect(await db.collection('branches').countDocuments({ virtual: true })).toBe(3);
    expect(await db.collection('memberships').countDocuments({ active: true })).toBe(memberCount);
    expect(await db.collection('departments').countDocuments()).toBe(4);
    expect(await db.collection('lawyers').countDocuments()).toBe(3);
    expect(await db.collection('grids').countDocuments()).toBe(2);
    const users = await db.collection('users').countDocuments();

    const second = await seedDemo(baseUrl, ADMIN);
    expect(second.createdWhat).toEqual([]);
    expect(await db.collection('users').countDocuments()).toBe(users);
    expect(await db.collection('memberships').countDocuments()).toBe(memberCount);

    // The secretaries of the seeded branches can sign in with the demo password.
    const secretary = first.logins.find((l) => l.who.includes('书记'))!;
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: secretary.username, password: secretary.password }),
    });
    expect(login.status).toBe(200);
  }, 120_000);
});
