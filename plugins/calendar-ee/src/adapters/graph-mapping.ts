// SyncEvent ↔ Microsoft Graph event, pure. Graph holds wall-clock times plus a zone name (Windows
// or IANA); all-day events are midnight-to-midnight wall-clock times with isAllDay; recurrence is a
// patternedRecurrence (graph-recurrence.ts). We write IANA zones and read in UTC
// (`Prefer: outlook.timezone="UTC"`), taking the event's own zone from originalStartTimeZone.
import { DateTime } from 'luxon';
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
  isAllDay?: boolean;
  recurrence?: GraphRecurrence | null;
  attendees?: Array<{ type?: string; emailAddress?: { address?: string | null } }>;
}

/**
 * Windows zone names Outlook reports in originalStartTimeZone, to IANA (CLDR windowsZones, the
 * zones MSP tenants use most). An IANA name passes through as it is.
 */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'Dateline Standard Time': 'Etc/GMT+12',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Canada Central Standard Time': 'America/Regina',
  'Eastern Standard Time': 'America/New_York',
  'US Eastern Standard Time': 'America/Indianapolis',
  'Atlantic Standard Time': 'America/Halifax',
  'Newfoundland Standard Time': 'America/St_Johns',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Buenos_Aires',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'GTB Standard Time': 'Europe/Bucharest',
  'Russian Standard Time': 'Europe/Moscow',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Israel Standard Time': 'Asia/Jerusalem',
  'Arabian Standard Time': 'Asia/Dubai',
  'India Standard Time': 'Asia/Calcutta',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'Singapore Standard Time': 'Asia/Singapore',
  'China Standard Time': 'Asia/Shanghai',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'W. Australia Standard Time': 'Australia/Perth',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'New Zealand Standard Time': 'Pacific/Auckland',
};

/** The IANA zone for a Graph zone name, or null when neither table nor Intl knows it. */
export function ianaTimeZone(name: string | null | undefined): string | null {
  if (!name) return null;
  const zone = WINDOWS_ZONES[name] ?? name;
  return DateTime.local().setZone(zone).isValid ? zone : null;
}

/** Graph's `2026-03-08T01:30:00.0000000` wall clock of an instant in `zone`. */
const wallClock = (instant: string, zone: string) =>
  `${DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat("yyyy-LL-dd'T'HH:mm:ss.SSS")}0000`;

/** Local first day of the series, which Graph's recurrence range starts on. */
export const seriesStartDate = (event: SyncEvent) =>
  event.allDay ? event.start : DateTime.fromISO(event.start, { zone: 'utc' }).setZone(event.timeZone).toISODate()!;

/** The body of a create (POST) or update (PATCH); PATCH replaces each field we send. */
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
    attendees: event.attendees.map((address) => ({ type: 'required', emailAddress: { address } })),
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

export function fromGraphEvent(graph: GraphEvent): SyncEvent {
  const allDay = graph.isAllDay === true;
  const timeZone = ianaTimeZone(graph.originalStartTimeZone) ?? ianaTimeZone(graph.start?.timeZone) ?? 'UTC';
  const start = graph.start!;
  const end = graph.end!;
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

/** The adapter's view of a Graph event; a delta `@removed` entry or a cancelled meeting is cancelled. */
export function toRemoteEvent(graph: GraphEvent): RemoteEvent {
  const cancelled = graph['@removed'] !== undefined || graph.isCancelled === true;
  return {
    id: graph.id,
    etag: changeKeyOf(graph),
    iCalUid: graph.iCalUId ?? null,
    mappingId: graph.transactionId ?? null,
    cancelled,
    event: cancelled ? null : fromGraphEvent(graph),
  };
}
