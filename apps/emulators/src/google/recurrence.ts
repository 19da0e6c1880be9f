// Recurring events as Google serves them (https://developers.google.com/calendar/api/guides/recurringevents):
// a master holds `recurrence` lines (RRULE, EXDATE); its instances have ids `<masterId>_<YYYYMMDDTHHMMSSZ>`
// (timed, UTC) or `<masterId>_<YYYYMMDD>` (all-day), and carry `recurringEventId` + `originalStartTime`.
// An instance that was changed or cancelled is stored as an event of its own (an exception); the
// others are computed from the master on every read, as events.instances returns them
// (https://developers.google.com/calendar/api/v3/reference/events/instances).
import rrule from 'rrule';
import { utcToZoned, zonedToUtc } from '../microsoft/graph-time.js';
import type { Calendar, CalendarStore, StoredEvent } from './calendar-store.js';
import { instantOf, type EventDateTime, type EventResource } from './event-model.js';

/** Where the emulator stops expanding a series that has no window and no end (Google pages on). */
export const MAX_INSTANCES = 730;
const DAY = 86_400_000;

export const isMaster = (r: EventResource) => Array.isArray(r.recurrence) && r.recurrence.length > 0 && !r.recurringEventId;

/** The zone a series recurs in: its start's zone, else the calendar's. */
function seriesZone(master: EventResource, calendar: Calendar): string {
  return (master.start as EventDateTime).timeZone ?? calendar.timeZone ?? 'UTC';
}

/** `20260302T080000Z` of an instant; `20260302` of a date. */
const stampOf = (when: EventDateTime) =>
  when.date ? when.date.replaceAll('-', '') : new Date(instantOf(when)).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

export const instanceId = (masterId: string, originalStart: EventDateTime) => `${masterId}_${stampOf(originalStart)}`;

export function splitInstanceId(id: string): { masterId: string; stamp: string } | null {
  const at = id.lastIndexOf('_');
  const stamp = id.slice(at + 1);
  return at > 0 && /^\d{8}(T\d{6}Z)?$/.test(stamp) ? { masterId: id.slice(0, at), stamp } : null;
}

/** RFC 3339 with the zone's offset, the form Google answers in. */
function inZone(instant: number, zone: string): string {
  const offsetMinutes = Math.round((utcToZoned(instant, zone) - instant) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** EXDATE lines as instance stamps: `EXDATE;VALUE=DATE:20260302`, `EXDATE:20260302T080000Z`, `EXDATE;TZID=Europe/Berlin:20260302T090000`. */
function excludedStamps(master: EventResource, zone: string): Set<string> {
  const stamps = new Set<string>();
  for (const line of (master.recurrence as string[]).filter((l) => /^EXDATE[;:]/i.test(l))) {
    const colon = line.indexOf(':');
    const tzid = /TZID=([^;:]+)/i.exec(line.slice(0, colon))?.[1] ?? zone;
    for (const value of line.slice(colon + 1).split(',')) {
      const m = /^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z)?)?$/i.exec(value.trim());
      if (!m) continue;
      if (!m[4]) stamps.add(`${m[1]}${m[2]}${m[3]}`);
      else {
        const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
        stamps.add(stampOf({ dateTime: new Date(m[7] ? local : zonedToUtc(local, tzid)).toISOString() }));
      }
    }
  }
  return stamps;
}

/**
 * The original starts the master's RRULEs produce (EXDATEs not applied) whose instance overlaps
 * [from, to), at most MAX_INSTANCES. Rules recur on the wall clock of the series' zone: rrule
 * expands in floating time (UTC values standing for local times) and each result is converted back.
 */
function ruleStarts(master: EventResource, calendar: Calendar, from?: number, to?: number): EventDateTime[] {
  const start = master.start as EventDateTime;
  const allDay = Boolean(start.date);
  const zone = allDay ? 'UTC' : seriesZone(master, calendar);
  const startMs = instantOf(start);
  const duration = instantOf(master.end) - startMs;
  const set = new rrule.RRuleSet();
  for (const line of (master.recurrence as string[]).filter((l) => /^RRULE:/i.test(l))) {
    set.rrule(new rrule.RRule({ ...rrule.RRule.parseString(line.slice(6)), dtstart: new Date(utcToZoned(startMs, zone)) }));
  }
  // Floating and real times differ by less than a day: scan a day wider and filter exactly.
  const floating =
    from === undefined && to === undefined
      ? set.all((_, i) => i < MAX_INSTANCES)
      : set.between(new Date((from ?? startMs) - duration - DAY), new Date((to ?? startMs + 3650 * DAY) + DAY), true, (_, i) => i < MAX_INSTANCES);
  return floating
    .map((d) => zonedToUtc(d.getTime(), zone))
    .filter((s) => (from === undefined || s + duration > from || (duration === 0 && s >= from)) && (to === undefined || s < to))
    .map((s) => (allDay ? { date: new Date(s).toISOString().slice(0, 10) } : { dateTime: inZone(s, zone), timeZone: zone }));
}

/** An instance as the master makes it: the master's fields at the occurrence's time, no recurrence. */
function instanceOf(master: EventResource, originalStart: EventDateTime): EventResource {
  const { recurrence: _recurrence, ...fields } = master;
  const start = master.start as EventDateTime;
  const end = master.end as EventDateTime;
  const duration = instantOf(end) - instantOf(start);
  const zone = originalStart.timeZone ?? 'UTC';
  return {
    ...fields,
    id: instanceId(master.id, originalStart),
    recurringEventId: master.id,
    originalStartTime: originalStart,
    start: originalStart.date ? { date: originalStart.date } : { dateTime: originalStart.dateTime, timeZone: start.timeZone },
    end: originalStart.date
      ? { date: addDays(originalStart.date, Math.round(duration / DAY)) }
      : { dateTime: inZone(instantOf(originalStart) + duration, zone), timeZone: end.timeZone },
  } as EventResource;
}

/** Instances computed from the master: the same ordering and change sequence as the master itself. */
const computed = (master: StoredEvent, resource: EventResource): StoredEvent => ({ resource, createdSeq: master.createdSeq, changeSeq: master.changeSeq });

/**
 * The instances of a series overlapping [from, to): stored exceptions (cancelled ones with
 * `showDeleted`), and computed instances that are neither excepted nor excluded by an EXDATE.
 * `computedOnly` leaves the stored exceptions out (a listing shows those as events of their own).
 */
export function seriesInstances(
  store: CalendarStore,
  calendar: Calendar,
  master: StoredEvent,
  window: { from?: number; to?: number; showDeleted?: boolean; computedOnly?: boolean },
): StoredEvent[] {
  if (master.resource.status === 'cancelled') return [];
  const exceptions = new Map(store.eventsOf(calendar.id).filter((e) => e.resource.recurringEventId === master.resource.id).map((e) => [e.resource.id, e]));
  const excluded = excludedStamps(master.resource, seriesZone(master.resource, calendar));
  const result: StoredEvent[] = [];
  for (const originalStart of ruleStarts(master.resource, calendar, window.from, window.to)) {
    const id = instanceId(master.resource.id, originalStart);
    if (!exceptions.has(id) && !excluded.has(id.slice(id.lastIndexOf('_') + 1))) result.push(computed(master, instanceOf(master.resource, originalStart)));
  }
  if (window.computedOnly) return result;
  // Exceptions by their own (possibly moved) times.
  for (const exception of exceptions.values()) {
    const r = exception.resource;
    if (r.status === 'cancelled' ? !window.showDeleted : !(window.from === undefined || instantOf(r.end) > window.from) || !(window.to === undefined || instantOf(r.start) < window.to)) continue;
    result.push(exception);
  }
  return result.sort((a, b) => instantOf(a.resource.originalStartTime) - instantOf(b.resource.originalStartTime));
}

/**
 * An event by id: a stored one (exceptions included), else an instance of a live series that its
 * rule produces and no EXDATE removes (what events.get answers for an instance id).
 */
export function findEvent(store: CalendarStore, calendar: Calendar, eventId: string): StoredEvent | undefined {
  const stored = store.getEvent(calendar.id, eventId);
  if (stored) return stored;
  const parts = splitInstanceId(eventId);
  const master = parts && store.getEvent(calendar.id, parts.masterId);
  if (!parts || !master || !isMaster(master.resource) || master.resource.status === 'cancelled') return undefined;
  const at = parts.stamp.length === 8 ? Date.parse(`${parts.stamp.slice(0, 4)}-${parts.stamp.slice(4, 6)}-${parts.stamp.slice(6)}T00:00:00Z`) : Date.parse(parts.stamp.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (Number.isNaN(at)) return undefined;
  return seriesInstances(store, calendar, master, { from: at, to: at + 1, computedOnly: true }).find((e) => e.resource.id === eventId);
}

/** Deleting a series cancels its exceptions too: none of its instances is left. */
export function cancelExceptionsOf(store: CalendarStore, calendarId: string, masterId: string): void {
  for (const e of store.eventsOf(calendarId)) {
    if (e.resource.recurringEventId === masterId && e.resource.status !== 'cancelled') store.write(calendarId, { ...e.resource, status: 'cancelled' });
  }
}
