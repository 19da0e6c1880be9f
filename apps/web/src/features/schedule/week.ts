// The week on screen: Monday to Sunday in the browser's time zone, its bounds for the API, and
// which entry (or occurrence of a series) shows on which day.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { occurrencesWithin, type Occurrence } from './recurrence.ts';
import { addDays, browserTimeZone, dateKeyAt, dayNumberOf, instantOf, isoWithOffset, parseDateKey, weekdayOf } from './zoned-time.ts';

export const todayKey = (): string => dateKeyAt(Date.now(), browserTimeZone());

export const mondayOf = (dateKey: string): string => addDays(dateKey, -weekdayOf(dateKey));

/** The Monday of the week `?week=` names (any day of it), or of this week when absent or invalid. */
export const weekFromParam = (param: string | null, today: string): string => mondayOf(param && parseDateKey(param) ? param : today);

export interface WeekWindow {
  monday: string;
  days: string[];
  /** Midnight starting Monday, as ISO with the browser's offset (sent to the API). */
  from: string;
  /** Midnight ending Sunday, likewise. */
  to: string;
  fromMs: number;
  toMs: number;
}

const midnight = (dateKey: string, timeZone: string) => instantOf({ ...parseDateKey(dateKey)!, hour: 0, minute: 0 }, timeZone);

export function weekWindow(monday: string, timeZone = browserTimeZone()): WeekWindow {
  const fromMs = midnight(monday, timeZone);
  const toMs = midnight(addDays(monday, 7), timeZone);
  return {
    monday,
    days: Array.from({ length: 7 }, (_, i) => addDays(monday, i)),
    from: isoWithOffset(fromMs, timeZone),
    to: isoWithOffset(toMs, timeZone),
    fromMs,
    toMs,
  };
}

/** One card in the week: an entry, or one occurrence of a series, on one day. */
export interface Placement {
  entry: ScheduleEntry;
  occurrence: Occurrence;
  day: string;
  /** Unique on the page: the entry id for its first card this week, with the day for the others. */
  domId: string;
}

export interface WeekLayout {
  byDay: Map<string, Placement[]>;
  /** Series whose rule is too rich to expand here and whose first occurrence is not this week. */
  unplaced: ScheduleEntry[];
}

/** The days of the week an occurrence shows on: each day for all-day ones, the start day for timed ones. */
function daysOf(entry: ScheduleEntry, occurrence: Occurrence, week: WeekWindow, timeZone: string): string[] {
  if (entry.allDay) {
    const first = dayNumberOf(occurrence.start);
    const end = dayNumberOf(occurrence.end);
    return week.days.filter((d) => dayNumberOf(d) >= first && dayNumberOf(d) < end);
  }
  // Something that began before Monday and runs into the week shows on Monday.
  const day = dateKeyAt(Math.max(Date.parse(occurrence.start), week.fromMs), timeZone);
  return week.days.includes(day) ? [day] : [];
}

const sortKey = (p: Placement) => (p.entry.allDay ? Number.NEGATIVE_INFINITY : Date.parse(p.occurrence.start));

/**
 * The occurrences of each entry this week that are still occurrences: a series loses the ones it
 * cancelled and the ones a changed occurrence replaced (the API lists such an override in the
 * week its occurrence was in too, so it is here whenever it matters). Null: a rule too rich to expand.
 */
function occurrencesShown(entries: ScheduleEntry[], week: WeekWindow): (entry: ScheduleEntry) => Occurrence[] | null {
  const replaced = new Set(entries.flatMap((e) => (e.seriesEntryId && e.originalStart ? [`${e.seriesEntryId} ${e.originalStart}`] : [])));
  return (entry) => {
    const occurrences = occurrencesWithin(entry, week.fromMs, week.toMs);
    if (!occurrences || !entry.recurrence) return occurrences;
    return occurrences.filter((o) => !entry.excludedStarts.includes(o.start) && !replaced.has(`${entry.id} ${o.start}`));
  };
}

export function layoutWeek(entries: ScheduleEntry[], week: WeekWindow, timeZone = browserTimeZone()): WeekLayout {
  const byDay = new Map<string, Placement[]>(week.days.map((d) => [d, []]));
  const unplaced: ScheduleEntry[] = [];
  const shown = occurrencesShown(entries, week);
  for (const entry of entries) {
    // A rule too rich to expand still shows its first occurrence if that falls in this week.
    const occurrences = shown(entry) ?? occurrencesWithin({ ...entry, recurrence: null }, week.fromMs, week.toMs)!;
    if (occurrences.length === 0 && entry.recurrence) unplaced.push(entry);
    const used = new Set<string>();
    for (const occurrence of occurrences) {
      for (const day of daysOf(entry, occurrence, week, timeZone)) {
        let domId = used.size === 0 ? `schedule-entry-${entry.id}` : `schedule-entry-${entry.id}-${day}`;
        // Long occurrences of a series that all began before Monday share Monday.
        for (let n = 2; used.has(domId); n++) domId = `schedule-entry-${entry.id}-${day}-${n}`;
        used.add(domId);
        byDay.get(day)!.push({ entry, occurrence, day, domId });
      }
    }
  }
  for (const placements of byDay.values()) {
    placements.sort((a, b) => sortKey(a) - sortKey(b) || a.entry.title.localeCompare(b.entry.title));
  }
  return { byDay, unplaced };
}

/** The first occurrence of each entry within the week, for the list view (one row per entry). */
export function firstOccurrences(
  entries: ScheduleEntry[],
  week: WeekWindow,
  timeZone = browserTimeZone(),
): { entry: ScheduleEntry; occurrence: Occurrence | null }[] {
  const shown = occurrencesShown(entries, week);
  const rows = entries
    .map((entry) => ({ entry, occurrence: shown(entry)?.[0] ?? null }))
    // A changed occurrence moved to another week is listed here only so its series skips it.
    .filter((r) => r.occurrence || (r.entry.recurrence && shown(r.entry) === null));
  const startOf = (r: (typeof rows)[number]) => {
    const start = r.occurrence?.start ?? r.entry.start;
    return r.entry.allDay ? midnight(start, timeZone) : Date.parse(start);
  };
  return rows.sort((a, b) => startOf(a) - startOf(b) || a.entry.title.localeCompare(b.entry.title));
}
