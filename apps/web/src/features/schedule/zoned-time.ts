// Wall-clock times in IANA time zones, computed with Intl: "09:00 on 2 March in Europe/Berlin" becomes
// an instant using Berlin's offset on that date (not the browser's), and back again.

/** A calendar date and time of day as a clock on the wall shows it; month is 1–12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormatters.set(timeZone, formatter);
  }
  return formatter;
}

function exactWallTime(instant: number, timeZone: string): Required<WallTime> {
  const parts: Record<string, number> = {};
  for (const p of partFormatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute, second: parts.second };
}

const wallAsUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second ?? 0);

const BUCKET_MS = 15 * MINUTE_MS;
const BUCKETS_MAX = 50_000;
/** Per zone, per quarter hour: the zone's offset in ms, or null when it changes within the quarter. */
const bucketOffsets = new Map<string, Map<number, number | null>>();

function exactOffsetMs(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return wallAsUtc(exactWallTime(wholeSecond, timeZone)) - wholeSecond;
}

/**
 * The wall time in `timeZone` at an instant (milliseconds since the epoch). Intl's formatToParts is
 * slow enough to matter for a grid of 1,000 entries, so the offset is asked once per quarter hour
 * and zone, at both ends: the same offset at both means no clock change within, and every instant
 * of the quarter is the instant plus that offset; a quarter with a change asks Intl for each instant.
 */
export function wallTimeAt(instant: number, timeZone: string): Required<WallTime> {
  let offsets = bucketOffsets.get(timeZone);
  if (!offsets) bucketOffsets.set(timeZone, (offsets = new Map()));
  const bucket = Math.floor(instant / BUCKET_MS);
  let offset = offsets.get(bucket);
  if (offset === undefined) {
    const first = exactOffsetMs(bucket * BUCKET_MS, timeZone);
    offset = first === exactOffsetMs((bucket + 1) * BUCKET_MS - 1000, timeZone) ? first : null;
    if (offsets.size >= BUCKETS_MAX) offsets.clear();
    offsets.set(bucket, offset);
  }
  if (offset === null) return exactWallTime(instant, timeZone);
  const wall = new Date(Math.floor(instant / 1000) * 1000 + offset);
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds() };
}

/** The zone's offset from UTC in minutes at an instant (+60 for Berlin in winter). */
export function offsetMinutesAt(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return Math.round((wallAsUtc(wallTimeAt(wholeSecond, timeZone)) - wholeSecond) / MINUTE_MS);
}

/**
 * The instant a wall time in `timeZone` stands for. A time that occurs twice (clocks going back)
 * is the earlier one; a time skipped by clocks going forward moves forward by the gap, as
 * calendars do (02:30 on a spring-forward night becomes 03:30).
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const asUtc = wallAsUtc(wall);
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetMinutesAt(asUtc - DAY_MS, timeZone);
  const after = offsetMinutesAt(asUtc + DAY_MS, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => asUtc - offset * MINUTE_MS)
    .filter((instant) => wallAsUtc(wallTimeAt(instant, timeZone)) === asUtc);
  if (valid.length) return Math.min(...valid);
  return asUtc - before * MINUTE_MS;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

export const dateKeyOf = (w: { year: number; month: number; day: number }) => `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;

/** `2026-03-02T09:00:00+01:00`: the instant written as the wall time in `timeZone` with its offset. */
export function isoWithOffset(instant: number, timeZone: string): string {
  const w = wallTimeAt(instant, timeZone);
  const offset = offsetMinutesAt(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  return `${dateKeyOf(w)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

// Calendar dates as `YYYY-MM-DD` strings ("date keys"); arithmetic in UTC so no zone interferes.

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDateKey(key: string): { year: number; month: number; day: number } | null {
  const m = DATE_KEY.exec(key);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** Days since the epoch for a valid date key. */
export const dayNumberOf = (key: string): number => {
  const d = parseDateKey(key);
  if (!d) throw new Error(`not a date: ${key}`);
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
};

export const dateKeyOfDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

export const addDays = (key: string, days: number): string => dateKeyOfDayNumber(dayNumberOf(key) + days);

/** 0 for Monday … 6 for Sunday. */
export const weekdayOf = (key: string): number => (new Date(dayNumberOf(key) * DAY_MS).getUTCDay() + 6) % 7;

/** The date key of an instant's wall date in `timeZone`. */
export const dateKeyAt = (instant: number, timeZone: string): string => dateKeyOf(wallTimeAt(instant, timeZone));

/** `HH:MM` of an instant's wall time in `timeZone`. */
export function timeOfDayAt(instant: number, timeZone: string): string {
  const w = wallTimeAt(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** A date key plus `HH:MM` as a wall time; null when either is malformed. */
export function wallTimeOf(dateKey: string, time: string): WallTime | null {
  const date = parseDateKey(dateKey);
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!date || !m) return null;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  return { ...date, hour, minute, second };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
