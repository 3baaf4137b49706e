import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, type Route, test } from '@playwright/test';
import { signIn } from './support/session.js';
import { E2E_ADMIN, root } from './support/stack.js';

const screenshots = path.join(root, 'test-results', 'screenshots');

/** The signed-in user's unread count, straight from the API (not from the page's cache). */
async function unreadFromApi(page: Page): Promise<number> {
  const token = await page.evaluate(
    () => (JSON.parse(localStorage.getItem('zhibu.session') ?? '{}') as { accessToken?: string }).accessToken,
  );
  const response = await page.request.get('/api/v1/notifications/unread-count', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { count: number }).count;
}

/** Clicks an option of the open antd Select (its accessible list is virtual; the visible items carry a title). */
async function pickOption(page: Page, label: string): Promise<void> {
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${label}"]`).click();
}

test('the admin creates a virtual branch and invites a member, who joins through the link and sees the branch', async ({
  page,
  browser,
}) => {
  // A long journey on two shared cores: give it room (each step still has its own expect timeout).
  test.setTimeout(180_000);
  const suffix = Date.now().toString(36).slice(-5);
  const committeeName = `浦东新区物流行业党委 ${suffix}`;
  const branchName = `长三角快递小哥虚拟党支部 ${suffix}`;
  const member = { username: `liming_${suffix}`, password: 'liming-password-2026', name: '李明' };

  // The admin signs in and lands in the layout, in Chinese.
  await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password);
  const nav = page.getByTestId('main-nav');
  for (const label of ['频道', '组织生活', '学习', '网格事项', '看板', '管理']) {
    await expect(nav.getByText(label, { exact: true })).toBeVisible();
  }

  // Org tree: a committee, then a virtual branch under it.
  await nav.getByText('管理', { exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/org$/);
  await page.getByTestId('new-committee').click();
  await page.getByTestId('org-name').fill(committeeName);
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /保\s*存/ })
    .click();
  const tree = page.getByTestId('org-tree');
  await tree.getByText(committeeName).click();

  await page.getByTestId('new-branch').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('org-name').fill(branchName);
  await expect(dialog.getByTestId('org-virtual')).toBeChecked();
  const industries = dialog.getByLabel('涉及行业');
  for (const industry of ['物流', '快递']) {
    await industries.fill(industry);
    await industries.press('Enter');
  }
  const regions = dialog.getByLabel('涉及地区');
  for (const region of ['上海', '杭州']) {
    await regions.fill(region);
    await regions.press('Enter');
  }
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await expect(dialog).toBeHidden();
  await tree.getByText(branchName).click();
  const detail = page.getByTestId('branch-detail');
  await expect(detail).toContainText('虚拟党支部');
  await expect(detail).toContainText('物流');
  await expect(detail).toContainText('杭州');

  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, 'admin-org-tree.png') });

  // Invite a member into the branch; the link is shown once.
  await page.getByTestId('invite-from-branch').click();
  await expect(page).toHaveURL(/\/admin\/invitations\?branchId=[0-9a-f]{24}/);
  await expect(page.getByTestId('invitations-table')).toBeVisible();
  const unreadBefore = await unreadFromApi(page);
  await page.getByTestId('new-invitation').click();
  const inviteDialog = page.getByRole('dialog');
  await inviteDialog.getByTestId('invitee-name').fill(member.name);
  await inviteDialog.getByRole('button', { name: '生成邀请链接' }).click();
  const linkText = await page.getByTestId('invitation-link').textContent();
  const link = new URL((linkText ?? '').trim());
  expect(link.pathname).toMatch(/^\/invite\/[A-Za-z0-9_-]{20,}$/);
  await page.getByRole('button', { name: /确\s*定/ }).click();
  await expect(page.getByTestId('invitations-table')).toContainText(member.name);
  await expect(page.getByTestId('invitations-table')).toContainText('待接受');

  // The workers tell the inviter that the invitation went out: the bell counts it, the drawer lists it.
  // (Other specs share this stack and its admin, so count relative to what was unread before.)
  const unread = page.getByTestId('notification-badge').locator('sup');
  const unreadCount = async () => Number((await unread.count()) > 0 ? await unread.getAttribute('title') : 0);
  // Live: the worker's notification reaches this tab over Socket.IO, no reload.
  await expect(page.getByTestId('invitations-table')).toContainText(member.name);
  await expect.poll(unreadCount, { timeout: 30_000 }).toBe(unreadBefore + 1);
  await page.getByTestId('notification-bell').click();
  const drawer = page.getByRole('dialog');
  const sent = drawer
    .getByRole('listitem')
    .filter({ hasText: '邀请已发送' })
    .filter({ hasText: member.name });
  await expect(sent).toBeVisible();
  await sent.getByRole('button', { name: '标为已读' }).click();
  await expect(sent.getByRole('button', { name: '标为已读' })).toHaveCount(0);
  await expect.poll(unreadCount).toBe(unreadBefore);
  await page.keyboard.press('Escape');

  // The member, in a browser of their own, opens the link, chooses username and password, and joins.
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await memberPage.goto(link.pathname);
  await expect(memberPage.getByText(branchName).first()).toBeVisible();
  await memberPage.getByLabel('用户名', { exact: true }).fill(member.username);
  await memberPage.getByLabel('密码', { exact: true }).fill(member.password);
  await memberPage.getByLabel('确认密码').fill(member.password);
  await memberPage.getByRole('button', { name: '设置密码并加入' }).click();
  await expect(memberPage.getByTestId('my-branches')).toContainText(branchName);
  await expect(memberPage.getByTestId('user-menu')).toContainText(member.name);
  // A plain member has no management entry.
  await expect(memberPage.getByTestId('main-nav').getByText('频道', { exact: true })).toBeVisible();
  await expect(memberPage.getByTestId('main-nav').getByText('管理', { exact: true })).toHaveCount(0);
  await memberPage.screenshot({ path: path.join(screenshots, 'main-layout.png') });

  // English is one click away, and the choice is stored on the account (PATCH /me), not only locally.
  await memberPage.getByTestId('language-switch').hover();
  await memberPage.getByText('English', { exact: true }).click();
  await expect(memberPage.getByTestId('main-nav').getByText('Channels', { exact: true })).toBeVisible();
  await memberPage.getByTestId('user-menu').hover();
  await memberPage.getByText('Sign out').click();
  await expect(memberPage).toHaveURL(/\/login$/);
  await memberPage.evaluate(() => localStorage.clear());

  // Signing in again with the new password: same branch, English from the account.
  await memberPage.reload();
  await signIn(memberPage, member.username, member.password);
  await expect(memberPage.getByTestId('my-branches')).toContainText(branchName);
  await expect(memberPage.getByTestId('main-nav').getByText('Channels', { exact: true })).toBeVisible();

  // The link is single-use.
  await memberContext.clearCookies();
  const third = await browser.newContext();
  const thirdPage = await third.newPage();
  await thirdPage.goto(link.pathname);
  await expect(thirdPage.getByTestId('invite-invalid')).toBeVisible();
  await third.close();
  await memberContext.close();

  // Back on the admin's side the invitation is accepted and the member is listed.
  await page.reload();
  await expect(page.getByTestId('invitations-table')).toContainText('已接受');
  await page.getByTestId('admin-sections').getByText('党员管理').click();
  await expect(page.getByTestId('members-table')).toContainText(member.name);
});

test('an expired access token is refreshed once for concurrent requests; a revoked session signs out', async ({
  page,
}) => {
  await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password);
  const stored = async () =>
    page.evaluate(
      () => JSON.parse(localStorage.getItem('zhibu.session') ?? 'null') as { refreshToken: string } | null,
    );
  const before = await stored();
  expect(before?.refreshToken).toBeTruthy();

  // The first three API calls the page makes on load (/me, /me/memberships, unread count…) are held until
  // all three have arrived, then answered together as if the access token had expired: three concurrent
  // 401s. Everything else goes to the real server.
  const expired = {
    status: 401,
    contentType: 'application/json',
    body: JSON.stringify({ code: 'TOKEN_EXPIRED', message: 'The token has expired' }),
  };
  let expireNext = 3;
  const held: Route[] = [];
  await page.route(
    (url) => url.pathname.startsWith('/api/v1/') && !url.pathname.startsWith('/api/v1/auth/'),
    async (route) => {
      if (expireNext === 0) return route.continue();
      expireNext -= 1;
      held.push(route);
      if (expireNext === 0) await Promise.all(held.splice(0).map((r) => r.fulfill(expired)));
    },
  );
  const refreshes: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/auth/refresh')) refreshes.push(request.url());
  });

  await page.reload();
  await expect(page.getByTestId('main-nav')).toBeVisible();
  await expect.poll(() => expireNext).toBe(0);
  await expect.poll(async () => (await stored())?.refreshToken).not.toBe(before?.refreshToken);
  // Single flight: three expired answers, one rotation. Two rotations of one token would be reuse.
  expect(refreshes).toHaveLength(1);
  await expect(page.getByTestId('user-menu')).toBeVisible();

  // Someone replays the old refresh token: the server revokes the whole family. The next time this tab
  // needs a new access token, the refresh is refused and the tab signs out.
  const replay = await page.request.post('/api/v1/auth/refresh', {
    data: { refreshToken: before?.refreshToken },
  });
  expect(replay.status()).toBe(401);
  expect((await replay.json()).code).toBe('REFRESH_REUSED');
  expireNext = 1;
  await page.getByTestId('notification-bell').click();
  await expect(page).toHaveURL(/\/login$/);
  expect(await stored()).toBeNull();
});

test('a resident registers themselves and sees only grid issues', async ({ page }) => {
  const username = `resident_${Date.now().toString(36).slice(-6)}`;
  await page.goto('/login');
  await page.getByRole('link', { name: '注册账号' }).click();
  await expect(page).toHaveURL(/\/register$/);
  await page.getByLabel('用户名', { exact: true }).fill(username);
  await page.getByLabel('姓名').fill('周阿姨');
  await page.getByLabel('密码', { exact: true }).fill('resident-password-1');
  await page.getByLabel('确认密码').fill('resident-password-2');
  await page.getByRole('button', { name: /注\s*册/ }).click();
  await expect(page.getByText('两次输入的密码不一致')).toBeVisible();
  await page.getByLabel('确认密码').fill('resident-password-1');
  await page.getByRole('button', { name: /注\s*册/ }).click();

  await expect(page).toHaveURL(/\/grid/);
  const nav = page.getByTestId('main-nav');
  await expect(nav.getByText('网格事项', { exact: true })).toBeVisible();
  for (const hidden of ['频道', '组织生活', '学习', '看板', '管理']) {
    await expect(nav.getByText(hidden, { exact: true })).toHaveCount(0);
  }
  // The admin pages are not reachable by URL either.
  await page.goto('/admin/members');
  await expect(page).toHaveURL(/\/grid/);
  await expect(page.getByTestId('user-menu')).toContainText('周阿姨');
});

test('a secretary-level admin edits a member, removes them, and revokes a pending invitation', async ({
  page,
}) => {
  await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password);
  const token = await page.evaluate(
    () => (JSON.parse(localStorage.getItem('zhibu.session') ?? '{}') as { accessToken?: string }).accessToken,
  );
  const headers = { authorization: `Bearer ${token}` };
  const post = async <T>(url: string, data: unknown, auth = true): Promise<T> => {
    const response = await page.request.post(url, { data, headers: auth ? headers : {} });
    expect(response.ok(), `${url}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  };
  const suffix = Date.now().toString(36).slice(-5);
  const committee = await post<{ id: string }>('/api/v1/committees', { name: `互联网行业党委 ${suffix}` });
  const branch = await post<{ id: string }>('/api/v1/branches', {
    committeeId: committee.id,
    name: `杭州互联网虚拟党支部 ${suffix}`,
    virtual: true,
  });
  const invite = (displayName: string) =>
    post<{ token: string }>(`/api/v1/branches/${branch.id}/invitations`, {
      displayName,
      employer: '网易',
      industry: '互联网',
      region: '杭州',
    });
  const joined = await invite('陈静');
  await post(
    `/api/v1/invitations/${joined.token}/accept`,
    { username: `chenjing_${suffix}`, password: 'chenjing-2026-pw' },
    false,
  );
  await invite('吴磊');

  // Members: filter, edit role and status, remove.
  await page.goto(`/admin/members?branchId=${branch.id}`);
  const table = page.getByTestId('members-table');
  const row = table.getByRole('row').filter({ hasText: '陈静' });
  await expect(row).toContainText('网易');
  await expect(row).toContainText('党员');
  await row.getByRole('button', { name: /编\s*辑/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('支部职务').click();
  await pickOption(page, '支委');
  await dialog.getByLabel('党员类别').click();
  await pickOption(page, '预备党员');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('支委');
  await expect(row).toContainText('预备党员');

  await page.getByRole('combobox', { name: '支部职务' }).click();
  await pickOption(page, '书记');
  await page.getByRole('button', { name: /搜\s*索/ }).click();
  await expect(table).not.toContainText('陈静');
  await page.getByRole('button', { name: /重\s*置/ }).click();
  await expect(row).toBeVisible();

  await row.getByRole('button', { name: /移\s*除/ }).click();
  await page
    .getByRole('tooltip')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await expect(table).not.toContainText('陈静');

  // Invitations: the pending one is revoked.
  await page.getByTestId('admin-sections').getByText('邀请成员').click();
  await expect(page).toHaveURL(new RegExp(`branchId=${branch.id}`));
  const pending = page.getByTestId('invitations-table').getByRole('row').filter({ hasText: '吴磊' });
  await expect(pending).toContainText('待接受');
  await pending.getByRole('button', { name: /撤\s*销/ }).click();
  await page
    .getByRole('tooltip')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await expect(pending).toContainText('已撤销');
});
