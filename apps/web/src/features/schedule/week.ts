// The period on screen (a week, Monday to Sunday, or one day) in the viewer's time zone, its bounds
// for the API, and which occurrences of the entries fall inside it.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { occurrencesWithin, type Occurrence } from './recurrence.ts';
import { addDays, browserTimeZone, dateKeyAt, instantOf, isoWithOffset, parseDateKey, weekdayOf } from './zoned-time.ts';

export const todayKey = (timeZone = browserTimeZone()): string => dateKeyAt(Date.now(), timeZone);

export const mondayOf = (dateKey: string): string => addDays(dateKey, -weekdayOf(dateKey));

/** The day `?date=` (or the older `?week=`) names, or today when absent or invalid. */
export const dateFromParam = (param: string | null, today: string): string => (param && parseDateKey(param) ? param : today);

export interface ScheduleWindow {
  days: string[];
  /** Midnight starting the first day, as ISO with the zone's offset (sent to the API). */
  from: string;
  /** Midnight ending the last day, likewise. */
  to: string;
  fromMs: number;
  toMs: number;
  timeZone: string;
  /** Midnight starting each day and the one ending the last: `days.length + 1` instants. */
  midnights: number[];
}

export const midnight = (dateKey: string, timeZone: string) => instantOf({ ...parseDateKey(dateKey)!, hour: 0, minute: 0 }, timeZone);

export function scheduleWindow(firstDay: string, dayCount: number, timeZone = browserTimeZone()): ScheduleWindow {
  const days = Array.from({ length: dayCount }, (_, i) => addDays(firstDay, i));
  const midnights = [...days, addDays(firstDay, dayCount)].map((d) => midnight(d, timeZone));
  const fromMs = midnights[0];
  const toMs = midnights[dayCount];
  return { days, from: isoWithOffset(fromMs, timeZone), to: isoWithOffset(toMs, timeZone), fromMs, toMs, timeZone, midnights };
}

export const weekWindow = (monday: string, timeZone = browserTimeZone()) => scheduleWindow(monday, 7, timeZone);

/**
 * The occurrences of each entry in the window that are still occurrences: a series loses the ones it
 * cancelled and the ones a changed occurrence replaced (the API lists such an override in the
 * week its occurrence was in too, so it is here whenever it matters). Null: a rule too rich to expand.
 */
export function occurrencesShown(entries: ScheduleEntry[], window: ScheduleWindow): (entry: ScheduleEntry) => Occurrence[] | null {
  const replaced = new Set(entries.flatMap((e) => (e.seriesEntryId && e.originalStart ? [`${e.seriesEntryId} ${e.originalStart}`] : [])));
  return (entry) => {
    const occurrences = occurrencesWithin(entry, window.fromMs, window.toMs);
    if (!occurrences || !entry.recurrence) return occurrences;
    return occurrences.filter((o) => !entry.excludedStarts.includes(o.start) && !replaced.has(`${entry.id} ${o.start}`));
  };
}

/** The first occurrence of each entry within the window, for the list view (one row per entry). */
export function firstOccurrences(entries: ScheduleEntry[], window: ScheduleWindow): { entry: ScheduleEntry; occurrence: Occurrence | null }[] {
  const shown = occurrencesShown(entries, window);
  const rows = entries
    .map((entry) => ({ entry, occurrence: shown(entry)?.[0] ?? null }))
    // A changed occurrence moved to another week is listed here only so its series skips it.
    .filter((r) => r.occurrence || (r.entry.recurrence && shown(r.entry) === null));
  const startOf = (r: (typeof rows)[number]) => {
    const start = r.occurrence?.start ?? r.entry.start;
    return r.entry.allDay ? midnight(start, window.timeZone) : Date.parse(start);
  };
  return rows.sort((a, b) => startOf(a) - startOf(b) || a.entry.title.localeCompare(b.entry.title));
}
