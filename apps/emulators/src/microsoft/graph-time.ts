// Graph's dateTimeTimeZone values: wall-clock `dateTime` strings with seven fraction digits and no
// offset, paired with a Windows or IANA time zone name. Converts them to and from UTC instants.
// https://learn.microsoft.com/graph/api/resources/datetimetimezone
import { findIana } from 'windows-iana';

/**
 * A zone name as Outlook takes it: any Windows zone id of CLDR's windowsZones (what Outlook itself
 * writes, e.g. "Pacific Standard Time"), or an IANA name. Windows ids resolve to CLDR's default
 * zone for the id (territory 001), which windows-iana lists first.
 * https://learn.microsoft.com/graph/api/resources/datetimetimezone (timeZone: Windows or IANA)
 */
export function ianaZone(name: string): string | null {
  // "UTC" is both an IANA name and a Windows id; IANA first keeps it as written.
  if (knownToNode(name)) return name;
  const mapped = findIana(name)[0] ?? (name === 'Coordinated Universal Time' ? 'UTC' : null);
  return mapped && knownToNode(mapped) ? mapped : null;
}

/** Building an Intl.DateTimeFormat is costly (it showed in profiles of every event write): remember the answer per name. */
const known = new Map<string, boolean>();
function knownToNode(zone: string): boolean {
  let answer = known.get(zone);
  if (answer === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      answer = true;
    } catch {
      answer = false;
    }
    known.set(zone, answer);
  }
  return answer;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Milliseconds the zone is ahead of UTC at `instant`. */
function offsetAt(instant: number, zone: string): number {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - (instant - (instant % 1000 + 1000) % 1000);
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/** Parse a Graph wall-clock string (date-only allowed, as Outlook accepts for all-day events). */
export function parseLocal(dateTime: string): number | null {
  const m = LOCAL_PATTERN.exec(dateTime);
  if (!m) return null;
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(7, '0')) / 10_000) : 0;
  const value = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
  return Number.isNaN(value) ? null : value;
}

/** The UTC instant of a wall-clock time in `zone` (IANA). */
export function zonedToUtc(localMs: number, zone: string): number {
  let guess = localMs - offsetAt(localMs, zone);
  // A second pass settles instants near a DST switch.
  guess = localMs - offsetAt(guess, zone);
  return guess;
}

/** The wall-clock time in `zone` (IANA) of a UTC instant, as epoch-like milliseconds. */
export function utcToZoned(instant: number, zone: string): number {
  return instant + offsetAt(instant, zone);
}

/** `2017-04-15T11:00:00.0000000`: Graph writes seven fraction digits and no offset. */
export function formatLocal(localMs: number): string {
  const iso = new Date(localMs).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}0000`;
}

/** `2017-04-15T03:00:50.7579581Z`: Graph's UTC timestamps (createdDateTime, expirationDateTime). */
export function formatUtc(instant: number): string {
  return `${formatLocal(instant)}Z`;
}

/** `YYYY-MM-DD` of a wall-clock millisecond value. */
export function dateOnly(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

/** Whether a wall-clock value sits exactly at midnight. */
export function isMidnight(localMs: number): boolean {
  return localMs % 86_400_000 === 0;
}
