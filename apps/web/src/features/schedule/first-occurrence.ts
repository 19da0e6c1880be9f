// Does a series happen on the day it starts? One that starts on a Monday but repeats on Tuesdays
// first happens on the Tuesday, which whoever saved it rarely means; the dialog says so after saving.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { occurrencesWithin, type Occurrence } from './recurrence.ts';
import { DAY_MS, dayNumberOf } from './zoned-time.ts';

/** Far enough for any rule the web app expands to recur at least once (monthly on the 31st skips months). */
const LOOK_AHEAD_DAYS = 400;

/**
 * The series' first occurrence when that is not at its start; null when it is, when the entry does
 * not repeat, or when its rule is too rich to expand here.
 */
export function firstOccurrenceOffStart(entry: ScheduleEntry): Occurrence | null {
  if (!entry.recurrence) return null;
  const start = entry.allDay ? dayNumberOf(entry.start) * DAY_MS : Date.parse(entry.start);
  const first = occurrencesWithin(entry, start, start + LOOK_AHEAD_DAYS * DAY_MS)?.[0];
  if (!first) return null;
  const onStart = entry.allDay ? first.start === entry.start : Date.parse(first.start) === start;
  return onStart ? null : first;
}
