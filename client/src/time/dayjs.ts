import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import type { Locale } from '@zhibu/shared';
import relativeTime from 'dayjs/plugin/relativeTime';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);

let zone = 'Asia/Shanghai';

/** Called when the user (and so their time zone and language) is known or changes. */
export function configureTime(timeZone: string | undefined, locale: Locale): void {
  zone = timeZone || 'Asia/Shanghai';
  dayjs.locale(locale === 'en' ? 'en' : 'zh-cn');
}

/** A timestamp from the API, in the user's time zone. */
export function inUserZone(iso: string | Date): dayjs.Dayjs {
  return dayjs(iso).tz(zone);
}

export function formatDateTime(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return inUserZone(iso).format('YYYY-MM-DD HH:mm');
}

export function formatDate(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return inUserZone(iso).format('YYYY-MM-DD');
}

export function fromNow(iso: string | Date): string {
  return inUserZone(iso).fromNow();
}

export const userTimeZone = (): string => zone;

export { dayjs };
