// What a drag or a key press on the schedule asks for, as an occurrence's new start and end (in the
// entry's own format): pure, so the pointer and the keyboard agree and tests pin both down.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import type { Occurrence } from './recurrence.ts';
import { DAY_MINUTES, SNAP_MINUTES } from './grid-layout.ts';
import type { ScheduleWindow } from './week.ts';
import { addDays, dateKeyAt, instantOf, parseDateKey, wallTimeAt } from './zoned-time.ts';

const MINUTE_MS = 60_000;

export const snap = (minutes: number): number => Math.round(minutes / SNAP_MINUTES) * SNAP_MINUTES;

const iso = (instant: number) => new Date(instant).toISOString();

/** The instant `minute` minutes into the window's day `dayIndex`, read on that day's clock (1440: the next midnight). */
export function instantOnGrid(window: ScheduleWindow, dayIndex: number, minute: number): number {
  if (minute >= DAY_MINUTES) return window.midnights[dayIndex + 1];
  return instantOf({ ...parseDateKey(window.days[dayIndex])!, hour: Math.floor(minute / 60), minute: minute % 60 }, window.timeZone);
}

/** The occurrence starting at `startMs`, as long as before. */
export function moveTo(occurrence: Occurrence, startMs: number): Occurrence {
  const duration = Date.parse(occurrence.end) - Date.parse(occurrence.start);
  return { start: iso(startMs), end: iso(startMs + duration) };
}

/**
 * Moved by whole days and some minutes: the days keep the time on the viewer's clock (09:00 stays
 * 09:00 across a daylight-saving change), the minutes are elapsed time.
 */
export function shiftTimed(occurrence: Occurrence, by: { days?: number; minutes?: number }, timeZone: string): Occurrence {
  const start = Date.parse(occurrence.start);
  const wall = wallTimeAt(start, timeZone);
  const day = parseDateKey(addDays(dateKeyAt(start, timeZone), by.days ?? 0))!;
  const moved = instantOf({ ...day, hour: wall.hour, minute: wall.minute, second: wall.second }, timeZone) + (by.minutes ?? 0) * MINUTE_MS;
  return moveTo(occurrence, moved);
}

/** Ending at `endMs`, but at least one snap step after its start. */
export function resizeTo(occurrence: Occurrence, endMs: number): Occurrence {
  const start = Date.parse(occurrence.start);
  return { start: occurrence.start, end: iso(Math.max(endMs, start + SNAP_MINUTES * MINUTE_MS)) };
}

export const shiftAllDay = (occurrence: Occurrence, days: number): Occurrence => ({ start: addDays(occurrence.start, days), end: addDays(occurrence.end, days) });

/** An all-day occurrence a number of days longer or shorter, never shorter than one day. */
export function resizeAllDay(occurrence: Occurrence, days: number): Occurrence {
  const end = addDays(occurrence.end, days);
  return { start: occurrence.start, end: end > occurrence.start ? end : addDays(occurrence.start, 1) };
}

/** The assignees after moving from one technician's row to another's: `from` is replaced by `to`, once. */
export function replaceAssignee(ids: string[], from: string | null, to: string): string[] {
  if (ids.includes(to)) return ids.filter((id) => id !== from || from === to);
  if (from && ids.includes(from)) return ids.map((id) => (id === from ? to : id));
  return [...ids, to];
}

/** A drag on empty time from one minute of a day to another, as at least one snap step. */
export function rangeOnGrid(from: number, to: number): [number, number] {
  const start = Math.floor(Math.min(from, to) / SNAP_MINUTES) * SNAP_MINUTES;
  const end = Math.ceil(Math.max(from, to) / SNAP_MINUTES) * SNAP_MINUTES;
  return [start, Math.max(end, start + SNAP_MINUTES)];
}

/** Starting on the nearest snap step of the viewer's clock (a drag never leaves 09:07). */
export function snapStart(occurrence: Occurrence, timeZone: string): Occurrence {
  const wall = wallTimeAt(Date.parse(occurrence.start), timeZone);
  const minute = wall.hour * 60 + wall.minute;
  return shiftTimed(occurrence, { minutes: snap(minute) - minute - wall.second / 60 }, timeZone);
}

/** The entry a drag on empty time is drawing, before it exists. */
export function draftEntry(times: Occurrence, timeZone: string, assigneeIds: string[]): ScheduleEntry {
  return {
    id: 'draft',
    title: 'New entry',
    notes: null,
    ...times,
    timeZone,
    allDay: false,
    recurrence: null,
    seriesEntryId: null,
    originalStart: null,
    excludedStarts: [],
    workItemType: 'ad_hoc',
    workItemId: null,
    clientId: null,
    contactId: null,
    assigneeIds,
    version: 0,
    createdAt: times.start,
    updatedAt: times.start,
  };
}
