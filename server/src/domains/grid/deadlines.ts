import {
  type DeadlineKind,
  type EscalationStep,
  EscalationSteps,
  type GridCategory,
  type GridStatus,
} from '@zhibu/shared';
import type { WorkCalendar } from './calendar.js';

/** Time limits per category, in working days from assignment: first response, then resolution. */
export const CategoryLimits: Record<GridCategory, { firstResponse: number; resolution: number }> = {
  hazard: { firstResponse: 1, resolution: 5 },
  dispute: { firstResponse: 1, resolution: 10 },
  opinion: { firstResponse: 2, resolution: 10 },
  legalQuestion: { firstResponse: 1, resolution: 5 },
  other: { firstResponse: 2, resolution: 10 },
};

/** Office hours in Shanghai: a deadline falls at the end of a working day, the warning at its start. */
const DAY_START_HOUR = 9;
const DAY_END_HOUR = 18;

export interface DeadlineInput {
  category: GridCategory;
  status: GridStatus;
  /** When the current assignment (or rework cycle) started; null while nobody holds the issue. */
  clockStart: string | null;
  cycle: number;
  firstResponseAt: string | null;
  extensionDays: number;
  firedEscalations: readonly string[];
}

export interface PlannedStep {
  key: string;
  deadline: DeadlineKind;
  step: EscalationStep;
  at: Date;
  dueAt: Date;
}

export interface DeadlinePlan {
  firstResponseDue: Date | null;
  resolutionDue: Date | null;
  /** Steps not fired yet, earliest first. */
  pending: PlannedStep[];
}

export const escalationKey = (cycle: number, deadline: DeadlineKind, step: EscalationStep) =>
  `${cycle}.${deadline}.${step}`;

const HELD: readonly GridStatus[] = ['assigned', 'accepted', 'awaitingInfo'];

/**
 * Deadlines and escalation times of an issue: a warning to the handler at the start of the due day,
 * an urge (催办) at the deadline, supervision (督办) at the end of the next working day. An approved
 * extension moves the resolution deadline by its working days (the clock stands still for them).
 */
export function planDeadlines(input: DeadlineInput, calendar: WorkCalendar): DeadlinePlan {
  if (!input.clockStart || !HELD.includes(input.status)) {
    return { firstResponseDue: null, resolutionDue: null, pending: [] };
  }
  const limits = CategoryLimits[input.category];
  const startDay = calendar.dayOf(new Date(input.clockStart));
  const firstDay = calendar.addWorkingDays(startDay, limits.firstResponse);
  const resolutionDay = calendar.addWorkingDays(startDay, limits.resolution + input.extensionDays);
  const fired = new Set(input.firedEscalations);
  const pending: PlannedStep[] = [];
  const plan = (deadline: DeadlineKind, dueDay: string) => {
    const dueAt = calendar.at(dueDay, DAY_END_HOUR);
    const times: Record<EscalationStep, Date> = {
      warning: calendar.at(dueDay, DAY_START_HOUR),
      urge: dueAt,
      supervision: calendar.at(calendar.addWorkingDays(dueDay, 1), DAY_END_HOUR),
    };
    for (const step of EscalationSteps) {
      const key = escalationKey(input.cycle, deadline, step);
      if (!fired.has(key)) pending.push({ key, deadline, step, at: times[step], dueAt });
    }
  };
  if (input.firstResponseAt === null && input.status === 'assigned') plan('firstResponse', firstDay);
  plan('resolution', resolutionDay);
  pending.sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
  return {
    firstResponseDue: input.firstResponseAt === null ? calendar.at(firstDay, DAY_END_HOUR) : null,
    resolutionDue: calendar.at(resolutionDay, DAY_END_HOUR),
    pending,
  };
}

/** The steps due at `now`, in order. Steps of one deadline fire in order even when several are late. */
export const dueSteps = (plan: DeadlinePlan, now: Date): PlannedStep[] =>
  plan.pending.filter((s) => s.at.getTime() <= now.getTime());
