// A PSA schedule entry as a calendar event, and the content hash sync compares: two versions with
// the same hash are the same change (so our own write read back is not a change).
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { canonicalRecurrence } from '../adapters/graph-recurrence.js';
import type { SyncEvent } from '../adapters/types.js';

/** The fields of a schedule entry sync cares about (core's ScheduleEntry has these). */
export interface EntryFields {
  title: string;
  notes: string | null;
  start: string;
  end: string;
  timeZone: string;
  allDay: boolean;
  recurrence: string | null;
}

export function entryToEvent(entry: EntryFields): SyncEvent {
  return {
    title: entry.title,
    notes: entry.notes || null,
    start: entry.start,
    end: entry.end,
    timeZone: entry.timeZone,
    allDay: entry.allDay,
    recurrence: entry.recurrence || null,
    attendees: [],
  };
}

/**
 * Attendees are left out: providers add the organizer, and we never invite anyone. A recurrence
 * is hashed in the form Outlook reads it back in (`FREQ=WEEKLY` gains its BYDAY, UNTIL moves to
 * the end of its day), so our own write read back hashes the same.
 */
export function contentHash(event: SyncEvent): string {
  const date = event.allDay ? event.start : (DateTime.fromISO(event.start, { zone: event.timeZone }).toISODate() ?? event.start.slice(0, 10));
  const recurrence = event.recurrence ? canonicalRecurrence(event.recurrence, { date, timeZone: event.timeZone, allDay: event.allDay }) : null;
  const canonical = [event.title.trim(), event.notes?.trim() || null, event.start, event.end, event.allDay, event.allDay ? null : event.timeZone, recurrence];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
