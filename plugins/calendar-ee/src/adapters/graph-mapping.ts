// SyncEvent ↔ Microsoft Graph event, pure. Graph holds wall-clock times plus a zone name (Windows
// or IANA); all-day events are midnight-to-midnight wall-clock times with isAllDay; recurrence is a
// patternedRecurrence (graph-recurrence.ts). We write IANA zones and read in UTC
// (`Prefer: outlook.timezone="UTC"`), taking the event's own zone from originalStartTimeZone.
// Our own events carry our mapping id in an extended property only we write (MAPPING_PROPERTY_ID).
import { DateTime, IANAZone } from 'luxon';
import { findIana } from 'windows-iana';
import { isUuid } from '@switchboard/core';
import { fromGraphRecurrence, toGraphRecurrence, type GraphRecurrence } from './graph-recurrence.js';
import { normalizeAttendees } from './attendees.js';
import type { RemoteEvent, SyncEvent } from './types.js';

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** The parts of a Graph event we read (https://learn.microsoft.com/graph/api/resources/event). */
export interface GraphEvent {
  id: string;
  '@odata.etag'?: string;
  '@removed'?: { reason: string };
  changeKey?: string;
  transactionId?: string | null;
  iCalUId?: string | null;
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId?: string | null;
  isCancelled?: boolean;
  subject?: string | null;
  body?: { contentType?: string; content?: string } | null;
  start?: DateTimeTimeZone;
  end?: DateTimeTimeZone;
  originalStartTimeZone?: string | null;
  originalEndTimeZone?: string | null;
  isAllDay?: boolean;
  recurrence?: GraphRecurrence | null;
  attendees?: Array<{ type?: string; emailAddress?: { address?: string | null } }>;
  singleValueExtendedProperties?: Array<{ id: string; value?: string | null }>;
}

/**
 * Where we write our mapping id: a string extended property in a GUID namespace of our own, so
 * only we write it. transactionId cannot tell our events apart: Outlook sets one of its own
 * (UUID-shaped) on events made in Outlook. Reads ask for it with
 * `$expand=singleValueExtendedProperties($filter=id eq '<MAPPING_PROPERTY_ID>')`.
 * https://learn.microsoft.com/graph/api/resources/extended-properties-overview (id formats)
 * https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get
 */
export const MAPPING_PROPERTY_ID = 'String {196150dc-48ec-4543-baa6-0ff575756f9a} Name switchboardMappingId';
export const EXPAND_MAPPING_PROPERTY = `$expand=singleValueExtendedProperties($filter=id eq '${MAPPING_PROPERTY_ID}')`;

/** Our mapping id on an event read with EXPAND_MAPPING_PROPERTY; anything but a UUID is not ours. */
export function mappingIdOf(graph: GraphEvent): string | null {
  const value = graph.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === MAPPING_PROPERTY_ID.toLowerCase())?.value;
  return value && isUuid(value) ? value : null;
}

/**
 * The IANA zone for a Graph zone name: a Windows id through CLDR's windowsZones (windows-iana; the
 * first name is CLDR's default for the id), or an IANA name as it is. null when neither knows it,
 * e.g. desktop Outlook's legacy custom zones (`tzone://Microsoft/Custom`, "Customized Time Zone").
 */
export function ianaTimeZone(name: string | null | undefined): string | null {
  if (!name) return null;
  // Every event read or written asks, and luxon builds an Intl.DateTimeFormat per check (it showed
  // in push profiles): answers are remembered, for as many names as there are zones in use.
  const known = zoneAnswers.get(name);
  if (known !== undefined) return known;
  // "UTC" is both an IANA name and a Windows id; IANA first keeps it as written.
  const mapped = IANAZone.isValidZone(name) ? name : (findIana(name)[0] ?? (name === 'Coordinated Universal Time' ? 'UTC' : null));
  const answer = mapped && IANAZone.isValidZone(mapped) ? mapped : null;
  if (zoneAnswers.size >= MAX_REMEMBERED_ZONES) zoneAnswers.clear();
  zoneAnswers.set(name, answer);
  return answer;
}
const zoneAnswers = new Map<string, string | null>();
/** Names come from events, which anyone can write: a bound keeps odd ones from piling up. */
const MAX_REMEMBERED_ZONES = 2000;

/** Graph's `2026-03-08T01:30:00.0000000` wall clock of an instant in `zone`. */
const wallClock = (instant: string, zone: string) =>
  `${DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat("yyyy-LL-dd'T'HH:mm:ss.SSS")}0000`;

/** Local first day of the series, which Graph's recurrence range starts on. */
export const seriesStartDate = (event: SyncEvent) =>
  event.allDay ? event.start : DateTime.fromISO(event.start, { zone: 'utc' }).setZone(event.timeZone).toISODate()!;

/**
 * The body of a create (POST) or update (PATCH): only the fields we sync, since PATCH replaces each
 * field it is sent. Attendees are never sent: an update that changes them mails the attendees
 * (https://learn.microsoft.com/graph/api/event-update, "attendees property and meeting updates"),
 * so sending our empty list would cancel the meeting for everyone invited in Outlook. Reminders,
 * categories, showAs and online-meeting data stay whatever Outlook holds.
 */
export function toGraphEvent(event: SyncEvent): Record<string, unknown> {
  const time = (value: string) => (event.allDay ? `${value}T00:00:00.0000000` : wallClock(value, event.timeZone));
  return {
    subject: event.title,
    body: { contentType: 'text', content: event.notes ?? '' },
    start: { dateTime: time(event.start), timeZone: event.timeZone },
    end: { dateTime: time(event.end), timeZone: event.timeZone },
    isAllDay: event.allDay,
    recurrence: event.recurrence
      ? toGraphRecurrence(event.recurrence, { date: seriesStartDate(event), timeZone: event.timeZone, allDay: event.allDay })
      : null,
  };
}

/** Plain text of an HTML body (when Outlook ignores the text preference). */
function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

function notesOf(body: GraphEvent['body']): string | null {
  const content = body?.content ?? '';
  const text = body?.contentType?.toLowerCase() === 'html' ? htmlToText(content) : content.replace(/\r\n/g, '\n');
  return text ? text : null;
}

/** An instant `YYYY-MM-DDTHH:mm:ss.sssZ` from a Graph wall-clock time in its zone. */
function instantOf(value: DateTimeTimeZone): string {
  const zone = ianaTimeZone(value.timeZone) ?? 'UTC';
  return DateTime.fromISO(value.dateTime.slice(0, 23), { zone }).toUTC().toJSDate().toISOString();
}

/**
 * The event's own zone. We read in UTC, so the instants are right whatever the zone; the zone only
 * places the entry. A legacy custom zone has no name we can resolve, and Graph v1.0 returns its
 * times only in the zone Prefer asks for (UTC by default), never in the custom zone itself, so there
 * is no wall clock to take an offset from: the end's zone, then the zone the times came in, stand in.
 */
const ownZone = (graph: GraphEvent) =>
  ianaTimeZone(graph.originalStartTimeZone) ?? ianaTimeZone(graph.originalEndTimeZone) ?? ianaTimeZone(graph.start?.timeZone) ?? 'UTC';

export function fromGraphEvent(graph: GraphEvent): SyncEvent {
  const { start, end } = graph;
  // The adapter reads a partial delta item in full (isCompleteEvent) before it gets here.
  if (!start || !end) throw new TypeError(`Graph event ${graph.id} has no start or end: read it in full first.`);
  const allDay = graph.isAllDay === true;
  const timeZone = ownZone(graph);
  return {
    title: graph.subject ?? '',
    notes: notesOf(graph.body),
    // All-day events float: midnight stays midnight whatever zone the read asked for.
    start: allDay ? start.dateTime.slice(0, 10) : instantOf(start),
    end: allDay ? end.dateTime.slice(0, 10) : instantOf(end),
    timeZone,
    allDay,
    recurrence: graph.recurrence ? fromGraphRecurrence(graph.recurrence, { timeZone, allDay }) : null,
    attendees: normalizeAttendees((graph.attendees ?? []).filter((a) => a.type !== 'resource').map((a) => a.emailAddress?.address)),
  };
}

/** `W/"<changeKey>"` → the change key. */
const changeKeyOf = (graph: GraphEvent) => graph.changeKey ?? graph['@odata.etag']?.replace(/^W\//, '').replace(/^"|"$/g, '') ?? '';

/** A delta item may carry only what changed (delta-query-overview): these must all be there to map it. */
const FULL_EVENT_KEYS = ['type', 'subject', 'body', 'start', 'end', 'isAllDay', 'recurrence', 'originalStartTimeZone', 'attendees'] as const;
export const isCompleteEvent = (graph: GraphEvent) => FULL_EVENT_KEYS.every((key) => graph[key] !== undefined);

/** The adapter's view of a Graph event; a delta `@removed` entry or a cancelled meeting is cancelled. */
export function toRemoteEvent(graph: GraphEvent): RemoteEvent {
  const cancelled = graph['@removed'] !== undefined || graph.isCancelled === true;
  const mappingId = mappingIdOf(graph);
  return {
    id: graph.id,
    etag: changeKeyOf(graph),
    iCalUid: graph.iCalUId ?? null,
    mappingId,
    ...(!mappingId && graph.transactionId && isUuid(graph.transactionId) ? { maybeMappingId: graph.transactionId } : {}),
    cancelled,
    event: cancelled ? null : fromGraphEvent(graph),
  };
}
