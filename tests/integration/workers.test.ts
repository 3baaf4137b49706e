import type { AddressInfo } from 'node:net';
import { buildApp, createQueues, type Queues } from '@zhibu/server';
import { inviteNotification, type Notification } from '@zhibu/shared';
import { startWorkers } from '@zhibu/workers';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type Factories, factories } from '../support/factories.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let f: Factories;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let queues: Queues;

beforeAll(async () => {
  ctx = await startTestApp('workers');
  f = factories(ctx.app);
  // The workers run in-process on the test's own database and Redis prefix.
  workers = await startWorkers(ctx.config);
  queues = createQueues(ctx.app.ctx);
});
afterAll(async () => {
  await queues.close();
  await workers.close();
  await ctx.close();
});

const notificationsOf = async (headers: object) =>
  (
    await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/notifications',
      headers: headers as Record<string, string>,
    })
  ).json().items as { id: string; kind: string; read: boolean; body: string }[];

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function settled(jobId: string) {
  const queue = queues.queueFor(inviteNotification.queue);
  return until(`job ${jobId}`, async () => {
    const state = await queue.getJobState(jobId);
    if (state !== 'completed' && state !== 'failed') return undefined;
    // Read the job after its state settled, so attempts and the failure reason are final.
    const job = await queue.getJob(jobId);
    return job ? { job, state } : undefined;
  });
}

async function inviteExisting(existing?: Awaited<ReturnType<Factories['buildUser']>>) {
  const secretary = await f.buildMember({ role: 'secretary' });
  const invitee = existing ?? (await f.buildUser({ displayName: '周受邀' }));
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/branches/${secretary.branchId}/invitations`,
    headers: secretary.user.headers,
    payload: { displayName: '周受邀', username: invitee.username },
  });
  expect(res.statusCode).toBe(201);
  return { secretary, invitee, invitation: res.json().invitation as { id: string; branchId: string } };
}

describe('inviteNotification job', () => {
  it('notifies the invitee (existing account) and records "invitation sent" for the inviter', async () => {
    const { secretary, invitee, invitation } = await inviteExisting();
    const received = await until('invitee notification', async () => {
      const items = await notificationsOf(invitee.headers);
      return items.length > 0 ? items : undefined;
    });
    expect(received).toEqual([
      expect.objectContaining({
        id: `invite-received_${invitation.id}`,
        kind: 'invitation.received',
        read: false,
      }),
    ]);
    const sent = await notificationsOf(secretary.user.headers);
    expect(sent).toEqual([
      expect.objectContaining({ kind: 'invitation.sent', body: expect.stringContaining('周受邀') }),
    ]);
  });

  it('has one effect when enqueued twice and when processed twice', async () => {
    const { secretary, invitee, invitation } = await inviteExisting();
    const jobId = inviteNotification.jobId({
      invitationId: invitation.id,
      branchId: invitation.branchId,
      branchName: '',
      inviterId: secretary.user.id,
      inviteeUserId: invitee.id,
      displayName: '',
    });
    await settled(jobId);
    const payload = {
      invitationId: invitation.id,
      branchId: invitation.branchId,
      branchName: '重复',
      inviterId: secretary.user.id,
      inviteeUserId: invitee.id,
      displayName: '周受邀',
    };
    // Enqueued again: same deterministic job id, BullMQ keeps the one job.
    expect(await queues.enqueue(inviteNotification, payload)).toBe(jobId);
    // Processed again: a second job with the same payload (as after a crash between steps) runs fully.
    await queues.enqueue(inviteNotification, payload, { jobId: `${jobId}_again` });
    expect((await settled(`${jobId}_again`)).state).toBe('completed');

    expect(await notificationsOf(invitee.headers)).toHaveLength(1);
    expect(await notificationsOf(secretary.user.headers)).toHaveLength(1);
  });

  it('fails a job with a bad payload at once, without retrying', async () => {
    const queue = queues.queueFor(inviteNotification.queue);
    await queue.add(inviteNotification.name, { invitationId: 'nope' }, { jobId: 'bad-payload', attempts: 5 });
    const { job, state } = await settled('bad-payload');
    expect(state).toBe('failed');
    // Retryable errors would go back to `delayed` with backoff; this one was started once and failed.
    expect(job.attemptsStarted).toBe(1);
    expect(job.failedReason).toContain('invalid inviteNotification payload');
  });

  it('pushes the notification live, once, to the user’s sockets on every server process', async () => {
    // The worker holds no Socket.IO server: its push goes through the live bridge to each API process.
    const other = await buildApp(ctx.config);
    const sockets: Socket[] = [];
    try {
      const invitee = await f.buildUser({ displayName: '周受邀' });
      const live: Notification[][] = [];
      for (const app of [ctx.app, other]) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const { port } = app.server.address() as AddressInfo;
        const socket = io(`http://127.0.0.1:${port}`, {
          auth: { token: invitee.token },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        sockets.push(socket);
        const got: Notification[] = [];
        live.push(got);
        socket.on('notification', (n: Notification) => got.push(n));
        await new Promise<void>((resolve, reject) => {
          socket.once('hello', () => resolve());
          socket.once('connect_error', reject);
        });
      }
      const { invitation } = await inviteExisting(invitee);
      await until('live notification on both processes', async () => live.every((got) => got.length > 0));
      await new Promise((r) => setTimeout(r, 300));
      for (const got of live) {
        expect(got).toEqual([
          expect.objectContaining({ id: `invite-received_${invitation.id}`, kind: 'invitation.received' }),
        ]);
      }
    } finally {
      for (const socket of sockets) socket.disconnect();
      await other.close();
    }
  });
});

describe('notifications API', () => {
  it('counts unread, marks some and then all read, and never touches another user’s', async () => {
    const { secretary, invitee } = await inviteExisting();
    await until('notification', async () => (await notificationsOf(invitee.headers)).length === 1);
    const count = async (headers: object) =>
      (
        await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/notifications/unread-count',
          headers: headers as Record<string, string>,
        })
      ).json().count;
    expect(await count(invitee.headers)).toBe(1);
    const [own] = await notificationsOf(invitee.headers);
    await until(
      'inviter notification',
      async () => (await notificationsOf(secretary.user.headers)).length === 1,
    );

    // The secretary cannot mark the invitee's notification read.
    const foreign = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read',
      headers: secretary.user.headers,
      payload: { ids: [own!.id] },
    });
    expect(foreign.json().updated).toBe(0);
    expect(await count(invitee.headers)).toBe(1);

    const mine = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read',
      headers: invitee.headers,
      payload: { ids: [own!.id] },
    });
    expect(mine.json().updated).toBe(1);
    expect(await count(invitee.headers)).toBe(0);

    const all = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read',
      headers: secretary.user.headers,
      payload: { all: true },
    });
    expect(all.json().updated).toBe(1);
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read',
      headers: secretary.user.headers,
      payload: { all: false },
    });
    expect(bad.statusCode).toBe(400);
  });
});
