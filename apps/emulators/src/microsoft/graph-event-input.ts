// Turns a client's event JSON (create or update) into the stored event, with the validation
// Outlook applies. Resource reference: https://learn.microsoft.com/graph/api/resources/event
import { randomUUID } from 'node:crypto';
import { normalizeRecurrence, type PatternedRecurrence } from './graph-recurrence.js';
import { formatLocal, ianaZone, isMidnight, parseLocal, zonedToUtc } from './graph-time.js';

export interface EmailAddress {
  name: string;
  address: string;
}

export interface StoredEvent {
  id: string;
  calendarId: string;
  changeKey: string;
  createdAt: number;
  modifiedAt: number;
  iCalUId: string;
  /** Mailbox change sequence of the last write; delta compares it with a token's sequence. */
  seq: number;
  subject: string;
  body: { contentType: string; content: string };
  /** As the client sent them, normalised to seven fraction digits. */
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  startUtc: number;
  endUtc: number;
  isAllDay: boolean;
  recurrence: PatternedRecurrence | null;
  attendees: Array<{ type: string; status: { response: string; time: string }; emailAddress: EmailAddress }>;
  organizer: { emailAddress: EmailAddress };
  location: Record<string, unknown>;
  locations: Array<Record<string, unknown>>;
  showAs: string;
  importance: string;
  sensitivity: string;
  categories: string[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  isCancelled: boolean;
  transactionId: string | null;
  singleValueExtendedProperties: Array<{ id: string; value: string }>;
  extensions: Array<Record<string, unknown>>;
  /** Set only by desktop Outlook's legacy custom zones (eventFromOutlook): reported instead of start/end's zone. */
  originalTimeZones?: { start: string; end: string };
}

/** A client mistake Outlook answers with 400 and this code. */
export class EventInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SHOW_AS = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const pick = (value: unknown, allowed: string[], fallback: string) =>
  (typeof value === 'string' && allowed.find((a) => a.toLowerCase() === value.toLowerCase())) || fallback;

function parseTime(value: unknown, field: string): { dateTime: string; timeZone: string; local: number; utc: number } {
  const input = value as { dateTime?: unknown; timeZone?: unknown } | null;
  if (!input || typeof input.dateTime !== 'string') throw new EventInputError('BadRequest', `The ${field} property is required.`);
  const timeZone = typeof input.timeZone === 'string' && input.timeZone ? input.timeZone : 'UTC';
  const zone = ianaZone(timeZone);
  // Outlook's answer to an unknown zone name.
  if (!zone) {
    throw new EventInputError('TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${timeZone}'.`);
  }
  const local = parseLocal(input.dateTime.replace(/Z$/, ''));
  if (local === null) throw new EventInputError('BadRequest', `Cannot convert the literal '${input.dateTime}' to the expected type 'Edm.DateTime'.`);
  return { dateTime: formatLocal(local), timeZone, local, utc: zonedToUtc(local, zone) };
}

function parseAttendees(value: unknown): StoredEvent['attendees'] {
  if (!Array.isArray(value)) return [];
  return value.map((a: { type?: unknown; emailAddress?: { name?: unknown; address?: unknown } }) => {
    const address = String(a?.emailAddress?.address ?? '');
    return {
      type: pick(a?.type, ['required', 'optional', 'resource'], 'required'),
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      emailAddress: { name: String(a?.emailAddress?.name ?? address), address },
    };
  });
}

/** Outlook fills locationType/uniqueId around a bare displayName (user-post-events example 1). */
function parseLocation(value: unknown): Record<string, unknown> {
  const input = (value ?? {}) as Record<string, unknown>;
  const displayName = typeof input.displayName === 'string' ? input.displayName : '';
  if (!displayName) return { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} };
  return { ...input, displayName, locationType: 'default', uniqueId: displayName, uniqueIdType: 'private' };
}

type Times = Pick<StoredEvent, 'start' | 'end' | 'startUtc' | 'endUtc' | 'isAllDay'>;

/**
 * All-day events must start and end at midnight and last whole days (at least one); the time zone
 * only places them. Error texts as Outlook reports them (OfficeDev/Office-365-SDK-for-Java#5).
 */
function parseTimes(body: Record<string, unknown>, current?: StoredEvent): Times {
  const start = body.start !== undefined ? parseTime(body.start, 'start') : current && { ...current.start, local: parseLocal(current.start.dateTime) as number, utc: current.startUtc };
  const end = body.end !== undefined ? parseTime(body.end, 'end') : current && { ...current.end, local: parseLocal(current.end.dateTime) as number, utc: current.endUtc };
  if (!start) throw new EventInputError('BadRequest', 'The start property is required.');
  if (!end) throw new EventInputError('BadRequest', 'The end property is required.');
  const isAllDay = body.isAllDay !== undefined ? body.isAllDay === true : (current?.isAllDay ?? false);
  if (end.utc < start.utc) throw new EventInputError('ErrorInvalidRequest', 'The end time of the event must be after its start time.');
  if (isAllDay) {
    if (!isMidnight(start.local) || !isMidnight(end.local)) {
      throw new EventInputError('ErrorInvalidRequest', 'Your request can\'t be completed. If you\'re creating an all-day event, the start and end times must be set to midnight.');
    }
    if (end.local - start.local < 86_400_000) {
      throw new EventInputError('ErrorInvalidRequest', 'The duration of an event marked as All day must be at least 24 hours.');
    }
  }
  return { start: { dateTime: start.dateTime, timeZone: start.timeZone }, end: { dateTime: end.dateTime, timeZone: end.timeZone }, startUtc: start.utc, endUtc: end.utc, isAllDay };
}

function parseRecurrence(value: unknown, timeZone: string): PatternedRecurrence | null {
  if (value === null || value === undefined) return null;
  const recurrence = normalizeRecurrence(value, timeZone);
  if (typeof recurrence === 'string') throw new EventInputError('ErrorInvalidRequest', recurrence);
  return recurrence;
}

/** Fields shared by create and update, applied over `base`. */
function applyFields(base: StoredEvent, body: Record<string, unknown>): StoredEvent {
  const next = { ...base };
  if (typeof body.subject === 'string') next.subject = body.subject;
  if (body.body && typeof body.body === 'object') {
    const b = body.body as { contentType?: unknown; content?: unknown };
    next.body = { contentType: pick(b.contentType, ['text', 'html'], 'text'), content: String(b.content ?? '') };
  }
  if (body.attendees !== undefined) next.attendees = parseAttendees(body.attendees);
  if (body.location !== undefined) next.location = parseLocation(body.location);
  if (Array.isArray(body.locations)) next.locations = body.locations.map(parseLocation);
  else if (body.location !== undefined) next.locations = next.location.displayName ? [{ displayName: next.location.displayName, locationType: 'default', uniqueIdType: 'unknown' }] : [];
  if (body.showAs !== undefined) next.showAs = pick(body.showAs, SHOW_AS, 'busy');
  if (body.importance !== undefined) next.importance = pick(body.importance, ['low', 'normal', 'high'], 'normal');
  if (body.sensitivity !== undefined) next.sensitivity = pick(body.sensitivity, ['normal', 'personal', 'private', 'confidential'], 'normal');
  if (Array.isArray(body.categories)) next.categories = body.categories.map(String);
  if (typeof body.isReminderOn === 'boolean') next.isReminderOn = body.isReminderOn;
  if (typeof body.reminderMinutesBeforeStart === 'number') next.reminderMinutesBeforeStart = body.reminderMinutesBeforeStart;
  if (Array.isArray(body.singleValueExtendedProperties)) {
    // Extended properties are set by id; a write replaces the value of the same id.
    const props = new Map(next.singleValueExtendedProperties.map((p) => [p.id.toLowerCase(), p]));
    for (const p of body.singleValueExtendedProperties as Array<{ id?: unknown; value?: unknown }>) {
      if (typeof p?.id === 'string') props.set(p.id.toLowerCase(), { id: p.id, value: String(p.value ?? '') });
    }
    next.singleValueExtendedProperties = [...props.values()];
  }
  if (Array.isArray(body.extensions)) next.extensions = body.extensions.map((e) => ({ ...(e as Record<string, unknown>) }));
  Object.assign(next, parseTimes(body, base.id ? base : undefined));
  if (body.recurrence !== undefined) next.recurrence = parseRecurrence(body.recurrence, next.start.timeZone);
  return next;
}

/** A new event from a POST body; identity fields (id, changeKey, seq) are filled by the store. */
export function eventFromCreate(body: Record<string, unknown>, organizer: EmailAddress, calendarId: string): StoredEvent {
  const empty: StoredEvent = {
    id: '',
    calendarId,
    changeKey: '',
    createdAt: 0,
    modifiedAt: 0,
    iCalUId: '',
    seq: 0,
    subject: '',
    body: { contentType: 'html', content: '' },
    start: { dateTime: '', timeZone: 'UTC' },
    end: { dateTime: '', timeZone: 'UTC' },
    startUtc: 0,
    endUtc: 0,
    isAllDay: false,
    recurrence: null,
    attendees: [],
    organizer: { emailAddress: organizer },
    location: parseLocation(undefined),
    locations: [],
    showAs: 'busy',
    importance: 'normal',
    sensitivity: 'normal',
    categories: [],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    isCancelled: false,
    transactionId: typeof body.transactionId === 'string' ? body.transactionId : null,
    singleValueExtendedProperties: [],
    extensions: [],
  };
  return applyFields(empty, body);
}

/** The event after a PATCH. transactionId is fixed once set (event resource, transactionId row). */
export function eventFromUpdate(current: StoredEvent, body: Record<string, unknown>): StoredEvent {
  if (body.transactionId !== undefined && body.transactionId !== current.transactionId) {
    throw new EventInputError('ErrorInvalidRequest', 'The transactionId of an event cannot be changed after it was created.');
  }
  const next = applyFields(current, body);
  // New times carry their own zone: a legacy custom zone does not survive them.
  if (body.start !== undefined || body.end !== undefined) delete next.originalTimeZones;
  return next;
}

/**
 * An event made in Outlook itself (web, desktop, mobile), as seeding makes them. Outlook chooses a
 * UUID-shaped transactionId of its own, so a transactionId does not mean "written by this app".
 * Desktop Outlook may also keep a legacy custom zone that Graph names only in originalStartTimeZone
 * / originalEndTimeZone ("A value of tzone://Microsoft/Custom indicates that a legacy custom time
 * zone was set in desktop Outlook", https://learn.microsoft.com/graph/api/resources/event); the
 * seed gives it as `originalStartTimeZone` with start/end in a zone Graph knows (e.g. UTC).
 */
export function eventFromOutlook(body: Record<string, unknown>, organizer: EmailAddress, calendarId: string): StoredEvent {
  const event = eventFromCreate({ transactionId: randomUUID(), ...body }, organizer, calendarId);
  const start = typeof body.originalStartTimeZone === 'string' ? body.originalStartTimeZone : null;
  const end = typeof body.originalEndTimeZone === 'string' ? body.originalEndTimeZone : start;
  return start ? { ...event, originalTimeZones: { start, end: end! } } : event;
}
