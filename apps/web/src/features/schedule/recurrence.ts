// Repeating entries: the form's presets as RRULEs, a readable description of a rule, and the
// occurrences of simple rules inside a window. Expansion mirrors the server's: a series repeats on
// the wall clock of its time zone (09:00 stays 09:00 across daylight saving, BYDAY=MO is the local
// Monday); all-day series repeat on dates.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { DAY_MS, dateKeyOfDayNumber, dayNumberOf, instantOf, parseDateKey, wallTimeAt, weekdayOf } from './zoned-time.ts';

export type RecurrencePreset = 'none' | 'daily' | 'weekly' | 'weekdays' | 'monthly' | 'custom';

const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const WEEKDAYS = 'MO,TU,WE,TH,FR';

/** The RRULE for a preset, for a series starting on `startDate` (a date key in the entry's zone). */
export function ruleForPreset(preset: Exclude<RecurrencePreset, 'custom'>, startDate: string): string | null {
  switch (preset) {
    case 'none':
      return null;
    case 'daily':
      return 'FREQ=DAILY';
    case 'weekly':
      return `FREQ=WEEKLY;BYDAY=${DAY_CODES[weekdayOf(startDate)]}`;
    case 'weekdays':
      return `FREQ=WEEKLY;BYDAY=${WEEKDAYS}`;
    case 'monthly':
      return 'FREQ=MONTHLY';
  }
}

function ruleParts(rule: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, '').toUpperCase().split(';')) {
    const [key, value] = part.split('=');
    if (key && value !== undefined) parts.set(key.trim(), value.trim());
  }
  // Defaults that do not change the meaning.
  if (parts.get('INTERVAL') === '1') parts.delete('INTERVAL');
  if (parts.get('WKST') === 'MO') parts.delete('WKST');
  return parts;
}

/** Which form preset a stored rule is, for a series starting on `startDate`; `custom` if none fits. */
export function presetOf(rule: string | null, startDate: string): RecurrencePreset {
  if (!rule) return 'none';
  const parts = ruleParts(rule);
  const freq = parts.get('FREQ');
  const byDay = parts.get('BYDAY');
  const others = [...parts.keys()].filter((k) => k !== 'FREQ' && k !== 'BYDAY' && k !== 'BYMONTHDAY');
  if (others.length) return 'custom';
  const date = parseDateKey(startDate);
  if (freq === 'DAILY' && !byDay && !parts.has('BYMONTHDAY')) return 'daily';
  if (freq === 'WEEKLY' && !parts.has('BYMONTHDAY')) {
    if (!byDay || (date && byDay === DAY_CODES[weekdayOf(startDate)])) return 'weekly';
    if (byDay.split(',').sort((a, b) => DAY_CODES.indexOf(a as never) - DAY_CODES.indexOf(b as never)).join(',') === WEEKDAYS) return 'weekdays';
  }
  if (freq === 'MONTHLY' && !byDay) {
    const byMonthDay = parts.get('BYMONTHDAY');
    if (!byMonthDay || (date && Number(byMonthDay) === date.day)) return 'monthly';
  }
  return 'custom';
}

/** A rule this module can expand; anything richer (BYSETPOS, BYDAY=1MO, YEARLY…) is not. */
export interface SimpleRule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  count?: number;
  /** Compared with occurrences' wall times taken as UTC, as rrule (and so the server) does. */
  until?: number;
  byDay?: number[];
  byMonthDay?: number[];
}

const SUPPORTED = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'WKST']);

function parseUntil(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
}

export function parseSimpleRule(rule: string): SimpleRule | null {
  const parts = ruleParts(rule);
  if ([...parts.keys()].some((k) => !SUPPORTED.has(k)) || parts.has('WKST')) return null;
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY') return null;
  const result: SimpleRule = { freq, interval: 1 };
  const positive = (v: string | undefined) => (v && /^[1-9]\d*$/.test(v) ? Number(v) : null);
  if (parts.has('INTERVAL')) {
    const interval = positive(parts.get('INTERVAL'));
    if (!interval) return null;
    result.interval = interval;
  }
  if (parts.has('COUNT')) {
    const count = positive(parts.get('COUNT'));
    if (!count) return null;
    result.count = count;
  }
  if (parts.has('UNTIL')) {
    const until = parseUntil(parts.get('UNTIL')!);
    if (until === undefined) return null;
    result.until = until;
  }
  if (parts.has('BYDAY')) {
    if (freq === 'MONTHLY') return null;
    if (parts.get('BYDAY')!.split(',').some((d) => !DAY_CODES.includes(d as never))) return null;
    const days = parts.get('BYDAY')!.split(',').map((d) => DAY_CODES.indexOf(d as (typeof DAY_CODES)[number]));
    result.byDay = [...new Set(days)].sort((a, b) => a - b);
  }
  if (parts.has('BYMONTHDAY')) {
    if (freq === 'WEEKLY') return null;
    const days = parts.get('BYMONTHDAY')!.split(',').map(positive);
    if (days.some((d) => !d || d > 31)) return null;
    result.byMonthDay = [...new Set(days as number[])].sort((a, b) => a - b);
  }
  return result;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Candidate days (day numbers) of a rule from its first day on, in order, up to `lastDay`. */
function* candidateDays(rule: SimpleRule, firstDay: number, lastDay: number): Generator<number> {
  const first = new Date(firstDay * DAY_MS);
  const keep = (day: number) => {
    const date = new Date(day * DAY_MS);
    if (rule.byDay && !rule.byDay.includes((date.getUTCDay() + 6) % 7)) return false;
    if (rule.byMonthDay && !rule.byMonthDay.includes(date.getUTCDate())) return false;
    return day >= firstDay;
  };
  if (rule.freq === 'DAILY') {
    for (let day = firstDay; day <= lastDay; day += rule.interval) if (keep(day)) yield day;
    return;
  }
  if (rule.freq === 'WEEKLY') {
    const weekdays = rule.byDay ?? [(first.getUTCDay() + 6) % 7];
    for (let monday = firstDay - ((first.getUTCDay() + 6) % 7); monday <= lastDay; monday += 7 * rule.interval) {
      for (const weekday of weekdays) if (monday + weekday >= firstDay) yield monday + weekday;
    }
    return;
  }
  const monthDays = rule.byMonthDay ?? [first.getUTCDate()];
  for (let k = 0; ; k += rule.interval) {
    const year = first.getUTCFullYear() + Math.floor((first.getUTCMonth() + k) / 12);
    const month = ((first.getUTCMonth() + k) % 12) + 1;
    if (Date.UTC(year, month - 1, 1) / DAY_MS > lastDay) return;
    for (const d of monthDays) {
      // Months without that day are skipped, as rrule does (no 31 June).
      if (d > daysInMonth(year, month)) continue;
      const day = Date.UTC(year, month - 1, d) / DAY_MS;
      if (keep(day)) yield day;
    }
  }
}

/** One occurrence, in the entry's own format: date-times for timed entries, date keys for all-day ones. */
export interface Occurrence {
  start: string;
  end: string;
}

/**
 * The occurrences of an entry overlapping [from, to) (epoch milliseconds): the entry itself when it
 * does not repeat, null when its rule is too rich to expand here.
 */
export function occurrencesWithin(entry: ScheduleEntry, from: number, to: number): Occurrence[] | null {
  const startsAt = entry.allDay ? dayNumberOf(entry.start) * DAY_MS : Date.parse(entry.start);
  const duration = (entry.allDay ? dayNumberOf(entry.end) * DAY_MS : Date.parse(entry.end)) - startsAt;
  if (!entry.recurrence) return startsAt < to && startsAt + duration > from ? [{ start: entry.start, end: entry.end }] : [];
  const rule = parseSimpleRule(entry.recurrence);
  if (!rule) return null;

  const zone = entry.allDay ? 'UTC' : entry.timeZone;
  const wall = wallTimeAt(startsAt, zone);
  const firstDay = Date.UTC(wall.year, wall.month - 1, wall.day) / DAY_MS;
  const timeOfDay = (wall.hour * 3600 + wall.minute * 60 + wall.second) * 1000;
  const occurrences: Occurrence[] = [];
  let seen = 0;
  for (const day of candidateDays(rule, firstDay, Math.ceil(to / DAY_MS) + 1)) {
    // Wall times as UTC ("floating"); a real instant is within a day of its floating one.
    const floating = day * DAY_MS + timeOfDay;
    if (rule.until !== undefined && floating > rule.until) break;
    if (rule.count !== undefined && ++seen > rule.count) break;
    if (floating >= to + DAY_MS) break;
    if (floating + duration <= from - DAY_MS) continue;
    const date = new Date(floating);
    const real = entry.allDay
      ? floating
      : instantOf(
          { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds() },
          zone,
        );
    if (real >= to || real + duration <= from) continue;
    occurrences.push(
      entry.allDay
        ? { start: dateKeyOfDayNumber(day), end: dateKeyOfDayNumber(day + Math.round(duration / DAY_MS)) }
        : { start: new Date(real).toISOString(), end: new Date(real + duration).toISOString() },
    );
  }
  return occurrences;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SHORT_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Weekly on Monday", "Every 2 weeks on Mon, Wed, 10 times"; the raw rule when it is too rich. */
export function describeRule(rule: string): string {
  const simple = parseSimpleRule(rule);
  if (!simple) return rule.replace(/^RRULE:/i, '');
  const unit = { DAILY: ['Daily', 'days'], WEEKLY: ['Weekly', 'weeks'], MONTHLY: ['Monthly', 'months'] }[simple.freq];
  let text = simple.interval === 1 ? unit[0] : `Every ${simple.interval} ${unit[1]}`;
  if (simple.byDay) {
    const weekdays = simple.byDay.join(',') === '0,1,2,3,4';
    if (weekdays) text = simple.interval === 1 && simple.freq !== 'MONTHLY' ? 'Every weekday' : `${text} on weekdays`;
    else text += ` on ${simple.byDay.map((d) => (simple.byDay!.length === 1 ? WEEKDAY_NAMES[d] : SHORT_WEEKDAYS[d])).join(', ')}`;
  }
  if (simple.byMonthDay) text += ` on day ${simple.byMonthDay.join(', ')}`;
  if (simple.count) text += `, ${simple.count} ${simple.count === 1 ? 'time' : 'times'}`;
  if (simple.until !== undefined) {
    text += `, until ${new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(simple.until)}`;
  }
  return text;
}
