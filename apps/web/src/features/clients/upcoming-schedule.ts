// A client's upcoming schedule: every occurrence of its entries that has not ended yet, soonest
// first, with the schedule day it opens on.
import type { ScheduleEntry } from '../schedule/api/schedule-entry.ts';
import { occurrencesWithin, type Occurrence } from '../schedule/recurrence.ts';
import { DAY_MS, dateKeyAt, dayNumberOf } from '../schedule/zoned-time.ts';

export interface UpcomingOccurrence {
  entry: ScheduleEntry;
  occurrence: Occurrence;
  /** The day (in the viewer's zone) to open the schedule on. */
  day: string;
}

/** How the schedule's week view is opened on one day. */
export const scheduleLink = (day: string) => `/schedule?${new URLSearchParams({ view: 'week', date: day })}`;

/**
 * The occurrences of `entries` between `now` and `to` (epoch ms), soonest first. A series loses its
 * cancelled occurrences and the ones a changed occurrence replaced (that one is listed itself); a
 * series whose rule is too rich to expand here is listed once, at its start, if that is upcoming.
 */
export function upcomingOccurrences(entries: ScheduleEntry[], now: number, to: number, timeZone: string): UpcomingOccurrence[] {
  const replaced = new Set(entries.flatMap((e) => (e.seriesEntryId && e.originalStart ? [`${e.seriesEntryId} ${e.originalStart}`] : [])));
  const startOf = (entry: ScheduleEntry, o: Occurrence) => (entry.allDay ? dayNumberOf(o.start) * DAY_MS : Date.parse(o.start));
  const endOf = (entry: ScheduleEntry, o: Occurrence) => (entry.allDay ? dayNumberOf(o.end) * DAY_MS : Date.parse(o.end));
  const upcoming = entries.flatMap((entry) => {
    const own = { start: entry.start, end: entry.end };
    const occurrences = (occurrencesWithin(entry, now, to) ?? [own]).filter(
      (o) => endOf(entry, o) > now && !entry.excludedStarts.includes(o.start) && !replaced.has(`${entry.id} ${o.start}`),
    );
    return occurrences.map((occurrence) => ({ entry, occurrence, day: entry.allDay ? occurrence.start : dateKeyAt(Date.parse(occurrence.start), timeZone) }));
  });
  return upcoming.sort((a, b) => startOf(a.entry, a.occurrence) - startOf(b.entry, b.occurrence) || a.entry.title.localeCompare(b.entry.title));
}
