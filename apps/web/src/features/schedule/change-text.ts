// What the schedule reads out (its aria-live region) after a drag or a key press: where the entry
// went, in the viewer's zone, so a keyboard user hears the result of each step.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { formatDayHeading, formatWhen } from './entry-display.ts';
import type { Occurrence } from './recurrence.ts';
import { addDays, dateKeyAt } from './zoned-time.ts';

export function describeTimes(entry: ScheduleEntry, times: Occurrence, timeZone: string): string {
  if (entry.allDay) {
    const last = addDays(times.end, -1);
    return last <= times.start ? `${formatDayHeading(times.start)}, all day` : `${formatDayHeading(times.start)} to ${formatDayHeading(last)}, all day`;
  }
  return `${formatDayHeading(dateKeyAt(Date.parse(times.start), timeZone))}, ${formatWhen(entry, times, undefined, timeZone)}`;
}

export const movedText = (entry: ScheduleEntry, times: Occurrence, timeZone: string, person?: string) =>
  `Moved “${entry.title}” to ${describeTimes(entry, times, timeZone)}${person ? `, for ${person}` : ''}.`;

export const resizedText = (entry: ScheduleEntry, times: Occurrence, timeZone: string) => `“${entry.title}” is now ${describeTimes(entry, times, timeZone)}.`;
