import { type APIRequestContext, type Browser, expect, type Page, test } from '@playwright/test';
import { signIn, token } from './support/session.js';
import { E2E_ADMIN } from './support/stack.js';

/** A branch with two members, created through the admin API and invitations. */
async function seed(request: APIRequestContext) {
  const suffix = Date.now().toString(36).slice(-5);
  const admin = { authorization: `Bearer ${await token(request, E2E_ADMIN.username, E2E_ADMIN.password)}` };
  const committee = await (
    await request.post('/api/v1/committees', { headers: admin, data: { name: `频道测试党委${suffix}` } })
  ).json();
  const branch = await (
    await request.post('/api/v1/branches', {
      headers: admin,
      data: { committeeId: committee.id, name: `聊天支部${suffix}`, virtual: true },
    })
  ).json();
  const accounts: Record<string, { username: string; password: string; name: string }> = {};
  for (const p of [
    { key: 'zhao', name: '赵一' },
    { key: 'qian', name: '钱二' },
  ]) {
    const username = `${p.key}_${suffix}`;
    const password = `${p.key}-password-2026`;
    const inv = await request.post(`/api/v1/branches/${branch.id}/invitations`, {
      headers: admin,
      data: { displayName: p.name, username, role: 'member' },
    });
    expect(inv.status()).toBe(201);
    const { token: invitation } = (await inv.json()) as { token: string };
    const accepted = await request.post(`/api/v1/invitations/${invitation}/accept`, {
      data: { username, password },
    });
    expect(accepted.ok()).toBeTruthy();
    accounts[p.key] = { username, password, name: p.name };
  }
  return { branchName: branch.name as string, zhao: accounts.zhao!, qian: accounts.qian! };
}

async function member(browser: Browser, account: { username: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, account.username, account.password);
  return { context, page };
}

const channelItem = (page: Page, name: string) =>
  page
    .getByTestId('channel-list')
    .locator('.zb-chat-channel-item[data-kind="branch"]')
    .filter({ hasText: `# ${name}` });

test('two members chat live, reply in a thread, react, and the unread badge behaves', async ({
  browser,
  request,
}) => {
  // Two browsers plus a seeded branch on two shared cores: allow more than the default minute.
  test.setTimeout(150_000);
  const { branchName, zhao, qian } = await seed(request);
  const a = await member(browser, zhao);
  const b = await member(browser, qian);

  // Zhao opens the branch channel; Qian stays on the channel list (another channel or none open).
  await a.page.goto('/channels');
  await channelItem(a.page, branchName).click();
  await expect(a.page.getByTestId('channel-title')).toHaveText(branchName);
  await b.page.goto('/channels');
  await expect(channelItem(b.page, branchName)).toBeVisible();

  const composerA = a.page.getByTestId('composer').locator('textarea');
  await composerA.fill('大家好，今晚八点线上组织生活会');
  await composerA.press('Enter');
  await expect(a.page.getByTestId('message-list')).toContainText('今晚八点线上组织生活会');
  await composerA.fill('请提前阅读学习材料 https://example.org/study');
  await composerA.press('Enter');

  // Qian, not in the channel, sees the unread badge count up live.
  await expect(channelItem(b.page, branchName).getByTestId('unread-badge')).toContainText('2');

  // Opening the channel shows the messages and clears the badge.
  await channelItem(b.page, branchName).click();
  await expect(b.page.getByTestId('message-list')).toContainText('今晚八点线上组织生活会');
  await expect(channelItem(b.page, branchName).getByTestId('unread-badge')).toHaveCount(0);
  // Links are links, never HTML.
  await expect(b.page.getByRole('link', { name: 'https://example.org/study' })).toHaveAttribute(
    'rel',
    /noopener/,
  );

  // Live in both directions.
  const composerB = b.page.getByTestId('composer').locator('textarea');
  await composerB.fill('收到，准时参加');
  await composerB.press('Enter');
  await expect(a.page.getByTestId('message-list')).toContainText('收到，准时参加');

  // Qian replies in a thread under Zhao's first message.
  const first = b.page.locator('.zb-chat-message').filter({ hasText: '今晚八点线上组织生活会' });
  await first.hover();
  await first.getByRole('button', { name: '回复话题' }).click();
  const thread = b.page.getByTestId('thread-panel');
  await expect(thread).toBeVisible();
  const threadComposer = thread.getByTestId('composer').locator('textarea');
  await threadComposer.fill('我负责记录会议');
  await threadComposer.press('Enter');
  await expect(thread).toContainText('我负责记录会议');
  // Zhao sees the reply count appear under the root, live.
  const rootOnA = a.page.locator('.zb-chat-message').filter({ hasText: '今晚八点线上组织生活会' });
  await expect(rootOnA.getByText('1 条回复')).toBeVisible();

  // Zhao reacts to Qian's message; Qian sees the reaction live.
  const reply = a.page.locator('.zb-chat-message').filter({ hasText: '收到，准时参加' });
  await reply.hover();
  await reply.getByRole('button', { name: '添加回应' }).click();
  await a.page.locator('.zb-chat-emoji-grid').getByText('👍').click();
  await expect(
    b.page
      .locator('.zb-chat-message')
      .filter({ hasText: '收到，准时参加' })
      .getByRole('button', { name: '👍 1' }),
  ).toBeVisible();

  await a.context.close();
  await b.context.close();
});
