// RRULE ↔ Graph patternedRecurrence, pure. Graph cannot hold every RRULE; what it can hold maps
// exactly, and the way back writes one canonical RRULE per pattern (explicit BYDAY for weekly,
// BYMONTHDAY for monthly, BYMONTH+BYMONTHDAY for yearly, UNTIL as the end of the range's last day).
// https://learn.microsoft.com/graph/api/resources/patternedrecurrence
import { DateTime } from 'luxon';

export interface GraphRecurrence {
  pattern: {
    type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
    interval: number;
    month: number;
    dayOfMonth: number;
    daysOfWeek: string[];
    firstDayOfWeek: string;
    index: string;
  };
  range: {
    type: 'endDate' | 'noEnd' | 'numbered';
    startDate: string;
    endDate: string;
    recurrenceTimeZone: string;
    numberOfOccurrences: number;
  };
}

/** Where a series starts: its first day (local, `YYYY-MM-DD`) and the zone it recurs in. */
export interface SeriesStart {
  date: string;
  timeZone: string;
  allDay: boolean;
}

/** The RRULE uses something Graph cannot store (BYHOUR, HOURLY, BYDAY=5MO, several BYMONTHDAY…). */
export class RecurrenceNotRepresentable extends Error {
  override name = 'RecurrenceNotRepresentable';
}

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const INDEX_NAMES: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };
const SUPPORTED = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'];
/** Graph writes this for "no date" in a range. */
const NO_DATE = '0001-01-01';

const dayName = (code: string) => DAY_NAMES[DAYS.indexOf(code)];
const dayCode = (name: string) => DAYS[DAY_NAMES.indexOf(name.toLowerCase())];
const indexName = (ordinal: number) => Object.keys(INDEX_NAMES).find((k) => INDEX_NAMES[k] === ordinal);

function parseRule(rule: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, '').split(';').filter(Boolean)) {
    const [key, value] = part.split('=');
    parts.set(key.trim().toUpperCase(), (value ?? '').trim().toUpperCase());
  }
  const unsupported = [...parts.keys()].find((k) => !SUPPORTED.includes(k));
  if (unsupported) throw new RecurrenceNotRepresentable(`Outlook cannot store a recurrence with ${unsupported}.`);
  return parts;
}

function parseByDay(value: string | undefined): Array<{ ordinal: number | null; day: string }> {
  if (!value) return [];
  return value.split(',').map((item) => {
    const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!match) throw new RecurrenceNotRepresentable(`BYDAY value ${item} is not valid.`);
    return { ordinal: match[1] ? Number(match[1]) : null, day: match[2] };
  });
}

function single(parts: Map<string, string>, key: string): number | undefined {
  const value = parts.get(key);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new RecurrenceNotRepresentable(`Outlook holds a single ${key}, not ${value}.`);
  return Number(value);
}

/** The last day of the series (local) from UNTIL: a date, a UTC instant, or a floating date-time. */
function untilDate(until: string, start: SeriesStart): string {
  const match = /^(\d{4})(\d{2})(\d{2})(T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(until);
  if (!match) throw new RecurrenceNotRepresentable(`UNTIL value ${until} is not valid.`);
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  if (!match[8]) return date;
  const instant = DateTime.fromISO(`${date}T${match[5]}:${match[6]}:${match[7]}Z`, { zone: 'utc' });
  // All-day series recur on UTC dates (as the PSA expands them).
  return instant.setZone(start.allDay ? 'utc' : start.timeZone).toISODate()!;
}

/**
 * Index of a relative (nth weekday) pattern: `BYDAY=2TU` (one day), or `BYDAY=MO,TU;BYSETPOS=1`
 * ("the first Monday or Tuesday", which is what Outlook means by several days with one index).
 */
function relativeIndex(byDay: Array<{ ordinal: number | null }>, setPos: number | undefined): string {
  const ordinals = new Set(byDay.map((d) => d.ordinal));
  let ordinal: number | null | undefined;
  if (byDay.length === 1 && byDay[0].ordinal !== null && setPos === undefined) ordinal = byDay[0].ordinal;
  else if (ordinals.size === 1 && ordinals.has(null)) ordinal = setPos;
  const name = ordinal === undefined || ordinal === null ? undefined : indexName(ordinal);
  if (!name) throw new RecurrenceNotRepresentable('Outlook holds the first to fourth or the last weekday of a month only.');
  return name;
}

export function toGraphRecurrence(rule: string, start: SeriesStart): GraphRecurrence {
  const parts = parseRule(rule);
  const first = DateTime.fromISO(start.date, { zone: 'utc' });
  const interval = single(parts, 'INTERVAL') ?? 1;
  const byDay = parseByDay(parts.get('BYDAY'));
  const byMonthDay = single(parts, 'BYMONTHDAY');
  const setPos = single(parts, 'BYSETPOS');
  const plainDays = () => {
    if (byDay.some((d) => d.ordinal !== null) || setPos !== undefined) throw new RecurrenceNotRepresentable('Weekly recurrences take plain weekdays.');
    return byDay.map((d) => dayName(d.day));
  };
  const pattern: GraphRecurrence['pattern'] = {
    type: 'daily',
    interval,
    month: 0,
    dayOfMonth: 0,
    daysOfWeek: [],
    firstDayOfWeek: dayName(parts.get('WKST') ?? 'MO') ?? 'monday',
    index: 'first',
  };
  const freq = parts.get('FREQ');
  if (freq === 'DAILY' && byDay.length === 0) {
    pattern.type = 'daily';
  } else if (freq === 'WEEKLY' || (freq === 'DAILY' && interval === 1)) {
    // FREQ=DAILY;BYDAY=MO,…,FR ("every weekday") is a weekly pattern in Outlook.
    pattern.type = 'weekly';
    pattern.daysOfWeek = byDay.length ? plainDays() : [dayName(DAYS[first.weekday - 1])];
  } else if (freq === 'MONTHLY' || freq === 'YEARLY') {
    const yearly = freq === 'YEARLY';
    if (yearly) pattern.month = single(parts, 'BYMONTH') ?? first.month;
    else if (parts.has('BYMONTH')) throw new RecurrenceNotRepresentable('Outlook cannot limit a monthly recurrence to some months.');
    if (byMonthDay !== undefined || byDay.length === 0) {
      if (byDay.length || setPos !== undefined) throw new RecurrenceNotRepresentable('Outlook cannot combine BYMONTHDAY with BYDAY.');
      pattern.type = yearly ? 'absoluteYearly' : 'absoluteMonthly';
      pattern.dayOfMonth = byMonthDay ?? first.day;
      if (pattern.dayOfMonth < 1 || pattern.dayOfMonth > 31) throw new RecurrenceNotRepresentable('Outlook holds days 1 to 31 of a month.');
    } else {
      pattern.type = yearly ? 'relativeYearly' : 'relativeMonthly';
      pattern.index = relativeIndex(byDay, setPos);
      pattern.daysOfWeek = byDay.map((d) => dayName(d.day));
    }
  } else {
    throw new RecurrenceNotRepresentable(`Outlook cannot store FREQ=${freq ?? '(none)'}${freq === 'DAILY' ? ' with BYDAY and INTERVAL' : ''}.`);
  }

  const count = single(parts, 'COUNT');
  const until = parts.get('UNTIL');
  const range: GraphRecurrence['range'] = {
    type: count !== undefined ? 'numbered' : until ? 'endDate' : 'noEnd',
    startDate: start.date,
    endDate: until && count === undefined ? untilDate(until, start) : NO_DATE,
    recurrenceTimeZone: start.timeZone,
    numberOfOccurrences: count ?? 0,
  };
  return { pattern, range };
}

const sortDays = (names: string[]) => names.map(dayCode).filter(Boolean).sort((a, b) => DAYS.indexOf(a) - DAYS.indexOf(b));

/**
 * The canonical RRULE of a Graph recurrence; `start` gives the zone UNTIL is written in. Whether
 * the PSA can hold it (5,000 occurrences, every 12 months written as monthly) is inbound's call.
 */
export function fromGraphRecurrence(recurrence: GraphRecurrence, start: Omit<SeriesStart, 'date'>): string {
  const { pattern, range } = recurrence;
  const type = pattern.type.toLowerCase();
  const freq = type === 'daily' ? 'DAILY' : type === 'weekly' ? 'WEEKLY' : type.endsWith('monthly') ? 'MONTHLY' : 'YEARLY';
  const rule = [`FREQ=${freq}`];
  if (pattern.interval > 1) rule.push(`INTERVAL=${pattern.interval}`);
  if (range.type === 'numbered') rule.push(`COUNT=${range.numberOfOccurrences}`);
  if (range.type === 'endDate') {
    const lastDay = DateTime.fromISO(range.endDate, { zone: start.allDay ? 'utc' : start.timeZone });
    rule.push(`UNTIL=${start.allDay ? lastDay.toFormat('yyyyLLdd') : lastDay.endOf('day').toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'")}`);
  }
  if (type.endsWith('yearly')) rule.push(`BYMONTH=${pattern.month}`);
  if (type.startsWith('absolute')) rule.push(`BYMONTHDAY=${pattern.dayOfMonth}`);
  const days = sortDays(pattern.daysOfWeek ?? []);
  if (type === 'weekly') rule.push(`BYDAY=${days.join(',')}`);
  if (type.startsWith('relative')) {
    const ordinal = INDEX_NAMES[pattern.index?.toLowerCase() ?? 'first'] ?? 1;
    rule.push(days.length === 1 ? `BYDAY=${ordinal}${days[0]}` : `BYDAY=${days.join(',')}`);
    if (days.length > 1) rule.push(`BYSETPOS=${ordinal}`);
  }
  const weekStart = dayCode(pattern.firstDayOfWeek ?? 'monday');
  if (type === 'weekly' && weekStart && weekStart !== 'MO') rule.push(`WKST=${weekStart}`);
  return rule.join(';');
}

/**
 * The RRULE as it reads back from Outlook, so the sync engine can hash the canonical form and not
 * mistake our own write for a change. An RRULE Outlook cannot hold is returned unchanged.
 */
export function canonicalRecurrence(rule: string, start: SeriesStart): string {
  try {
    return fromGraphRecurrence(toGraphRecurrence(rule, start), start);
  } catch (error) {
    if (error instanceof RecurrenceNotRepresentable) return rule;
    throw error;
  }
}
