import { buildApp, createNotifier } from '@zhibu/server';
import type { Notification } from '@zhibu/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import { closeSockets, collect, connect, listen, sleep, startChat, waitFor } from './channels.fixtures.js';

// The grid notifier runs in the API and in the grid worker; it reaches sockets through the live bridge.
// Two API processes on one database and Redis prefix: each delivers to its own sockets, once.
let t: Awaited<ReturnType<typeof startChat>>;
let second: Awaited<ReturnType<typeof buildApp>>;
let url2: string;
let user: BuiltUser;
let other: BuiltUser;

beforeAll(async () => {
  t = await startChat('livebridge');
  second = await buildApp(t.config);
  url2 = await listen(second);
  user = await t.f.buildUser({ displayName: '桥接' });
  other = await t.f.buildUser({ displayName: '旁人' });
});
afterEach(() => closeSockets());
afterAll(async () => {
  await second.close();
  await t.close();
});

describe('live bridge', () => {
  it('delivers grid notifications and grid:issue events to the user on every process, once each', async () => {
    const sockets = [await connect(t.url, user.token), await connect(url2, user.token)];
    const bystander = await connect(url2, other.token);
    const notes = sockets.map((s) => collect(s, 'notification') as Notification[]);
    const issues = sockets.map((s) => {
      const got: unknown[] = [];
      (s as unknown as { on(e: string, l: (p: unknown) => void): void }).on('grid:issue', (p) => got.push(p));
      return got;
    });
    const strayNotes = collect(bystander, 'notification');

    const notifier = createNotifier(t.app.ctx);
    const id = `bridge-test_${Date.now()}`;
    const notice = {
      id,
      userId: user.id,
      kind: 'grid.step',
      title: '已受理',
      body: '',
      link: null,
      data: {},
    };
    expect(await notifier.notify(notice)).toBe(true);
    // A repeat is stored once and pushed once.
    expect(await notifier.notify(notice)).toBe(false);
    notifier.emit(user.id, 'grid:issue', { id: 'issue-1', status: 'accepted' });

    await waitFor(() => notes.every((n) => n.length > 0) && issues.every((i) => i.length > 0), 'live events');
    await sleep(300);
    for (const n of notes) expect(n.map((x) => x.id)).toEqual([id]);
    for (const i of issues) expect(i).toEqual([{ id: 'issue-1', status: 'accepted' }]);
    expect(strayNotes).toEqual([]);
  });
});
