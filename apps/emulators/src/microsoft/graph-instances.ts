// What calendarView sees: single instances as they are, series expanded into occurrences inside
// the window, an edited occurrence as an `exception` at its own times and a deleted one not at all.
// https://learn.microsoft.com/graph/api/calendar-list-calendarview
// https://learn.microsoft.com/graph/api/resources/event (type, seriesMasterId, originalStart)
import type { StoredEvent } from './graph-event-input.js';
import type { Mailbox } from './graph-mailbox-store.js';
import { occurrenceDates } from './graph-recurrence.js';
import { dateOnly, ianaZone, parseLocal, utcToZoned, zonedToUtc } from './graph-time.js';

export interface EventInstance {
  id: string;
  /** The stored event the instance shows: the master for an occurrence, its own for an exception. */
  event: StoredEvent;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId: string | null;
  /** Occurrences and exceptions: the start the series' pattern gave it (UTC). */
  originalStartUtc: number | null;
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
    originalStartUtc: null,
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
    originalStartUtc: startUtc,
    startUtc,
    endUtc,
    startLocal,
    endLocal: event.isAllDay ? startLocal + (own.endLocal - own.startLocal) : utcToZoned(endUtc, endZone),
  };
}

/**
 * The instance of a series on `date` as it stands: the occurrence, its exception (an edited
 * occurrence keeps the occurrence's id and becomes type `exception`), or null once deleted.
 */
export function seriesInstanceOn(mailbox: Mailbox, master: StoredEvent, date: string): EventInstance | null {
  const occurrence = occurrenceOn(master, date);
  const exception = mailbox.exceptions.get(occurrence.id);
  if (!exception) return occurrence;
  if (!exception.event) return null;
  return { ...ownInstance(exception.event), id: occurrence.id, type: 'exception', seriesMasterId: master.id, originalStartUtc: occurrence.originalStartUtc };
}

/** An event, occurrence or exception by id; null when unknown, deleted, or not a date of the pattern. */
export function instanceById(mailbox: Mailbox, id: string): EventInstance | null {
  const event = mailbox.events.get(id);
  if (event) return ownInstance(event);
  const parsed = parseOccurrenceId(id);
  const master = parsed && mailbox.events.get(parsed.masterId);
  if (!parsed || !master?.recurrence || !occurrenceDates(master.recurrence, parsed.date).includes(parsed.date)) return null;
  return seriesInstanceOn(mailbox, master, parsed.date);
}

/** An instance overlaps [from, to) the way calendarView selects events. */
const overlaps = (instance: EventInstance, from: number, to: number) =>
  instance.startUtc < to && (instance.endUtc > from || (instance.endUtc === instance.startUtc && instance.startUtc >= from));

/** The instances of one series overlapping the window: occurrences and exceptions (by their own times). */
export function seriesInstances(mailbox: Mailbox, master: StoredEvent, from: number, to: number): EventInstance[] {
  const result: EventInstance[] = [];
  // A day of slack on the far end covers occurrences whose local date differs from the UTC date.
  const until = dateOnly(to + 86_400_000);
  for (const date of occurrenceDates(master.recurrence!, until)) {
    if (mailbox.exceptions.get(occurrenceId(master.id, date))?.event) continue;
    const occurrence = seriesInstanceOn(mailbox, master, date);
    if (occurrence && overlaps(occurrence, from, to)) result.push(occurrence);
  }
  // Exceptions count where they are now, which may be outside the dates scanned above.
  for (const [id, exception] of mailbox.exceptions) {
    if (exception.masterId !== master.id || !exception.event) continue;
    const instance = seriesInstanceOn(mailbox, master, exception.date);
    if (instance && instance.id === id && overlaps(instance, from, to)) result.push(instance);
  }
  return result.sort((a, b) => a.startUtc - b.startUtc || a.id.localeCompare(b.id));
}

/** Single instances, occurrences and exceptions overlapping the window, ordered by start. */
export function instancesInWindow(mailbox: Mailbox, from: number, to: number): EventInstance[] {
  const result: EventInstance[] = [];
  for (const event of mailbox.events.values()) {
    if (event.recurrence) result.push(...seriesInstances(mailbox, event, from, to));
    else if (overlaps(ownInstance(event), from, to)) result.push(ownInstance(event));
  }
  return result.sort((a, b) => a.startUtc - b.startUtc || a.id.localeCompare(b.id));
}
