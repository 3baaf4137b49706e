import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Working days in Asia/Shanghai (UTC+8, no daylight saving) following the State Council holiday and
 * 调休 arrangement. Days are 'YYYY-MM-DD' strings; times are real instants (Date).
 */
export interface CalendarData {
  holidays: readonly string[];
  workdays: readonly string[];
}

export interface WorkCalendar {
  isWorkingDay(day: string): boolean;
  /** The n-th working day strictly after `day` (n ≥ 1). */
  addWorkingDays(day: string, n: number): string;
  /** The calendar day in Shanghai of an instant. */
  dayOf(at: Date): string;
  /** The instant of hh:mm Shanghai time on `day`. */
  at(day: string, hour: number, minute?: number): Date;
}

const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

const parseDay = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const formatDay = (utcMidnight: number): string => new Date(utcMidnight).toISOString().slice(0, 10);

export function createCalendar(data: CalendarData): WorkCalendar {
  const holidays = new Set(data.holidays);
  const workdays = new Set(data.workdays);
  const isWorkingDay = (day: string): boolean => {
    if (workdays.has(day)) return true;
    if (holidays.has(day)) return false;
    const weekday = new Date(parseDay(day)).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  };
  return {
    isWorkingDay,
    addWorkingDays(day, n) {
      let t = parseDay(day);
      let left = Math.max(1, Math.floor(n));
      // A year has at most a couple of weeks off in a row; the bound only guards against bad data.
      for (let guard = 0; guard < 3660; guard++) {
        t += DAY_MS;
        if (isWorkingDay(formatDay(t)) && --left === 0) return formatDay(t);
      }
      throw new Error(`no working day found after ${day}`);
    },
    dayOf: (at) => formatDay(Math.floor((at.getTime() + OFFSET_MS) / DAY_MS) * DAY_MS),
    at: (day, hour, minute = 0) => new Date(parseDay(day) - OFFSET_MS + (hour * 60 + minute) * 60_000),
  };
}

function isDayList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d));
}

/** Reads every `<year>.json` of a folder (default: server/data/holidays); a malformed file stops the boot. */
export function loadCalendarData(dir?: string): CalendarData {
  const folder = dir ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/holidays');
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (const file of readdirSync(folder).filter((f) => /^\d{4}\.json$/.test(f))) {
    const parsed: unknown = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
    const record = parsed as Record<string, unknown>;
    if (!isDayList(record.holidays) || !isDayList(record.workdays)) {
      throw new Error(`holiday calendar ${file}: "holidays" and "workdays" must be lists of YYYY-MM-DD`);
    }
    holidays.push(...record.holidays);
    workdays.push(...record.workdays);
  }
  return { holidays, workdays };
}

let defaultCalendar: WorkCalendar | undefined;
/** The calendar from the data folder, read once per process. */
export function defaultWorkCalendar(): WorkCalendar {
  defaultCalendar ??= createCalendar(loadCalendarData());
  return defaultCalendar;
}
