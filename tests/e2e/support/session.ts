import { type APIRequestContext, expect, type Page } from '@playwright/test';

/** Signs in through the login page (zh-CN) and waits for the main navigation. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名或手机号').fill(username);
  await page.getByLabel('密码').fill(password);
  await page
    .getByRole('button', { name: '登 录' })
    .or(page.getByRole('button', { name: '登录' }))
    .click();
  await expect(page.getByTestId('main-nav')).toBeVisible();
}

/** An access token from the login API, for arranging test data. */
export async function token(request: APIRequestContext, username: string, password: string): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { username, password } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}
