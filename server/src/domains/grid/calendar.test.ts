import { describe, expect, it } from 'vitest';
import { createCalendar, defaultWorkCalendar } from './calendar.js';
import { planDeadlines } from './deadlines.js';

// A small test calendar: Thu 2030-10-03 is a holiday, Sat 2030-10-05 is a 调休 working day.
const cal = createCalendar({ holidays: ['2030-10-03'], workdays: ['2030-10-05'] });

describe('working-day calendar', () => {
  it('skips weekends and holidays and counts 调休 Saturdays', () => {
    expect(cal.isWorkingDay('2030-10-02')).toBe(true); // Wednesday
    expect(cal.isWorkingDay('2030-10-03')).toBe(false); // holiday
    expect(cal.isWorkingDay('2030-10-05')).toBe(true); // 调休 Saturday
    expect(cal.isWorkingDay('2030-10-06')).toBe(false); // Sunday
    expect(cal.addWorkingDays('2030-10-02', 1)).toBe('2030-10-04');
    expect(cal.addWorkingDays('2030-10-02', 2)).toBe('2030-10-05');
    expect(cal.addWorkingDays('2030-10-02', 3)).toBe('2030-10-07');
  });

  it('maps instants to Shanghai days and back', () => {
    expect(cal.dayOf(new Date('2030-10-02T16:30:00Z'))).toBe('2030-10-03'); // 00:30 in Shanghai
    expect(cal.at('2030-10-04', 18).toISOString()).toBe('2030-10-04T10:00:00.000Z');
  });

  it('reads the State Council calendar shipped with the server', () => {
    const real = defaultWorkCalendar();
    expect(real.isWorkingDay('2026-10-01')).toBe(false); // 国庆
    expect(real.isWorkingDay('2026-10-10')).toBe(true); // 调休 Saturday
    expect(real.isWorkingDay('2026-02-14')).toBe(true); // 春节调休 Saturday
    expect(real.isWorkingDay('2026-02-18')).toBe(false);
  });
});

describe('deadline plan', () => {
  const base = {
    category: 'hazard' as const,
    status: 'accepted' as const,
    clockStart: '2030-10-02T02:00:00.000Z', // Wed 10:00 Shanghai
    cycle: 1,
    firstResponseAt: '2030-10-02T03:00:00.000Z',
    extensionDays: 0,
    firedEscalations: [] as string[],
  };

  it('puts warning, urge and supervision on working days, in order', () => {
    const plan = planDeadlines(base, cal);
    // hazard: 5 working days after Wed 10-02 → 10-04, 10-05(调休), 10-07, 10-08, 10-09.
    expect(plan.resolutionDue?.toISOString()).toBe('2030-10-09T10:00:00.000Z');
    expect(plan.pending.map((p) => [p.step, p.at.toISOString()])).toEqual([
      ['warning', '2030-10-09T01:00:00.000Z'],
      ['urge', '2030-10-09T10:00:00.000Z'],
      ['supervision', '2030-10-10T10:00:00.000Z'],
    ]);
  });

  it('moves the resolution deadline by an approved extension and forgets fired steps', () => {
    const plan = planDeadlines(
      { ...base, extensionDays: 2, firedEscalations: ['1.resolution.warning'] },
      cal,
    );
    expect(plan.resolutionDue?.toISOString()).toBe('2030-10-11T10:00:00.000Z');
    expect(plan.pending.map((p) => p.step)).toEqual(['urge', 'supervision']);
  });

  it('has no deadlines once resolved', () => {
    expect(planDeadlines({ ...base, status: 'resolved' }, cal).pending).toEqual([]);
  });
});
