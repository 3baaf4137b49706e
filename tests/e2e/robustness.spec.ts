import { expect, test } from '@playwright/test';
import { signIn } from './support/session.js';
import { E2E_ADMIN } from './support/stack.js';

test('a lazy page whose chunk is gone (after a redeploy) reloads once, then shows a friendly error with a reload button', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/channels/);
  // Every script and stylesheet loaded so far stays available; any chunk not yet loaded has "changed".
  const loaded = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
  );
  let blocking = true;
  const refused: string[] = [];
  await page.route(
    (url) => url.pathname.startsWith('/assets/'),
    (route) => {
      const pathname = new URL(route.request().url()).pathname;
      if (blocking && !loaded.includes(pathname)) {
        refused.push(pathname);
        return route.fulfill({ status: 404, body: 'gone' });
      }
      return route.continue();
    },
  );
  let documents = 0;
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.resourceType() === 'document') documents += 1;
  });

  await page.getByTestId('main-nav').getByText('管理', { exact: true }).click();
  // One automatic reload, then the guard holds: the error page, translated, inside the layout.
  const failure = page.getByTestId('route-error');
  await expect(failure).toBeVisible({ timeout: 20_000 });
  await expect(failure).toContainText('云支部已更新');
  await expect(page.getByTestId('main-nav')).toBeVisible();
  expect(documents).toBe(1);
  expect(refused.length).toBeGreaterThan(0);
  // No second reload happens by itself.
  await page.waitForTimeout(1500);
  expect(documents).toBe(1);

  // The new chunks are there now: the reload button brings the page back.
  blocking = false;
  await page.getByTestId('route-error-reload').click();
  await expect(page.getByTestId('admin-sections')).toBeVisible();
  expect(documents).toBe(2);
});

test('a committee admin who leads no branch sees the Admin entry; a plain member does not', async ({
  page,
  browser,
}) => {
  const suffix = Date.now().toString(36).slice(-5);
  const login = await page.request.post('/api/v1/auth/login', {
    data: E2E_ADMIN,
  });
  expect(login.status()).toBe(200);
  const headers = { authorization: `Bearer ${(await login.json()).accessToken}` };
  const account = async (username: string, displayName: string) => {
    const res = await page.request.post('/api/v1/users', {
      headers,
      data: { username, displayName, password: 'committee-admin-2026', role: 'user' },
    });
    expect(res.status()).toBe(201);
    return (await res.json()) as { id: string };
  };
  const cadmin = await account(`cadmin_${suffix}`, '区委管理员');
  await account(`plain_${suffix}`, '普通用户');
  const committee = await page.request.post('/api/v1/committees', {
    headers,
    data: { name: `静安区党委 ${suffix}` },
  });
  const committeeId = (await committee.json()).id as string;
  const made = await page.request.post(`/api/v1/committees/${committeeId}/admins`, {
    headers,
    data: { userId: cadmin.id },
  });
  expect(made.status()).toBe(201);

  await signIn(page, `cadmin_${suffix}`, 'committee-admin-2026');
  const nav = page.getByTestId('main-nav');
  await expect(nav.getByText('管理', { exact: true })).toBeVisible();
  await nav.getByText('管理', { exact: true }).click();
  await expect(page.getByTestId('admin-sections')).toBeVisible();

  const other = await browser.newContext();
  const plain = await other.newPage();
  await signIn(plain, `plain_${suffix}`, 'committee-admin-2026');
  await expect(plain.getByTestId('main-nav').getByText('频道', { exact: true })).toBeVisible();
  await expect(plain.getByTestId('main-nav').getByText('管理', { exact: true })).toHaveCount(0);
  await other.close();
});
