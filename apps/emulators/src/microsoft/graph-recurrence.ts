// patternedRecurrence: validation, the normalised shape Graph echoes back, and expansion into
// occurrence dates (what calendarView does with a series).
// https://learn.microsoft.com/graph/api/resources/patternedrecurrence
// https://learn.microsoft.com/graph/api/resources/recurrencepattern
// https://learn.microsoft.com/graph/api/resources/recurrencerange
import { dateOnly, parseLocal } from './graph-time.js';

export interface RecurrencePattern {
  type: string;
  interval: number;
  month: number;
  dayOfMonth: number;
  daysOfWeek: string[];
  firstDayOfWeek: string;
  index: string;
}

export interface RecurrenceRange {
  type: string;
  startDate: string;
  endDate: string;
  recurrenceTimeZone: string;
  numberOfOccurrences: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

const PATTERN_TYPES = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
const RANGE_TYPES = ['endDate', 'noEnd', 'numbered'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'];
const DAY = 86_400_000;
/** Outlook writes this for "no date" in a recurrence range (numbered and noEnd ranges). */
const NO_DATE = '0001-01-01';

const lowerFirst = (value: string) => value.charAt(0).toLowerCase() + value.slice(1);
const matchEnum = (value: unknown, allowed: string[]) =>
  typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;

/**
 * Validate a client recurrence and fill the defaults Graph echoes (month 0, dayOfMonth 0,
 * firstDayOfWeek sunday, index first, numberOfOccurrences 0, lower-case day names): see the
 * recurring create example in https://learn.microsoft.com/graph/api/user-post-events.
 * Returns an error message instead when the recurrence is invalid.
 */
export function normalizeRecurrence(input: unknown, startTimeZone: string): PatternedRecurrence | string {
  const body = input as { pattern?: Record<string, unknown>; range?: Record<string, unknown> } | null;
  if (!body?.pattern || !body.range) return 'A recurrence needs a pattern and a range.';
  const p = body.pattern;
  const r = body.range;
  const type = matchEnum(p.type, PATTERN_TYPES);
  if (!type) return `Recurrence pattern type '${String(p.type)}' is not supported.`;
  const interval = p.interval === undefined ? 1 : Number(p.interval);
  if (!Number.isInteger(interval) || interval < 1) return 'Recurrence interval must be a positive integer.';
  const daysOfWeek = Array.isArray(p.daysOfWeek) ? p.daysOfWeek.map((d) => matchEnum(d, WEEKDAYS)) : [];
  if (daysOfWeek.some((d) => !d)) return 'Recurrence daysOfWeek contains an invalid day.';
  const pattern: RecurrencePattern = {
    type,
    interval,
    month: Number(p.month ?? 0),
    dayOfMonth: Number(p.dayOfMonth ?? 0),
    daysOfWeek: daysOfWeek as string[],
    firstDayOfWeek: matchEnum(p.firstDayOfWeek ?? 'sunday', WEEKDAYS) ?? 'sunday',
    index: matchEnum(p.index ?? 'first', INDEXES) ?? 'first',
  };
  if (['weekly', 'relativeMonthly', 'relativeYearly'].includes(type) && pattern.daysOfWeek.length === 0) {
    return `A ${type} recurrence needs daysOfWeek.`;
  }
  if (['absoluteMonthly', 'absoluteYearly'].includes(type) && !(pattern.dayOfMonth >= 1 && pattern.dayOfMonth <= 31)) {
    return `A ${type} recurrence needs dayOfMonth.`;
  }
  if (type.endsWith('Yearly') && !(pattern.month >= 1 && pattern.month <= 12)) return `A ${type} recurrence needs month.`;

  const rangeType = matchEnum(r.type, RANGE_TYPES);
  if (!rangeType) return `Recurrence range type '${String(r.type)}' is not supported.`;
  const startDate = typeof r.startDate === 'string' ? r.startDate : '';
  if (parseLocal(startDate) === null || startDate.length !== 10) return 'Recurrence range startDate must be a date (YYYY-MM-DD).';
  const endDate = typeof r.endDate === 'string' ? r.endDate : NO_DATE;
  if (rangeType === 'endDate' && (parseLocal(endDate) === null || endDate < startDate)) {
    return 'Recurrence range endDate must be a date on or after startDate.';
  }
  const numberOfOccurrences = Number(r.numberOfOccurrences ?? 0);
  if (rangeType === 'numbered' && !(Number.isInteger(numberOfOccurrences) && numberOfOccurrences > 0)) {
    return 'A numbered recurrence range needs numberOfOccurrences.';
  }
  const range: RecurrenceRange = {
    type: rangeType,
    startDate,
    endDate: rangeType === 'endDate' ? endDate : NO_DATE,
    recurrenceTimeZone: typeof r.recurrenceTimeZone === 'string' ? r.recurrenceTimeZone : startTimeZone,
    numberOfOccurrences: rangeType === 'numbered' ? numberOfOccurrences : 0,
  };
  return { pattern: { ...pattern, type: lowerFirst(type) }, range };
}

/** The nth (or last) given weekday of a month, as a UTC-midnight millisecond value. */
function relativeDay(year: number, month: number, weekday: number, index: string): number | null {
  if (index === 'last') {
    const last = Date.UTC(year, month + 1, 0);
    return last - (((new Date(last).getUTCDay() - weekday) + 7) % 7) * DAY;
  }
  const first = Date.UTC(year, month, 1);
  const day = first + (((weekday - new Date(first).getUTCDay()) + 7) % 7) * DAY + INDEXES.indexOf(index) * 7 * DAY;
  return new Date(day).getUTCMonth() === month ? day : null;
}

function absoluteDay(year: number, month: number, dayOfMonth: number): number | null {
  const day = Date.UTC(year, month, dayOfMonth);
  return new Date(day).getUTCMonth() === month ? day : null;
}

/** Candidate dates of one period (a day, week, month or year) of the pattern, sorted. */
function datesOfPeriod(pattern: RecurrencePattern, start: number, period: number): number[] {
  const s = new Date(start);
  const weekdays = pattern.daysOfWeek.map((d) => WEEKDAYS.indexOf(d));
  switch (pattern.type) {
    case 'daily':
      return [start + period * pattern.interval * DAY];
    case 'weekly': {
      const firstDay = WEEKDAYS.indexOf(pattern.firstDayOfWeek);
      const weekStart = start - ((s.getUTCDay() - firstDay + 7) % 7) * DAY + period * pattern.interval * 7 * DAY;
      return weekdays.map((w) => weekStart + ((w - firstDay + 7) % 7) * DAY).sort((a, b) => a - b);
    }
    case 'absoluteMonthly':
    case 'relativeMonthly': {
      const months = s.getUTCMonth() + period * pattern.interval;
      const year = s.getUTCFullYear() + Math.floor(months / 12);
      const month = months % 12;
      if (pattern.type === 'absoluteMonthly') return [absoluteDay(year, month, pattern.dayOfMonth)].filter((d): d is number => d !== null);
      return weekdays.map((w) => relativeDay(year, month, w, pattern.index)).filter((d): d is number => d !== null).sort((a, b) => a - b);
    }
    default: {
      const year = s.getUTCFullYear() + period * pattern.interval;
      if (pattern.type === 'absoluteYearly') return [absoluteDay(year, pattern.month - 1, pattern.dayOfMonth)].filter((d): d is number => d !== null);
      return weekdays.map((w) => relativeDay(year, pattern.month - 1, w, pattern.index)).filter((d): d is number => d !== null).sort((a, b) => a - b);
    }
  }
}

/**
 * Occurrence dates (`YYYY-MM-DD`) of a series from its range start up to and including `untilDate`.
 * Numbered ranges count from the first occurrence, not from the window.
 */
export function occurrenceDates(recurrence: PatternedRecurrence, untilDate: string): string[] {
  const start = parseLocal(recurrence.range.startDate) as number;
  const until = Math.min(
    parseLocal(untilDate) ?? start,
    recurrence.range.type === 'endDate' ? (parseLocal(recurrence.range.endDate) as number) : Infinity,
  );
  const limit = recurrence.range.type === 'numbered' ? recurrence.range.numberOfOccurrences : Infinity;
  const dates: string[] = [];
  // 4000 periods cover more than ten years of daily events; enough for any test window.
  for (let period = 0; period < 4000 && dates.length < limit; period += 1) {
    const candidates = datesOfPeriod(recurrence.pattern, start, period);
    if (candidates.length > 0 && candidates[0] > until) break;
    for (const day of candidates) {
      if (day < start || day > until || dates.length >= limit) continue;
      dates.push(dateOnly(day));
    }
  }
  return dates;
}
