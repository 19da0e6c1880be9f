// What calendarView sees: single instances as they are, series expanded into occurrences inside
// the window. https://learn.microsoft.com/graph/api/calendar-list-calendarview
import type { StoredEvent } from './graph-event-input.js';
import { occurrenceDates } from './graph-recurrence.js';
import { dateOnly, ianaZone, parseLocal, utcToZoned, zonedToUtc } from './graph-time.js';

export interface EventInstance {
  id: string;
  event: StoredEvent;
  type: 'singleInstance' | 'occurrence' | 'seriesMaster';
  seriesMasterId: string | null;
  startUtc: number;
  endUtc: number;
  /** Wall-clock start/end in the event's own start/end zones. */
  startLocal: number;
  endLocal: number;
}

const OCCURRENCE_PREFIX = 'AAMkOcc';

/** Occurrence ids are opaque to clients; ours encode the series id and the occurrence date. */
export function occurrenceId(masterId: string, date: string): string {
  return OCCURRENCE_PREFIX + Buffer.from(`${masterId}|${date}`).toString('base64url');
}

export function parseOccurrenceId(id: string): { masterId: string; date: string } | null {
  if (!id.startsWith(OCCURRENCE_PREFIX)) return null;
  const [masterId, date] = Buffer.from(id.slice(OCCURRENCE_PREFIX.length), 'base64url').toString().split('|');
  return masterId && date ? { masterId, date } : null;
}

/** The event itself as one instance (a single instance, or a series master). */
export function ownInstance(event: StoredEvent): EventInstance {
  return {
    id: event.id,
    event,
    type: event.recurrence ? 'seriesMaster' : 'singleInstance',
    seriesMasterId: null,
    startUtc: event.startUtc,
    endUtc: event.endUtc,
    startLocal: parseLocal(event.start.dateTime) as number,
    endLocal: parseLocal(event.end.dateTime) as number,
  };
}

/** The occurrence of a series on `date`, keeping the master's wall-clock time and duration. */
export function occurrenceOn(event: StoredEvent, date: string): EventInstance {
  const own = ownInstance(event);
  const dayMs = parseLocal(date) as number;
  const timeOfDay = own.startLocal - (parseLocal(dateOnly(own.startLocal)) as number);
  const startLocal = dayMs + timeOfDay;
  const zone = ianaZone(event.recurrence?.range.recurrenceTimeZone ?? event.start.timeZone) ?? 'UTC';
  const startUtc = zonedToUtc(startLocal, zone);
  const endUtc = startUtc + (event.endUtc - event.startUtc);
  const endZone = ianaZone(event.end.timeZone) ?? 'UTC';
  return {
    id: occurrenceId(event.id, date),
    event,
    type: 'occurrence',
    seriesMasterId: event.id,
    startUtc,
    endUtc,
    startLocal,
    endLocal: event.isAllDay ? startLocal + (own.endLocal - own.startLocal) : utcToZoned(endUtc, endZone),
  };
}

/** An instance overlaps [from, to) the way calendarView selects events. */
const overlaps = (instance: EventInstance, from: number, to: number) =>
  instance.startUtc < to && (instance.endUtc > from || (instance.endUtc === instance.startUtc && instance.startUtc >= from));

/** Single instances and occurrences overlapping the window, ordered by start. */
export function instancesInWindow(events: Iterable<StoredEvent>, from: number, to: number): EventInstance[] {
  const result: EventInstance[] = [];
  for (const event of events) {
    if (!event.recurrence) {
      const own = ownInstance(event);
      if (overlaps(own, from, to)) result.push(own);
      continue;
    }
    // A day of slack on the far end covers occurrences whose local date differs from the UTC date.
    const until = dateOnly(to + 86_400_000);
    for (const date of occurrenceDates(event.recurrence, until)) {
      const occurrence = occurrenceOn(event, date);
      if (overlaps(occurrence, from, to)) result.push(occurrence);
    }
  }
  return result.sort((a, b) => a.startUtc - b.startUtc || a.id.localeCompare(b.id));
}
