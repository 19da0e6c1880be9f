// Does a recurring series have an occurrence in a window? The work is bounded whatever is stored:
// a rule outside the subset counts as its first occurrence only, a series without COUNT is expanded
// from the period just before the window (not from its first day, which may be centuries earlier),
// and no expansion yields more than MAX_OCCURRENCES_PER_EXPANSION occurrences.
import { DateTime } from 'luxon';
import rrule, { type Options } from 'rrule';
import { recurrenceProblem } from './recurrence-subset.js';

/** Far above what a subset rule needs to reach a window (at most a year's days, or COUNT ≤ 1000). */
export const MAX_OCCURRENCES_PER_EXPANSION = 2000;

export interface Series {
  startsAt: Date;
  endsAt: Date;
  /** IANA zone the series recurs in (its wall clock); all-day series recur on UTC dates. */
  timeZone: string;
  allDay: boolean;
  rule: string;
  /** Original starts (epoch ms) that are no longer occurrences: cancelled or overridden. */
  skip?: ReadonlySet<number>;
}

// rrule expands in floating time (UTC dates standing for wall-clock times). A series recurs on the
// wall clock of its zone, as calendars expand it: BYDAY=MO is the local Monday, 09:00 stays 09:00
// across daylight saving.
const toFloating = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).setZone('utc', { keepLocalTime: true });
const fromFloating = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone: 'utc' }).setZone(zone, { keepLocalTime: true }).toJSDate();
const DAY_MS = 86_400_000;

/**
 * The rule's options with everything rrule would take from the first occurrence written out, so
 * that the series can start from a later period boundary and still produce the same occurrences.
 */
function explicitOptions(options: Partial<Options>, first: DateTime): Partial<Options> {
  const explicit: Partial<Options> = { ...options, byhour: [first.hour], byminute: [first.minute], bysecond: [first.second] };
  const hasDays = Boolean(options.bymonthday || options.byweekday);
  if (options.freq === rrule.RRule.WEEKLY && !options.byweekday) explicit.byweekday = [first.weekday - 1];
  if (options.freq === rrule.RRule.MONTHLY && !hasDays) explicit.bymonthday = [first.day];
  if (options.freq === rrule.RRule.YEARLY && !hasDays && !options.bymonth) {
    explicit.bymonth = [first.month];
    explicit.bymonthday = [first.day];
  }
  return explicit;
}

/** The latest start of a period of the rule that is not after `notAfter` (and not before `first`). */
function periodStartBefore(options: Partial<Options>, first: DateTime, notAfter: DateTime): DateTime {
  const interval = options.interval ?? 1;
  const day = first.startOf('day');
  let start = first;
  if (options.freq === rrule.RRule.DAILY) {
    start = day.plus({ days: Math.floor(Math.floor(notAfter.diff(day, 'days').days) / interval) * interval });
  } else if (options.freq === rrule.RRule.WEEKLY) {
    const wkst = typeof options.wkst === 'number' ? options.wkst : (options.wkst?.weekday ?? 0);
    const week = day.minus({ days: (first.weekday - 1 - wkst + 7) % 7 });
    start = week.plus({ days: Math.floor(Math.floor(notAfter.diff(week, 'days').days) / (7 * interval)) * 7 * interval });
  } else if (options.freq === rrule.RRule.MONTHLY) {
    const months = (notAfter.year - first.year) * 12 + notAfter.month - first.month;
    start = first.startOf('month').plus({ months: Math.floor(months / interval) * interval });
  } else if (options.freq === rrule.RRule.YEARLY) {
    start = first.startOf('year').plus({ years: Math.floor((notAfter.year - first.year) / interval) * interval });
  }
  // rrule takes the milliseconds of every occurrence from its start.
  return start > first ? start.set({ millisecond: first.millisecond }) : first;
}

/**
 * Visits the occurrence starts (real instants) of a subset rule whose occurrences end after `from`,
 * in order, until `visit` returns false. False when the expansion bound was hit first.
 */
function scanOccurrences(series: Series, from: Date, visit: (start: Date) => boolean): boolean {
  const duration = series.endsAt.getTime() - series.startsAt.getTime();
  const zone = series.allDay ? 'utc' : series.timeZone;
  const first = toFloating(series.startsAt, zone);
  const parsed = rrule.rrulestr(`RRULE:${series.rule}`).origOptions;
  // An occurrence overlaps when it starts after `from - duration`. Floating and real times differ
  // by less than a day, so scan from a day earlier and convert each occurrence back.
  const earliest = from.getTime() - duration;
  const scanFrom = toFloating(new Date(earliest), zone).minus({ days: 1 });
  // COUNT counts from the first occurrence, so such a series (at most MAX_COUNT) starts there.
  const dtstart = parsed.count ? first : periodStartBefore(parsed, first, scanFrom);
  const rule = new rrule.RRule({ ...explicitOptions(parsed, first), dtstart: dtstart.toJSDate() });
  let exhausted = false;
  rule.all((occurrence, index) => {
    if (index >= MAX_OCCURRENCES_PER_EXPANSION) {
      exhausted = true;
      return false;
    }
    if (occurrence.getTime() < scanFrom.toMillis()) return true;
    const real = fromFloating(occurrence, zone);
    if (real.getTime() <= earliest) return true;
    return visit(real);
  });
  return !exhausted;
}

/**
 * Does the series have an occurrence overlapping [from, to)? A rule outside the subset (stored
 * before it was enforced) is not expanded: the series counts as its first occurrence. Starts in
 * `series.skip` (cancelled or overridden occurrences, epoch ms) are not occurrences any more.
 */
export function recursWithin(series: Series, from: Date, to: Date | undefined): boolean {
  if (recurrenceProblem(series.rule) !== null) return series.endsAt > from && (!to || series.startsAt < to);
  let hit = false;
  const complete = scanOccurrences(series, from, (start) => {
    if (to && start >= to) return false;
    hit = !series.skip?.has(start.getTime());
    return !hit;
  });
  // Unreachable for subset rules; if it ever happens, showing the series beats hiding it.
  return hit || !complete;
}

/** An entry as the API shapes it (a ScheduleEntry fits); original starts are in its `start` form. */
export interface SeriesEntry {
  start: string;
  end: string;
  timeZone: string;
  allDay: boolean;
  recurrence: string | null;
}

/** The instant of an API start or end: all-day entries (and their original starts) are UTC midnights of their dates, as stored. */
export const toTimestamp = (value: string, allDay: boolean) => (allDay ? new Date(`${value}T00:00:00Z`) : new Date(value));
/** An instant in the API's form for a start: a date for all-day entries, otherwise UTC ISO. */
export const formatStart = (start: Date, allDay: boolean) => (allDay ? start.toISOString().slice(0, 10) : start.toISOString());

function seriesOf(entry: SeriesEntry): Series | null {
  if (!entry.recurrence || recurrenceProblem(entry.recurrence) !== null) return null;
  return {
    startsAt: toTimestamp(entry.start, entry.allDay),
    endsAt: toTimestamp(entry.end, entry.allDay),
    timeZone: entry.timeZone,
    allDay: entry.allDay,
    rule: entry.recurrence,
  };
}

/**
 * The original starts of a series' occurrences overlapping [from, to), cancelled or overridden
 * ones included, in the API's form; bounded like recursWithin. Empty for an entry without a rule
 * it can expand.
 */
export function occurrenceStarts(series: SeriesEntry, from: Date, to: Date): string[] {
  const expandable = seriesOf(series);
  const starts: string[] = [];
  if (!expandable) return starts;
  scanOccurrences(expandable, from, (start) => {
    if (start >= to) return false;
    starts.push(formatStart(start, series.allDay));
    return true;
  });
  return starts;
}

/** Is `originalStart` (in the API's form for this series) the start of one of its occurrences? */
export function isOccurrenceStart(series: SeriesEntry, originalStart: string): boolean {
  const instant = toTimestamp(originalStart, series.allDay);
  if (Number.isNaN(instant.getTime()) || formatStart(instant, series.allDay) !== originalStart) return false;
  // The occurrence starting at `instant` is the first one overlapping [instant, instant + 1 ms).
  return occurrenceStarts(series, instant, new Date(instant.getTime() + 1)).includes(originalStart);
}

/** Occurrence starts (real instants) of a series from its first one, at most `limit`, for tests and previews. */
export function firstOccurrences(series: Series, limit: number): Date[] {
  if (recurrenceProblem(series.rule) !== null) return [series.startsAt];
  const zone = series.allDay ? 'utc' : series.timeZone;
  const first = toFloating(series.startsAt, zone);
  const rule = new rrule.RRule({ ...rrule.rrulestr(`RRULE:${series.rule}`).origOptions, dtstart: first.toJSDate() });
  const starts: Date[] = [];
  rule.all((occurrence, index) => {
    if (index >= Math.min(limit, MAX_OCCURRENCES_PER_EXPANSION)) return false;
    starts.push(fromFloating(occurrence, zone));
    return true;
  });
  return starts;
}
