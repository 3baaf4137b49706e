import { type APIRequestContext, expect, test } from '@playwright/test';
import { signIn, token } from './support/session.js';
import { E2E_ADMIN } from './support/stack.js';

/** A new branch (under a new committee) and, once `createAccount` (given the admin's headers) made the account, its invitation to it. */
async function invitedToNewBranch(
  request: APIRequestContext,
  names: { committee: string; branch: string; person: string },
  createAccount: (admin: { authorization: string }) => Promise<{ username: string }>,
): Promise<{ branch: { id: string; name: string } }> {
  const admin = { authorization: `Bearer ${await token(request, E2E_ADMIN.username, E2E_ADMIN.password)}` };
  const committee = await (
    await request.post('/api/v1/committees', { headers: admin, data: { name: names.committee } })
  ).json();
  const branch = await (
    await request.post('/api/v1/branches', {
      headers: admin,
      data: { committeeId: committee.id, name: names.branch, virtual: true },
    })
  ).json();
  const { username } = await createAccount(admin);
  const invited = await request.post(`/api/v1/branches/${branch.id}/invitations`, {
    headers: admin,
    data: { displayName: names.person, username, role: 'member' },
  });
  expect(invited.status()).toBe(201);
  return { branch };
}

test('a person with an account follows the invitation notification and accepts in the app', async ({
  page,
  request,
}) => {
  const suffix = Date.now().toString(36).slice(-5);
  const account = { username: `wu_${suffix}`, password: `wu-password-2026` };
  const { branch } = await invitedToNewBranch(
    request,
    { committee: `邀请测试党委${suffix}`, branch: `邀请支部${suffix}`, person: '吴五' },
    async (admin) => {
      const created = await request.post('/api/v1/users', {
        headers: admin,
        data: { ...account, displayName: '吴五' },
      });
      expect(created.status()).toBe(201);
      return account;
    },
  );

  await signIn(page, account.username, account.password);
  // The worker delivers the notification; the bell opens it and it links to the invitations page.
  await expect(page.getByTestId('notification-badge')).toContainText('1', { timeout: 30_000 });
  await page.getByTestId('notification-bell').click();
  await page.getByText('入支部邀请').click();
  await expect(page).toHaveURL(/\/invitations$/);
  const list = page.getByTestId('my-invitations');
  await expect(list).toContainText(branch.name);
  await list.getByRole('button', { name: '接受邀请' }).click();
  await expect(page.getByText(`已加入「${branch.name}」`)).toBeVisible();
  await expect(list).toContainText('暂无待处理的邀请');

  const mine = await request.get('/api/v1/me/memberships', {
    headers: { authorization: `Bearer ${await token(request, account.username, account.password)}` },
  });
  expect((await mine.json()).items.map((m: { branchId: string }) => m.branchId)).toEqual([branch.id]);
});

test('a resident who accepts an invitation gets the members’ navigation at once, without signing in again', async ({
  page,
  request,
}) => {
  const suffix = Date.now().toString(36).slice(-5);
  const account = { username: `ju_${suffix}`, password: `ju-password-2026` };
  const { branch } = await invitedToNewBranch(
    request,
    { committee: `居民入支部党委${suffix}`, branch: `社区支部${suffix}`, person: '居民郑六' },
    async () => {
      const registered = await request.post('/api/v1/auth/register', {
        data: { ...account, displayName: '居民郑六' },
      });
      expect(registered.status()).toBe(201);
      return account;
    },
  );

  await signIn(page, account.username, account.password);
  const nav = page.getByTestId('main-nav');
  await expect(nav.getByText('网格事项')).toBeVisible();
  await expect(nav.getByText('频道')).toHaveCount(0);

  await page.goto('/invitations');
  await page.getByTestId('my-invitations').getByRole('button', { name: '接受邀请' }).click();
  await expect(page.getByText(`已加入「${branch.name}」`)).toBeVisible();
  // The new tokens say member: the navigation has the members' pages, and they open.
  await nav.getByText('频道').click();
  await expect(page).toHaveURL(/\/channels/);
  await expect(page.getByText(`社区支部${suffix}`).first()).toBeVisible({ timeout: 15_000 });
});
