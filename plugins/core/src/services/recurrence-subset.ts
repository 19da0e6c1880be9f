// The RRULE subset Switchboard stores, checked the same way for the API, calendar imports and
// listing. rrule expands anything RFC 5545 allows, and some of that never ends in reasonable time
// (FREQ=SECONDLY; a rule no date matches, which rrule scans day by day up to the year 9999), so
// every accepted rule here produces an occurrence at least every few periods and is cheap to expand.
import { DateTime } from 'luxon';
import rrule from 'rrule';

export const MAX_RECURRENCE_LENGTH = 500;
export const MAX_INTERVAL = 1000;
export const MAX_COUNT = 1000;
/** Entries, list windows and UNTIL must fall in these years (UTC); outside them dates are typos or tricks. */
export const FIRST_SUPPORTED_YEAR = 1900;
export const LAST_SUPPORTED_YEAR = 2999;

export const RECURRENCE_SUBSET =
  'FREQ=DAILY, WEEKLY, MONTHLY or YEARLY with INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS or WKST';

const FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const PARTS = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
/** Days per month in a common year; February 29 is handled apart (leap years only). */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The stored form: upper case, without the `RRULE:` prefix. */
export const normalizeRecurrence = (rule: string) => rule.trim().replace(/^RRULE:/i, '').toUpperCase();

const isSupportedYear = (year: number) => year >= FIRST_SUPPORTED_YEAR && year <= LAST_SUPPORTED_YEAR;

/** Is this instant inside the supported years (in UTC)? */
export const isSupportedInstant = (value: Date) => !Number.isNaN(value.getTime()) && isSupportedYear(value.getUTCFullYear());

function integers(value: string, min: number, max: number): number[] | null {
  const list = value.split(',').map((v) => (/^[+-]?\d{1,4}$/.test(v) ? Number(v) : NaN));
  return list.every((n) => Number.isInteger(n) && n !== 0 && Math.abs(n) >= min && Math.abs(n) <= max) ? list : null;
}

function parseByDay(value: string) {
  const days = value.split(',').map((item) => /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item));
  if (days.some((d) => !d)) return null;
  return days.map((d) => ({ ordinal: d![1] === undefined ? null : Number(d![1]), day: d![2] }));
}

function untilProblem(value: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value);
  const [year, month, day, hour, minute, second] = (m?.slice(1) ?? []).map((v) => Number(v ?? 0));
  if (!m || !DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: 'utc' }).isValid) {
    return 'UNTIL must be a date (20261231) or a UTC date-time (20261231T235959Z)';
  }
  return isSupportedYear(year) ? null : `UNTIL must be in the years ${FIRST_SUPPORTED_YEAR} to ${LAST_SUPPORTED_YEAR}`;
}

/** Can a YEARLY rule limited to these months and days ever match, and not only on February 29? */
function yearlyDaysProblem(months: number[], monthDays: number[], interval: number): string | null {
  const fits = (month: number, leap: boolean) =>
    monthDays.some((d) => Math.abs(d) <= MONTH_DAYS[month - 1] + (leap && month === 2 ? 1 : 0));
  if (months.some((m) => fits(m, false))) return null;
  // February 29 alone recurs every four (sometimes eight) years; with an INTERVAL it may never.
  if (interval === 1 && months.some((m) => fits(m, true))) return null;
  return 'BYMONTH and BYMONTHDAY name no day that exists every year (such as 30 February)';
}

/** Why a normalized rule is outside the subset, or null when it is inside. */
export function recurrenceProblem(rule: string): string | null {
  if (rule.length > MAX_RECURRENCE_LENGTH) return `must be at most ${MAX_RECURRENCE_LENGTH} characters`;
  const parts = new Map<string, string>();
  for (const part of rule.split(';').filter(Boolean)) {
    const match = /^([A-Z]+)=([A-Z0-9,+-]+)$/.exec(part);
    if (!match) return `must be an RRULE such as FREQ=WEEKLY;BYDAY=MO,WE (${RECURRENCE_SUBSET})`;
    if (!PARTS.includes(match[1])) return `${match[1].slice(0, 20)} is not supported; use ${RECURRENCE_SUBSET}`;
    if (parts.has(match[1])) return `${match[1]} must appear once`;
    parts.set(match[1], match[2]);
  }
  const freq = parts.get('FREQ');
  if (!freq) return `needs a FREQ; use ${RECURRENCE_SUBSET}`;
  if (!FREQS.includes(freq)) return `FREQ=${freq.slice(0, 20)} is not supported; use ${RECURRENCE_SUBSET}`;

  const interval = parts.has('INTERVAL') ? integers(parts.get('INTERVAL')!, 1, MAX_INTERVAL) : [1];
  if (!interval || interval.length !== 1 || interval[0] < 0) return `INTERVAL must be a whole number from 1 to ${MAX_INTERVAL}`;
  const count = parts.has('COUNT') ? integers(parts.get('COUNT')!, 1, MAX_COUNT) : [1];
  if (!count || count.length !== 1 || count[0] < 0) return `COUNT must be a whole number from 1 to ${MAX_COUNT}`;
  if (parts.has('COUNT') && parts.has('UNTIL')) return 'COUNT and UNTIL cannot be combined';
  if (parts.has('UNTIL')) {
    const problem = untilProblem(parts.get('UNTIL')!);
    if (problem) return problem;
  }
  if (parts.has('WKST') && !WEEKDAYS.includes(parts.get('WKST')!)) return 'WKST must be a weekday code (MO, TU, WE, TH, FR, SA or SU)';

  const byDay = parts.has('BYDAY') ? parseByDay(parts.get('BYDAY')!) : [];
  if (!byDay) return 'BYDAY must list weekday codes (MO to SU), each with an optional position such as 2TU or -1FR';
  const monthDays = parts.has('BYMONTHDAY') ? integers(parts.get('BYMONTHDAY')!, 1, 31) : [];
  if (!monthDays) return 'BYMONTHDAY must list days from 1 to 31 or from -31 to -1 (counted from the end of the month)';
  const months = parts.has('BYMONTH') ? integers(parts.get('BYMONTH')!, 1, 12) : [];
  if (!months || months.some((m) => m < 0)) return 'BYMONTH must list months from 1 to 12';
  const setPos = parts.has('BYSETPOS') ? integers(parts.get('BYSETPOS')!, 1, 4) : [];
  if (!setPos || setPos.length > 1) return 'BYSETPOS must be one of 1 to 4 or -1 to -4';

  const ordinals = byDay.map((d) => d.ordinal).filter((o): o is number => o !== null);
  const maxOrdinal = freq === 'MONTHLY' ? 5 : months.length ? 4 : 52;
  if (ordinals.length && (freq === 'DAILY' || freq === 'WEEKLY')) return `BYDAY takes plain weekdays (no position such as 2TU) with FREQ=${freq}`;
  if (ordinals.some((o) => o === 0 || Math.abs(o) > maxOrdinal)) return `BYDAY positions must be 1 to ${maxOrdinal} or -${maxOrdinal} to -1 here`;
  if (monthDays.length && byDay.length) return 'BYMONTHDAY and BYDAY cannot be combined';
  if (setPos.length && (ordinals.length || !byDay.length || (freq !== 'MONTHLY' && freq !== 'YEARLY'))) {
    return 'BYSETPOS needs plain weekdays in BYDAY and FREQ=MONTHLY or YEARLY';
  }
  if (freq === 'DAILY' && (monthDays.length || months.length)) return 'FREQ=DAILY takes INTERVAL and BYDAY only; use MONTHLY or YEARLY for days of the month';
  // Every 7th day is always the same weekday: a BYDAY other than the first day's would never match.
  if (freq === 'DAILY' && byDay.length && interval[0] % 7 === 0) return 'FREQ=DAILY with BYDAY needs an INTERVAL that is not a multiple of 7; use FREQ=WEEKLY';
  if (freq === 'WEEKLY' && (monthDays.length || months.length)) return 'FREQ=WEEKLY takes INTERVAL, BYDAY and WKST only';
  if (freq === 'MONTHLY' && months.length) return 'FREQ=MONTHLY cannot take BYMONTH; use FREQ=YEARLY';
  // Every 12th month is always the same month, where a BYMONTHDAY=31 or 5MO may never exist.
  if (freq === 'MONTHLY' && interval[0] % 12 === 0) return 'FREQ=MONTHLY with an INTERVAL that is a multiple of 12 must be written as FREQ=YEARLY';
  if (freq === 'YEARLY' && months.length && !monthDays.length && !byDay.length) return 'FREQ=YEARLY with BYMONTH needs BYMONTHDAY or BYDAY';
  if (freq === 'YEARLY' && months.length && monthDays.length) {
    const problem = yearlyDaysProblem(months, monthDays, interval[0]);
    if (problem) return problem;
  }
  try {
    rrule.rrulestr(`RRULE:${rule}`);
  } catch {
    return `must be an RRULE such as FREQ=WEEKLY;BYDAY=MO,WE (${RECURRENCE_SUBSET})`;
  }
  return null;
}

/** The normalized rule when it is inside the subset, otherwise null (for rules from other systems). */
export function supportedRecurrence(rule: string | null | undefined): string | null {
  if (!rule) return null;
  const normalized = normalizeRecurrence(rule);
  return recurrenceProblem(normalized) === null ? normalized : null;
}
