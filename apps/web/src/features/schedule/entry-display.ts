// How dates, times and people read on screen, in the browser's locale and time zone.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import type { ScheduleUser } from './api/get-users.ts';
import type { Occurrence } from './recurrence.ts';
import { DAY_MS, addDays, browserTimeZone, dateKeyAt, dayNumberOf, timeOfDayAt } from './zoned-time.ts';

// Date keys are formatted as UTC midnights so no zone shifts them to another day.
const dateOf = (key: string) => new Date(dayNumberOf(key) * DAY_MS);

const weekRangeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayHeadingFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const longDateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' });

export const formatWeekRange = (monday: string) => weekRangeFormat.formatRange(dateOf(monday), dateOf(addDays(monday, 6)));
export const formatDayHeading = (day: string) => dayHeadingFormat.format(dateOf(day));
export const formatLongDate = (day: string) => longDateFormat.format(dateOf(day));
export const formatWeekday = (day: string) => weekdayFormat.format(dateOf(day));

const timeFormats = new Map<string, { time: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat }>();
function timeFormatsIn(timeZone: string) {
  let formats = timeFormats.get(timeZone);
  if (!formats) {
    formats = {
      time: new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone }),
      dateTime: new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZone }),
    };
    timeFormats.set(timeZone, formats);
  }
  return formats;
}

/**
 * "9:00 – 10:30 AM" in `timeZone` (the browser's unless given); with dates when it does not start
 * and end on `day`. All-day entries read "All day", and which day of how many (on a day's card) or
 * their dates (elsewhere) when they span several.
 */
export function formatWhen(entry: ScheduleEntry, occurrence: Occurrence, day?: string, timeZone = browserTimeZone()): string {
  // A grid of 1,000 entries asks for each text again whenever it re-renders (a sync state, a drag):
  // Intl's formatRange is the costly part, so the texts are remembered.
  const key = `${entry.allDay ? 'd' : 't'}|${occurrence.start}|${occurrence.end}|${day ?? ''}|${timeZone}`;
  let text = whenTexts.get(key);
  if (text === undefined) {
    if (whenTexts.size >= WHEN_TEXTS_MAX) whenTexts.clear();
    text = whenText(entry, occurrence, day, timeZone);
    whenTexts.set(key, text);
  }
  return text;
}

const WHEN_TEXTS_MAX = 10_000;
const whenTexts = new Map<string, string>();

function whenText(entry: ScheduleEntry, occurrence: Occurrence, day: string | undefined, timeZone: string): string {
  if (entry.allDay) {
    const last = addDays(occurrence.end, -1);
    if (last <= occurrence.start) return 'All day';
    const days = dayNumberOf(occurrence.end) - dayNumberOf(occurrence.start);
    if (day) return `All day (day ${dayNumberOf(day) - dayNumberOf(occurrence.start) + 1} of ${days})`;
    return `All day, ${dayHeadingFormat.formatRange(dateOf(occurrence.start), dateOf(last))}`;
  }
  const start = Date.parse(occurrence.start);
  const end = Date.parse(occurrence.end);
  const startDay = dateKeyAt(start, timeZone);
  const sameDay = startDay === dateKeyAt(end - 1, timeZone) && (day === undefined || day === startDay);
  const formats = timeFormatsIn(timeZone);
  if (!sameDay) return formats.dateTime.formatRange(start, end);
  // Within a day the text is the two clock times alone: entries at the same times share it.
  const key = `${timeZone}|${timeOfDayAt(start, timeZone)}|${timeOfDayAt(end, timeZone)}`;
  let text = timeRangeTexts.get(key);
  if (text === undefined) {
    text = formats.time.formatRange(start, end);
    timeRangeTexts.set(key, text);
  }
  return text;
}

/** At most 96 × 96 texts per zone: quarter hours to quarter hours, and a few odd times. */
const timeRangeTexts = new Map<string, string>();

/** "Alex Tech, Sam Tech"; people not (yet) known by name are counted. */
export function assigneeNames(ids: string[], usersById: Map<string, ScheduleUser>): string {
  const names = ids
    .map((id) => usersById.get(id)?.displayName)
    .filter((name): name is string => Boolean(name))
    .sort((a, b) => a.localeCompare(b));
  const unknown = ids.length - names.length;
  if (unknown) names.push(names.length ? `${unknown} more` : `${unknown} ${unknown === 1 ? 'person' : 'people'}`);
  return names.join(', ');
}
