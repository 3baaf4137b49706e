import { ObjectId } from 'mongodb';
import nodemailer from 'nodemailer';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import type { WorkCalendar } from './calendar.js';
import type { Notifier } from './notify.js';

export const DIGEST_FROM = 'Zhibu 云支部 <noreply@zhibu.local>';
const LISTED = 10;

/** The summary of one user's unread notifications of a day (notification body and e-mail text). */
export function digestText(titles: readonly string[]): string {
  const listed = titles.slice(0, LISTED).map((t) => `• ${t}`);
  const more = titles.length > LISTED ? [`… 共 ${titles.length} 条`] : [];
  return [...listed, ...more].join('\n');
}

export interface DigestMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** The e-mail of a daily digest. `appUrl` (the public address of the web app), when known, is linked. */
export function buildDigestMail(input: {
  day: string;
  to: string;
  displayName: string;
  titles: readonly string[];
  appUrl?: string | null;
  from?: string;
}): DigestMail {
  const link = input.appUrl ? `${input.appUrl.replace(/\/+$/, '')}/notifications` : null;
  const text = [
    `${input.displayName}，您好：`,
    '',
    `${input.day} 您有 ${input.titles.length} 条未读提醒：`,
    digestText(input.titles),
    '',
    link ? `查看全部：${link}` : '请登录云支部查看全部提醒。',
    '',
    '— 云支部（此邮件由系统自动发送，请勿回复）',
  ].join('\n');
  return {
    from: input.from ?? DIGEST_FROM,
    to: input.to,
    subject: `云支部每日提醒 ${input.day}：${input.titles.length} 条未读`,
    text,
  };
}

export interface Mailer {
  sendMail(mail: DigestMail): Promise<unknown>;
}

/**
 * The daily digest for people who were away: everyone with notifications of `day` (Shanghai) still
 * unread gets one summary notification (deterministic id per user and day), and an e-mail when SMTP is
 * configured and the account has an address. A sent e-mail is recorded under the same deterministic id,
 * after sending: a job retried after a failed or interrupted run sends the ones still missing (a crash
 * between sending and recording may send one twice; none is lost).
 */
export async function sendDailyDigest(
  ctx: AppContext,
  notifier: Notifier,
  calendar: WorkCalendar,
  day: string,
  mailer: Mailer | null = ctx.config.SMTP_URL ? nodemailer.createTransport(ctx.config.SMTP_URL) : null,
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
    const titles = byUser.get(id);
    if (titles) titles.push(n.title);
    else byUser.set(id, [n.title]);
  }
  const sent = ctx.db.collection<{ _id: string; userId: ObjectId; to: string; at: Date }>('digest_emails');
  let emails = 0;
  for (const [userId, titles] of [...byUser].sort(([a], [b]) => a.localeCompare(b))) {
    const id = `digest_${day}_${userId}`;
    await notifier.notify({
      id,
      userId,
      kind: 'digest.daily',
      title: `${day} 未读提醒 ${titles.length} 条`,
      body: digestText(titles),
      link: '/notifications',
      data: { day, count: titles.length },
    });
    if (!mailer) continue;
    const user = await ctx.db
      .collection<{ _id: ObjectId; email?: string | null; displayName: string; disabled?: boolean }>('users')
      .findOne({ _id: new ObjectId(userId) }, { projection: { email: 1, displayName: 1, disabled: 1 } });
    if (!user?.email || user.disabled) continue;
    if (await sent.findOne({ _id: id }, { projection: { _id: 1 } })) continue;
    await mailer.sendMail(
      buildDigestMail({
        day,
        to: user.email,
        displayName: user.displayName,
        titles,
        appUrl: ctx.config.PUBLIC_URL,
        from: ctx.config.SMTP_FROM,
      }),
    );
    try {
      await sent.insertOne({ _id: id, userId: user._id, to: user.email, at: ctx.now() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    emails++;
  }
  return { users: byUser.size, emails };
}
