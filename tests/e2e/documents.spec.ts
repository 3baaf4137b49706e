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

test('two members co-edit minutes and see each other; submitting and approving turn their editors read-only live, reopening makes them editable again', async ({
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

  // The secretary submits in a third browser context: from then on only the branch leaders write, so the
  // members' open editors turn read-only live (the server closes their connections with ACCESS_READ and
  // they reconnect as viewers), with no reload.
  const secretary = await openAs(browser, accounts.secretary!, doc.id);
  await expect(zhang.page.getByTestId('doc-bold')).toBeEnabled();
  await secretary.page.getByTestId('doc-action-submit').click();
  await expect(secretary.page.getByTestId('doc-status')).toHaveText('已提交');
  for (const member of [zhang, li]) {
    await expect(member.content).toHaveAttribute('contenteditable', 'false');
    await expect(member.page.getByTestId('doc-readonly')).toBeVisible();
    await expect(member.page.getByTestId('doc-readonly-banner')).toBeVisible();
    await expect(member.page.getByTestId('doc-bold')).toBeDisabled();
    await expect(member.page.getByTestId('doc-connection')).toHaveAttribute('data-status', 'connected', {
      timeout: 15_000,
    });
  }
  // The secretary, a leader, still writes.
  await expect(secretary.content).toHaveAttribute('contenteditable', 'true');

  await secretary.page.getByTestId('doc-action-approve').click();
  await expect(secretary.page.getByTestId('doc-status')).toHaveText('已审批');
  await expect(secretary.content).toHaveAttribute('contenteditable', 'false');
  await expect(secretary.page.getByTestId('doc-bold')).toBeDisabled();

  // Zhang's open editor shows the approval at once, still read-only, without a reload.
  await expect(zhang.page.getByTestId('doc-status')).toHaveText('已审批');
  await expect(zhang.content).toHaveAttribute('contenteditable', 'false');
  await expect(zhang.page.getByTestId('doc-readonly')).toBeVisible();
  await expect(li.content).toHaveAttribute('contenteditable', 'false');

  // The secretary reopens with a reason: the members' editors turn editable again, live.
  await secretary.page.getByTestId('doc-action-reopen').click();
  await secretary.page.getByTestId('doc-reopen-reason').fill('决议措辞需要修改');
  await secretary.page.getByRole('button', { name: /确\s*定|OK/ }).click();
  await expect(secretary.page.getByTestId('doc-status')).toHaveText('草稿');
  for (const member of [zhang, li]) {
    await expect(member.page.getByTestId('doc-status')).toHaveText('草稿');
    await expect(member.content).toHaveAttribute('contenteditable', 'true');
    await expect(member.page.getByTestId('doc-readonly')).toHaveCount(0);
    await expect(member.page.getByTestId('doc-bold')).toBeEnabled();
  }
  await expect(zhang.page.getByTestId('doc-connection')).toHaveAttribute('data-status', 'connected', {
    timeout: 15_000,
  });
  await zhang.content.getByText('主持人：').click();
  await zhang.page.keyboard.press('End');
  await zhang.page.keyboard.type('王书记');
  await expect(li.content).toContainText('主持人：王书记');

  // The approved version is kept (after reopening too) and renders read-only in the real editor, headings included.
  await zhang.page.getByTestId('doc-versions').click();
  await zhang.page.getByTestId('version-item').filter({ hasText: 'approved' }).click();
  const preview = zhang.page.getByTestId('version-preview-editor');
  await expect(preview).toContainText('时间：2026年11月26日 14:00');
  await expect(preview.locator('h2', { hasText: '议程' })).toHaveCount(1);
  await expect(preview).toHaveAttribute('contenteditable', 'false');

  for (const c of [zhang, li, secretary]) await c.context.close();
});
