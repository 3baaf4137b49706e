import type { ObjectId } from 'mongodb';
import nodemailer from 'nodemailer';
import type { AppContext } from '../../context.js';
import type { WorkCalendar } from './calendar.js';
import type { Notifier } from './notify.js';

/**
 * The daily digest for people who were away: everyone with notifications of `day` (Shanghai) still
 * unread gets one summary notification (deterministic id per user and day), and an email when SMTP is
 * configured and the account has an address.
 */
export async function sendDailyDigest(
  ctx: AppContext,
  notifier: Notifier,
  calendar: WorkCalendar,
  day: string,
): Promise<{ users: number; emails: number }> {
  const from = calendar.at(day, 0);
  const to = new Date(from.getTime() + 86_400_000);
  const unread = await ctx.db
    .collection<{ _id: string; userId: ObjectId; kind: string; title: string }>('notifications')
    .find({ read: false, createdAt: { $gte: from, $lt: to }, kind: { $ne: 'digest.daily' } })
    .project<{ userId: ObjectId; title: string }>({ userId: 1, title: 1 })
    .toArray();
  const byUser = new Map<string, string[]>();
  for (const n of unread) {
    const id = n.userId.toHexString();
    byUser.set(id, [...(byUser.get(id) ?? []), n.title]);
  }
  const mailer = ctx.config.SMTP_URL ? nodemailer.createTransport(ctx.config.SMTP_URL) : null;
  let emails = 0;
  for (const [userId, titles] of [...byUser].sort(([a], [b]) => a.localeCompare(b))) {
    const body = titles.slice(0, 10).join('\n') + (titles.length > 10 ? `\n… 共 ${titles.length} 条` : '');
    const first = await notifier.notify({
      id: `digest_${day}_${userId}`,
      userId,
      kind: 'digest.daily',
      title: `${day} 未读提醒 ${titles.length} 条`,
      body,
      link: '/notifications',
      data: { day, count: titles.length },
    });
    if (!first || !mailer) continue;
    const user = await ctx.db
      .collection<{ _id: ObjectId; email?: string }>('users')
      .findOne(
        { _id: unread.find((n) => n.userId.toHexString() === userId)!.userId },
        { projection: { email: 1 } },
      );
    if (user?.email) {
      await mailer.sendMail({
        from: 'Zhibu 云支部 <noreply@zhibu.local>',
        to: user.email,
        subject: `云支部每日提醒 ${day}`,
        text: body,
      });
      emails++;
    }
  }
  return { users: byUser.size, emails };
}
