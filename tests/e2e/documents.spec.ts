import { type APIRequestContext, type Browser, expect, test } from '@playwright/test';
import { signIn, token } from './support/session.js';
import { E2E_ADMIN } from './support/stack.js';

/** A branch with a secretary and two members (created through invitations), and a minutes document. */
async function seed(request: APIRequestContext) {
  const suffix = Date.now().toString(36).slice(-5);
  const admin = { authorization: `Bearer ${await token(request, E2E_ADMIN.username, E2E_ADMIN.password)}` };
  const committee = await (
    await request.post('/api/v1/committees', { headers: admin, data: { name: `文档测试党委${suffix}` } })
  ).json();
  const branch = await (
    await request.post('/api/v1/branches', {
      headers: admin,
      data: { committeeId: committee.id, name: `协作文档支部${suffix}`, virtual: true },
    })
  ).json();
  const people = [
    { key: 'secretary', name: '王书记', role: 'secretary' },
    { key: 'zhang', name: '张三', role: 'member' },
    { key: 'li', name: '李四', role: 'member' },
  ] as const;
  const accounts: Record<string, { username: string; password: string; name: string }> = {};
  for (const p of people) {
    const username = `${p.key}_${suffix}`;
    const password = `${p.key}-password-2026`;
    const inv = await request.post(`/api/v1/branches/${branch.id}/invitations`, {
      headers: admin,
      data: { displayName: p.name, username, role: p.role },
    });
    expect(inv.status()).toBe(201);
    const { token: invitation } = (await inv.json()) as { token: string };
    const accepted = await request.post(`/api/v1/invitations/${invitation}/accept`, {
      data: { username, password },
    });
    expect(accepted.ok()).toBeTruthy();
    accounts[p.key] = { username, password, name: p.name };
  }
  const secretary = accounts.secretary!;
  const secretaryAuth = {
    authorization: `Bearer ${await token(request, secretary.username, secretary.password)}`,
  };
  const created = await request.post('/api/v1/documents', {
    headers: secretaryAuth,
    data: { kind: 'minutes', branchId: branch.id, title: `支部党员大会会议记录${suffix}` },
  });
  expect(created.status()).toBe(201);
  const doc = (await created.json()) as { id: string; title: string };
  return { accounts, doc };
}

async function openAs(browser: Browser, account: { username: string; password: string }, docId: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, account.username, account.password);
  await page.goto(`/documents/${docId}`);
  // Generous: on a loaded two-core machine the provider may need a reconnect or two.
  await expect(page.getByTestId('doc-connection')).toHaveAttribute('data-status', 'connected', {
    timeout: 30_000,
  });
  return { context, page, content: page.getByTestId('doc-content') };
}

test('two members co-edit minutes and see each other; the secretary approves and the editor turns read-only', async ({
  browser,
  request,
}) => {
  const { accounts, doc } = await seed(request);
  const zhang = await openAs(browser, accounts.zhang!, doc.id);
  const li = await openAs(browser, accounts.li!, doc.id);

  // The server-side template renders as real headings and paragraphs, once, in both editors.
  for (const editor of [zhang, li]) {
    await expect(editor.content.locator('h1')).toHaveText(doc.title);
    await expect(editor.content.locator('h2', { hasText: '议程' })).toHaveCount(1);
    await expect(editor.content.locator('h2', { hasText: '决议' })).toHaveCount(1);
    await expect(editor.content.getByText('主持人：')).toHaveCount(1);
  }

  // Each types into a different line; each sees the other's text.
  await zhang.content.getByText('时间：').click();
  await zhang.page.keyboard.press('End');
  await zhang.page.keyboard.type('2026年11月26日 14:00');
  await li.content.getByText('地点：').click();
  await li.page.keyboard.press('End');
  await li.page.keyboard.type('线上会议室');
  await expect(li.content).toContainText('时间：2026年11月26日 14:00');
  await expect(zhang.content).toContainText('地点：线上会议室');

  // Presence and remote cursors carry the other member's name.
  await expect(zhang.page.locator('[data-testid="doc-peer"][data-name="李四"]')).toHaveCount(1);
  await expect(zhang.page.getByText('李四', { exact: true })).toBeVisible();
  await expect(li.page.getByText('张三', { exact: true })).toBeVisible();

  // The secretary submits and approves in a third browser context.
  const secretary = await openAs(browser, accounts.secretary!, doc.id);
  await secretary.page.getByTestId('doc-action-submit').click();
  await expect(secretary.page.getByTestId('doc-status')).toHaveText('已提交');
  await secretary.page.getByTestId('doc-action-approve').click();
  await expect(secretary.page.getByTestId('doc-status')).toHaveText('已审批');

  // Zhang's open editor turns read-only at once, without a reload.
  await expect(zhang.page.getByTestId('doc-status')).toHaveText('已审批');
  await expect(zhang.content).toHaveAttribute('contenteditable', 'false');
  await expect(zhang.page.getByTestId('doc-readonly')).toBeVisible();
  await expect(li.content).toHaveAttribute('contenteditable', 'false');

  // The approved version is kept and renders read-only in the real editor, headings included.
  await zhang.page.getByTestId('doc-versions').click();
  await zhang.page.getByTestId('version-item').filter({ hasText: 'approved' }).click();
  const preview = zhang.page.getByTestId('version-preview-editor');
  await expect(preview).toContainText('时间：2026年11月26日 14:00');
  await expect(preview.locator('h2', { hasText: '议程' })).toHaveCount(1);
  await expect(preview).toHaveAttribute('contenteditable', 'false');

  for (const c of [zhang, li, secretary]) await c.context.close();
});
