// One occurrence of a Google series, pure. An instance is addressed by its own id,
// `<seriesId>_<YYYYMMDDTHHMMSSZ>` (timed, UTC) or `<seriesId>_<YYYYMMDD>` (all-day); editing or
// deleting that id makes an exception of the occurrence, and listings report exceptions with
// `recurringEventId` + `originalStartTime` — cancelled ones too ("Cancelled exceptions are only
// guaranteed to have values for the id, recurringEventId and originalStartTime fields populated").
// https://developers.google.com/calendar/api/guides/recurringevents
// https://developers.google.com/calendar/api/v3/reference/events (status, recurringEventId, originalStartTime)
import type { calendar_v3 } from '@googleapis/calendar';
import { toGooglePatch } from './google-mapping.js';
import type { RemoteEvent, SyncEvent } from './types.js';

type GoogleEvent = calendar_v3.Schema$Event;

/** The instance id of the occurrence that started at `originalStart` (SyncEvent form). */
export function googleInstanceId(seriesId: string, originalStart: string): string {
  const stamp = /^\d{4}-\d\d-\d\d$/.test(originalStart)
    ? originalStart.replaceAll('-', '')
    : new Date(originalStart).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${seriesId}_${stamp}`;
}

/** Which occurrence an exception stands for, or undefined for events that are not one. */
export function googleOccurrenceOf(resource: GoogleEvent): RemoteEvent['occurrenceOf'] {
  const original = resource.originalStartTime;
  if (!resource.recurringEventId || !original) return undefined;
  const originalStart = original.date ?? (original.dateTime ? new Date(Date.parse(original.dateTime)).toISOString() : null);
  return originalStart ? { seriesId: resource.recurringEventId, originalStart } : undefined;
}

/**
 * The patch that makes an instance look like `event`: the single-event patch without a
 * recurrence (an instance has none), and confirmed, which brings back a cancelled occurrence.
 */
export function toGoogleInstancePatch(event: SyncEvent): GoogleEvent {
  const { recurrence: _none, ...patch } = toGooglePatch({ ...event, recurrence: null });
  return { ...patch, status: 'confirmed' };
}
