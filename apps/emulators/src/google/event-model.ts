// Building and validating event resources for insert, update and patch, following the Events
// resource reference: https://developers.google.com/workspace/calendar/api/v3/reference/events
import { apiErrors } from './errors.js';
import type { StoredEvent } from './calendar-store.js';

export type EventResource = StoredEvent['resource'];
type Json = Record<string, unknown>;

/**
 * Fields the server owns; what a client sends for them is ignored. An instance keeps the series it
 * belongs to and its original start whatever a patch or update says (recurring events guide).
 */
const SERVER_FIELDS = ['kind', 'etag', 'htmlLink', 'created', 'updated', 'creator', 'organizer', 'id', 'hangoutLink', 'recurringEventId', 'originalStartTime'];

/**
 * "characters allowed in the ID are those used in base32hex encoding, i.e. lowercase letters a-v and
 * digits 0-9 … the length of the ID must be between 5 and 1024 characters" (Event.id, same reference).
 */
export const EVENT_ID = /^[a-v0-9]{5,1024}$/;

export interface EventDateTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

/** Epoch ms of a start/end; an all-day date counts from midnight UTC (the emulator ignores calendar zones here). */
export function instantOf(value: unknown): number {
  const when = (value ?? {}) as EventDateTime;
  if (when.dateTime) return Date.parse(when.dateTime);
  if (when.date) return Date.parse(`${when.date}T00:00:00Z`);
  return Number.NaN;
}

function checkTimes(resource: Json): void {
  const start = resource.start as EventDateTime | undefined;
  const end = resource.end as EventDateTime | undefined;
  if (!start || (!start.date && !start.dateTime)) throw apiErrors.required('Missing start time.');
  if (!end || (!end.date && !end.dateTime)) throw apiErrors.required('Missing end time.');
  if (Boolean(start.date) !== Boolean(end.date)) throw apiErrors.invalid('Start and end times must either both be date or both be dateTime.');
  for (const [name, when] of [['start', start], ['end', end]] as const) {
    if (when.dateTime && !/(Z|[+-]\d\d:\d\d)$/i.test(when.dateTime) && !when.timeZone) {
      throw apiErrors.required(`Missing time zone definition for ${name} time.`);
    }
    if (Number.isNaN(instantOf(when))) throw apiErrors.invalid(`Invalid ${name} time.`);
  }
  if (instantOf(end) < instantOf(start)) throw apiErrors.timeRangeEmpty('end');
}

function clientFields(body: Json): Json {
  const copy: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (!SERVER_FIELDS.includes(key) && value !== undefined) copy[key] = value;
  }
  return copy;
}

export interface EventContext {
  calendarId: string;
  ownerEmail: string;
  baseUrl: string;
  now: number;
  newId: () => string;
}

/** A new event from an insert body. Throws GoogleApiError on invalid input. */
export function buildInsertedEvent(body: Json, context: EventContext): EventResource {
  const id = body.id === undefined ? context.newId() : String(body.id);
  if (!EVENT_ID.test(id)) throw apiErrors.invalid('Invalid resource id value.');
  checkTimes(body);
  const person = { email: context.ownerEmail, self: true };
  const created = new Date(context.now).toISOString();
  return {
    kind: 'calendar#event',
    etag: '',
    id,
    status: 'confirmed',
    htmlLink: `${context.baseUrl}/calendar/event?eid=${Buffer.from(`${id} ${context.calendarId}`).toString('base64url')}`,
    created,
    updated: created,
    ...clientFields(body),
    creator: person,
    organizer: person,
    iCalUID: typeof body.iCalUID === 'string' ? body.iCalUID : `${id}@google.com`,
    sequence: typeof body.sequence === 'number' ? body.sequence : 0,
    reminders: body.reminders ?? { useDefault: true },
    eventType: body.eventType ?? 'default',
  } as EventResource;
}

/** Scheduling changes bump the iCalendar SEQUENCE, so attendees' clients take the newer copy. */
function nextSequence(before: EventResource, after: Json): number {
  const timing = (r: Json) => JSON.stringify([r.start, r.end, r.recurrence ?? null]);
  const requested = typeof after.sequence === 'number' ? after.sequence : before.sequence;
  return Math.max(requested, before.sequence + (timing(before) !== timing(after) ? 1 : 0));
}

function keepServerFields(before: EventResource): Json {
  const kept: Json = {};
  for (const key of [...SERVER_FIELDS, 'iCalUID']) if (before[key] !== undefined) kept[key] = before[key];
  return kept;
}

/** events.update: the body replaces every writable field (absent ones are cleared). */
export function buildUpdatedEvent(before: EventResource, body: Json): EventResource {
  checkTimes(body);
  const after = { ...clientFields(body), ...keepServerFields(before) } as EventResource;
  after.status = typeof body.status === 'string' ? body.status : 'confirmed';
  after.reminders = body.reminders ?? { useDefault: true };
  after.eventType = body.eventType ?? before.eventType ?? 'default';
  after.sequence = nextSequence(before, after);
  return after;
}

/** Patch semantics: objects merge key by key, `null` removes a key, arrays and scalars replace. */
function merge(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === 'object' && !Array.isArray(value) && typeof out[key] === 'object' && out[key] !== null && !Array.isArray(out[key])) {
      out[key] = merge(out[key] as Json, value as Json);
    } else out[key] = value;
  }
  return out;
}

/** events.patch (extendedProperties guide: "delete by PATCH value null"). */
export function buildPatchedEvent(before: EventResource, body: Json): EventResource {
  const after = { ...merge(before, clientFields(body)), ...keepServerFields(before) } as EventResource;
  checkTimes(after);
  after.sequence = nextSequence(before, after);
  return after;
}

/**
 * What a list shows for a deleted event: "Deleted events are only guaranteed to have the id field
 * populated" (Event.status in the reference above), so product code must not need more. A cancelled
 * instance of a series also has "values for the id, recurringEventId and originalStartTime fields"
 * (same field doc), which is how a client knows which occurrence went away.
 */
export function tombstone(resource: EventResource): Json {
  const instance = resource.recurringEventId ? { recurringEventId: resource.recurringEventId, originalStartTime: resource.originalStartTime } : {};
  return { kind: 'calendar#event', etag: resource.etag, id: resource.id, status: 'cancelled', ...instance };
}
