// SyncEvent ↔ Google Calendar event resource, pure. Google keeps RRULE strings and exclusive
// all-day end dates as we do, so most fields map one to one; what Google has no place for (the zone
// of an all-day event) rides in a private extended property.
import { DateTime } from 'luxon';
import type { calendar_v3 } from '@googleapis/calendar';
import { normalizeRecurrence } from '@switchboard/core';
import { normalizeAttendees } from './attendees.js';
import type { RemoteEvent, SyncEvent } from './types.js';

type GoogleEvent = calendar_v3.Schema$Event;

/** Private extended property keys (≤ 44 chars, provider-facts/google-guides.md). */
export const MAPPING_ID_PROPERTY = 'switchboardMappingId';
const TIME_ZONE_PROPERTY = 'switchboardTimeZone';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/**
 * Our event id for a mapping: deterministic, so a retried insert collides (409) instead of
 * duplicating. Google ids are base32hex (0-9a-v), 5..1024 chars; a UUID without dashes already is.
 */
export function googleEventId(mappingId: string): string {
  const compact = mappingId.toLowerCase().replaceAll('-', '');
  if (/^[0-9a-v]{5,1024}$/.test(compact)) return compact;
  let bits = '';
  for (const byte of Buffer.from(mappingId, 'utf8')) bits += byte.toString(2).padStart(8, '0');
  let id = '';
  for (let i = 0; i < bits.length; i += 5) id += BASE32HEX[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return id.padEnd(5, '0');
}

/** RFC 3339 wall-clock time with the zone's offset at that instant (Google echoes it back as sent). */
function zonedDateTime(instant: string, timeZone: string): string {
  const local = DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone);
  return local.toISO({ suppressMilliseconds: true, includeOffset: true })!;
}

/**
 * The event resource for an insert (and the base of a patch): only the fields we own. Attendees,
 * reminders, colour, conference data and others' extended properties are the calendar user's; not
 * sending them leaves them as they are under patch semantics (and an attendee list we sent would
 * replace theirs, mailing cancellations when they send updates). Notes '' and null both mean "no
 * description".
 */
export function toGoogleEvent(event: SyncEvent, mappingId?: string): GoogleEvent {
  const privateProps: Record<string, string> = {};
  if (mappingId) privateProps[MAPPING_ID_PROPERTY] = mappingId;
  if (event.allDay) privateProps[TIME_ZONE_PROPERTY] = event.timeZone;
  return {
    summary: event.title,
    ...(event.notes ? { description: event.notes } : {}),
    start: event.allDay ? { date: event.start } : { dateTime: zonedDateTime(event.start, event.timeZone), timeZone: event.timeZone },
    end: event.allDay ? { date: event.end } : { dateTime: zonedDateTime(event.end, event.timeZone), timeZone: event.timeZone },
    ...(event.recurrence ? { recurrence: [`RRULE:${event.recurrence}`] } : {}),
    ...(Object.keys(privateProps).length ? { extendedProperties: { private: privateProps } } : {}),
  };
}

/**
 * The body of events.patch (https://developers.google.com/calendar/api/v3/reference/events/patch):
 * the insert resource plus explicit nulls for what must disappear (patch merges objects key by key,
 * so switching between date and dateTime must clear the other one). Fields we do not manage
 * (attendees, location, reminders, colour, conference data, other private or shared properties)
 * are absent, so they stay as the calendar's user left them; a stale all-day zone property is
 * harmless because timed events read the zone from `start`.
 */
export function toGooglePatch(event: SyncEvent): GoogleEvent {
  const resource = toGoogleEvent(event) as Record<string, unknown>;
  const clear = event.allDay ? { dateTime: null, timeZone: null } : { date: null };
  return {
    ...resource,
    description: event.notes ? event.notes : null,
    recurrence: event.recurrence ? [`RRULE:${event.recurrence}`] : null,
    start: { ...(resource.start as object), ...clear },
    end: { ...(resource.end as object), ...clear },
  } as GoogleEvent;
}

/** `2026-03-08T06:30:00.000Z` from any RFC 3339 value. */
const toInstant = (dateTime: string) => new Date(Date.parse(dateTime)).toISOString();

/**
 * The first RRULE of a recurrence list, as Google wrote it (upper-cased); EXDATE/RDATE lines
 * (exceptions) have no place in a SyncEvent. Whether the PSA can hold the rule is inbound's call.
 */
function ruleOf(recurrence: string[] | null | undefined): string | null {
  const line = recurrence?.find((r) => /^RRULE:/i.test(r));
  return line ? normalizeRecurrence(line) : null;
}

/** SyncEvent of a (not cancelled) Google event. */
export function fromGoogleEvent(resource: GoogleEvent): SyncEvent {
  const start = resource.start ?? {};
  const end = resource.end ?? {};
  const privateProps = resource.extendedProperties?.private ?? {};
  const allDay = Boolean(start.date);
  return {
    title: resource.summary ?? '',
    notes: resource.description ? resource.description : null,
    start: allDay ? start.date! : toInstant(start.dateTime!),
    end: allDay ? end.date! : toInstant(end.dateTime!),
    timeZone: (allDay ? privateProps[TIME_ZONE_PROPERTY] : start.timeZone) ?? start.timeZone ?? 'UTC',
    allDay,
    recurrence: ruleOf(resource.recurrence),
    // Rooms and other resources are not attendees.
    attendees: normalizeAttendees((resource.attendees ?? []).filter((a) => !a.resource).map((a) => a.email)),
  };
}

/** The adapter's view of a Google event; cancelled ones carry only their id (all Google guarantees). */
export function toRemoteEvent(resource: GoogleEvent): RemoteEvent {
  const cancelled = resource.status === 'cancelled';
  return {
    id: resource.id!,
    etag: resource.etag ?? '',
    iCalUid: resource.iCalUID ?? null,
    mappingId: resource.extendedProperties?.private?.[MAPPING_ID_PROPERTY] ?? null,
    cancelled,
    event: cancelled ? null : fromGoogleEvent(resource),
  };
}
