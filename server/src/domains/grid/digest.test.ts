import { describe, expect, it } from 'vitest';
import { buildDigestMail, DIGEST_FROM, digestText } from './digest.js';

describe('daily digest e-mail', () => {
  it('lists the titles, names the day and count, and links to the notifications page', () => {
    const mail = buildDigestMail({
      day: '2026-03-02',
      to: 'zhang@example.org',
      displayName: '张三',
      titles: ['新的网格事件：路灯不亮', '事件已办结：井盖破损'],
      appUrl: 'https://zhibu.example.org/',
    });
    expect(mail.from).toBe(DIGEST_FROM);
    expect(mail.to).toBe('zhang@example.org');
    expect(mail.subject).toBe('云支部每日提醒 2026-03-02：2 条未读');
    expect(mail.text).toContain('张三，您好');
    expect(mail.text).toContain('• 新的网格事件：路灯不亮\n• 事件已办结：井盖破损');
    expect(mail.text).toContain('https://zhibu.example.org/notifications');
  });

  it('lists at most ten titles and says how many there are', () => {
    const titles = Array.from({ length: 13 }, (_, i) => `提醒 ${i + 1}`);
    const text = digestText(titles);
    expect(text.split('\n')).toHaveLength(11);
    expect(text).toContain('• 提醒 10');
    expect(text).not.toContain('提醒 11');
    expect(text.endsWith('… 共 13 条')).toBe(true);
  });

  it('asks to sign in when the app address is unknown', () => {
    const mail = buildDigestMail({ day: '2026-03-02', to: 'a@b.cn', displayName: 'A', titles: ['x'] });
    expect(mail.text).toContain('请登录云支部查看全部提醒');
    expect(mail.text).not.toContain('http');
  });
});
