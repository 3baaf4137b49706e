import { type APIRequestContext, type Browser, expect, type Page, test } from '@playwright/test';
import sharp from 'sharp';
import { signIn } from './support/session.js';
import { E2E_ADMIN } from './support/stack.js';

/** The org a grid issue needs, made through the admin API: a grid, the safety department, its staff, a rule. */
async function setUp(request: APIRequestContext, suffix: string) {
  const login = await request.post('/api/v1/auth/login', { data: E2E_ADMIN });
  expect(login.status()).toBe(200);
  const headers = { authorization: `Bearer ${(await login.json()).accessToken as string}` };
  const post = async (url: string, data: object) => {
    const res = await request.post(url, { headers, data });
    expect(res.status(), `${url}: ${await res.text()}`).toBeLessThan(300);
    return res.json();
  };
  const committee = await post('/api/v1/committees', { name: `幸福街道党工委 ${suffix}` });
  const grid = await post('/api/v1/grids', { name: `幸福小区网格 ${suffix}`, committeeId: committee.id });
  const safety = await post('/api/v1/departments', { name: `安监办 ${suffix}` });
  const staff = { username: `anjian_${suffix}`, password: 'anjian-password-2026' };
  const staffUser = await post('/api/v1/users', { ...staff, displayName: '安监办小王', role: 'user' });
  await post(`/api/v1/departments/${safety.id}/staff`, { userId: staffUser.id });
  await post('/api/v1/grid/rules', {
    priority: 1,
    category: 'hazard',
    gridIds: [],
    keywords: [],
    departmentId: safety.id,
    enabled: true,
  });
  const resident = { username: `jumin_${suffix}`, password: 'jumin-password-2026' };
  const registered = await request.post('/api/v1/auth/register', {
    data: { ...resident, displayName: '居民老张' },
  });
  expect(registered.status()).toBe(201);
  return { grid, safety, staff, resident };
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test('a resident reports a broken traffic barrier; the safety department sees it arrive live, accepts and resolves it; the resident sees the outcome and rates it', async ({
  browser,
  request,
}) => {
  const suffix = Date.now().toString(36).slice(-5);
  const org = await setUp(request, suffix);
  const title = `小区北门交通道闸损坏 ${suffix}`;

  // Second browser: the safety department's staff watches its inbox.
  const staff = await newPage(browser);
  await signIn(staff, org.staff.username, org.staff.password);
  await staff.goto('/grid/department');
  const inbox = staff.getByTestId('grid-list-department');
  await expect(inbox).toBeVisible();
  await expect(inbox.getByText(title)).toHaveCount(0);

  // First browser: the resident reports from the form (phone-sized window).
  const resident = await newPage(browser);
  await resident.setViewportSize({ width: 390, height: 844 });
  await signIn(resident, org.resident.username, org.resident.password);
  await resident.goto('/grid/report');
  const form = resident.getByTestId('grid-report-form');
  await form.getByTestId('grid-title').fill(title);
  await form.getByTestId('grid-description').fill('道闸抬杆无法抬起，车辆进出拥堵');
  await form.getByTestId('grid-grid').click();
  await resident.getByTitle(org.grid.name).click();
  await form.getByTestId('grid-address').fill('幸福路 88 号北门');
  // A photo from the phone's gallery: uploaded at once, previewed in the form.
  const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#d4380d' } })
    .jpeg()
    .toBuffer();
  await form.getByTestId('grid-photo-input').setInputFiles({
    name: 'daozha.jpg',
    mimeType: 'image/jpeg',
    buffer: photo,
  });
  await expect(form.getByTestId('grid-photo-uploaded')).toHaveCount(1);
  await form.getByTestId('grid-submit').click();
  await expect(resident).toHaveURL(/\/grid\/issues\/[0-9a-f]{24}$/);
  await expect(resident.getByTestId('grid-issue-title')).toHaveText(title);
  await expect(resident.getByTestId('grid-photos').locator('img')).toHaveCount(1);

  // The staff's inbox shows it without a reload (workers route it and push over Socket.IO).
  await expect(inbox.getByText(title)).toBeVisible({ timeout: 20_000 });
  await inbox.getByText(title).click();
  await expect(staff.getByTestId('grid-issue-title')).toHaveText(title);
  // The handling department sees the photo's thumbnail and opens the full-size preview.
  const thumb = staff.getByTestId('grid-photos').locator('img');
  await expect(thumb).toHaveCount(1);
  await expect
    .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
  await thumb.click();
  const preview = staff.locator('.ant-image-preview-img');
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
  await staff.keyboard.press('Escape');
  await staff.getByTestId('grid-action-accept').click();
  await expect(staff.getByTestId('grid-status')).toHaveText('办理中');
  await staff.getByTestId('grid-action-resolve').click();
  await staff.getByTestId('grid-action-text').fill('已更换道闸电机，恢复正常通行');
  await staff.locator('#grid-action-ok').click();
  await expect(staff.getByTestId('grid-status')).toHaveText('已办结');

  // The resident sees the outcome (live) and rates it; the issue closes.
  await expect(resident.getByTestId('grid-outcome')).toHaveText('已更换道闸电机，恢复正常通行', {
    timeout: 20_000,
  });
  await resident.getByTestId('grid-action-rate').click();
  await resident.locator('#grid-action-ok').click();
  await expect(resident.getByTestId('grid-status')).toHaveText('已关闭');
  await expect(resident.getByTestId('grid-timeline')).toContainText('上报人评价');
});

test('an admin draws a grid as a list of coordinates; a located report lands in it', async ({
  browser,
  request,
}) => {
  const suffix = Date.now().toString(36).slice(-5);
  const org = await setUp(request, `a${suffix}`);
  const admin = await newPage(browser);
  await signIn(admin, E2E_ADMIN.username, E2E_ADMIN.password);
  await admin.goto('/admin/grids');
  const row = admin.getByRole('row', { name: new RegExp(org.grid.name) });
  await row.getByRole('button', { name: '区域' }).click();
  const rings = admin.getByTestId('grid-area-rings');
  await expect(rings).toBeVisible();
  // A typo is caught before anything is sent.
  await rings.fill('121.47,31.23\n121.48 31.23x');
  await admin.getByRole('button', { name: /保\s*存/ }).click();
  await expect(admin.getByTestId('grid-area-error')).toContainText('第 2 行');
  await rings.fill('121.47,31.23\n121.48,31.23\n121.48,31.24\n121.47,31.24');
  await admin.screenshot({ path: `${process.env.ZHIBU_E2E_OUTPUT ?? '/tmp'}/grid-area.png` });
  await admin.getByRole('button', { name: /保\s*存/ }).click();
  await expect(rings).toBeHidden();

  // Reopened, the ring is shown as entered (closed on the server, shown open again).
  await row.getByRole('button', { name: '区域' }).click();
  await expect(admin.getByTestId('grid-area-rings')).toHaveValue(
    '121.47,31.23\n121.48,31.23\n121.48,31.24\n121.47,31.24',
  );

  // A report with a location inside the polygon gets the grid without choosing it.
  const login = await request.post('/api/v1/auth/login', { data: org.resident });
  const headers = { authorization: `Bearer ${(await login.json()).accessToken as string}` };
  const reported = await request.post('/api/v1/grid/issues', {
    headers,
    data: {
      category: 'opinion',
      title: `建议增设座椅 ${suffix}`,
      description: '小区中心花园',
      address: '幸福路 88 号',
      location: { lat: 31.235, lng: 121.475 },
    },
  });
  expect(reported.status()).toBe(201);
  expect((await reported.json()).gridId).toBe(org.grid.id);
});

test('a resident gives an e-mail address for the daily reminder digest from the user menu', async ({
  browser,
  request,
}) => {
  const suffix = Date.now().toString(36).slice(-5);
  const org = await setUp(request, `m${suffix}`);
  const page = await newPage(browser);
  await signIn(page, org.resident.username, org.resident.password);
  await page.getByTestId('user-menu').hover();
  await page.getByRole('menuitem', { name: '提醒邮箱' }).click();
  const field = page.getByTestId('my-email');
  await field.fill('laozhang@');
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await expect(page.getByText('请输入有效的邮箱地址')).toBeVisible();
  await field.fill('laozhang@example.org');
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await expect(field).toBeHidden();

  const login = await request.post('/api/v1/auth/login', { data: org.resident });
  const me = await request.get('/api/v1/me', {
    headers: { authorization: `Bearer ${(await login.json()).accessToken as string}` },
  });
  expect((await me.json()).email).toBe('laozhang@example.org');
});
