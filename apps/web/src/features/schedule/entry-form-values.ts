// The entry form's values and their translation to and from the API: wall times in the chosen zone
// become date-times with that zone's offset; an all-day entry's "last day" becomes the exclusive end.
import type { CreateScheduleEntryInput } from './api/create-schedule-entry.ts';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import type { UpdateScheduleEntryInput } from './api/update-schedule-entry.ts';
import { presetOf, ruleForPreset, type RecurrencePreset } from './recurrence.ts';
import { addDays, dateKeyAt, dayNumberOf, instantOf, isoWithOffset, parseDateKey, timeOfDayAt, wallTimeOf } from './zoned-time.ts';

export interface EntryFormValues {
  title: string;
  notes: string;
  allDay: boolean;
  /** Timed entries: the start date, start and end time (`HH:MM`) in `timeZone`. */
  date: string;
  startTime: string;
  endTime: string;
  /** Whole days the end lies after `date`, kept from a loaded multi-day entry (0 for new ones). */
  endDayOffset: number;
  /** All-day entries: first and last day, both inclusive. */
  startDate: string;
  endDate: string;
  timeZone: string;
  recurrence: RecurrencePreset;
  /** The stored rule of the entry being edited; kept as is unless the user picks another option. */
  loadedRule: string | null;
  assigneeIds: string[];
  /** The client the work is for, and optionally one of its contacts (null: none). */
  clientId: string | null;
  contactId: string | null;
}

export type EntryFormField =
  | 'title'
  | 'notes'
  | 'date'
  | 'startTime'
  | 'endTime'
  | 'startDate'
  | 'endDate'
  | 'timeZone'
  | 'recurrence'
  | 'clientId'
  | 'contactId'
  | 'assigneeIds';
export type EntryFormErrors = Partial<Record<EntryFormField, string>>;

export function newEntryValues(date: string, timeZone: string): EntryFormValues {
  return {
    title: '',
    notes: '',
    allDay: false,
    date,
    startTime: '09:00',
    endTime: '10:00',
    endDayOffset: 0,
    startDate: date,
    endDate: date,
    timeZone,
    recurrence: 'none',
    loadedRule: null,
    assigneeIds: [],
    clientId: null,
    contactId: null,
  };
}

export function entryValues(entry: ScheduleEntry): EntryFormValues {
  const base = {
    title: entry.title,
    notes: entry.notes ?? '',
    timeZone: entry.timeZone,
    loadedRule: entry.recurrence,
    assigneeIds: [...entry.assigneeIds],
    clientId: entry.clientId,
    contactId: entry.contactId,
  };
  if (entry.allDay) {
    const lastDay = addDays(entry.end, -1);
    return {
      ...newEntryValues(entry.start, entry.timeZone),
      ...base,
      allDay: true,
      startDate: entry.start,
      endDate: lastDay < entry.start ? entry.start : lastDay,
      recurrence: presetOf(entry.recurrence, entry.start),
    };
  }
  const start = Date.parse(entry.start);
  const end = Date.parse(entry.end);
  const date = dateKeyAt(start, entry.timeZone);
  const startTime = timeOfDayAt(start, entry.timeZone);
  const endTime = timeOfDayAt(end, entry.timeZone);
  // An end time at or before the start time already means "the next day" (see timedRange).
  const dayGap = dayNumberOf(dateKeyAt(end, entry.timeZone)) - dayNumberOf(date);
  return {
    ...newEntryValues(date, entry.timeZone),
    ...base,
    date,
    startTime,
    endTime,
    endDayOffset: Math.max(0, dayGap - (endTime <= startTime ? 1 : 0)),
    recurrence: presetOf(entry.recurrence, date),
  };
}

/** The first day of the entry as the user entered it (the day a weekly rule repeats on). */
export const firstDayOf = (v: EntryFormValues) => (v.allDay ? v.startDate : v.date);

/** Start and end instants of a timed entry; an end time at or before the start time is the next day. */
export function timedRange(v: EntryFormValues): { start: number; end: number } | null {
  const startWall = wallTimeOf(v.date, v.startTime);
  if (!startWall || !parseDateKey(v.date)) return null;
  const start = instantOf(startWall, v.timeZone);
  let endWall = wallTimeOf(addDays(v.date, v.endDayOffset), v.endTime);
  if (!endWall) return null;
  let end = instantOf(endWall, v.timeZone);
  if (end <= start) {
    endWall = wallTimeOf(addDays(v.date, v.endDayOffset + 1), v.endTime)!;
    end = instantOf(endWall, v.timeZone);
  }
  return { start, end };
}

/** The day a timed entry ends on, when that is not the day it starts; for the form's hint. */
export function laterEndDay(v: EntryFormValues): string | null {
  const range = timedRange(v);
  if (!range) return null;
  const endDay = dateKeyAt(range.end, v.timeZone);
  return endDay !== v.date ? endDay : null;
}

/** What the browser can tell before asking the server. */
export function validateEntry(v: EntryFormValues): EntryFormErrors {
  const errors: EntryFormErrors = {};
  if (!v.title.trim()) errors.title = 'Enter a title.';
  if (v.allDay) {
    if (!parseDateKey(v.startDate)) errors.startDate = 'Enter the first day.';
    if (!parseDateKey(v.endDate)) errors.endDate = 'Enter the last day.';
    else if (!errors.startDate && v.endDate < v.startDate) errors.endDate = 'The last day cannot be before the first day.';
  } else {
    if (!parseDateKey(v.date)) errors.date = 'Enter a date.';
    if (!wallTimeOf(v.date || '2000-01-01', v.startTime)) errors.startTime = 'Enter a start time.';
    if (!wallTimeOf(v.date || '2000-01-01', v.endTime)) errors.endTime = 'Enter an end time.';
  }
  return errors;
}

/** The request body for the values; call after validateEntry found nothing. */
export function entryInput(v: EntryFormValues): CreateScheduleEntryInput {
  const firstDay = firstDayOf(v);
  const recurrence =
    v.recurrence === 'custom' || (v.loadedRule && presetOf(v.loadedRule, firstDay) === v.recurrence) ? v.loadedRule : ruleForPreset(v.recurrence, firstDay);
  const common = {
    title: v.title.trim(),
    notes: v.notes.trim() || null,
    timeZone: v.timeZone,
    recurrence,
    assigneeIds: v.assigneeIds,
    clientId: v.clientId,
    contactId: v.clientId ? v.contactId : null,
  };
  if (v.allDay) return { ...common, allDay: true, start: v.startDate, end: addDays(v.endDate, 1) };
  const range = timedRange(v)!;
  return { ...common, allDay: false, start: isoWithOffset(range.start, v.timeZone), end: isoWithOffset(range.end, v.timeZone) };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Only what changed, with the version edited; assignees stay untouched unless changed (so an
 * inactive assignee does not make an unrelated edit fail). */
export function entryPatch(v: EntryFormValues, entry: ScheduleEntry): UpdateScheduleEntryInput {
  const next = entryInput(v);
  const patch: UpdateScheduleEntryInput = { expectedVersion: entry.version };
  if (next.title !== entry.title) patch.title = next.title;
  if ((next.notes ?? null) !== entry.notes) patch.notes = next.notes ?? null;
  const sameMoment = (a: string, b: string) => (next.allDay ? a === b : Date.parse(a) === Date.parse(b));
  if (next.allDay !== entry.allDay || next.timeZone !== entry.timeZone || !sameMoment(next.start, entry.start) || !sameMoment(next.end, entry.end)) {
    Object.assign(patch, { start: next.start, end: next.end, allDay: next.allDay, timeZone: next.timeZone });
  }
  if ((next.recurrence ?? null) !== entry.recurrence) patch.recurrence = next.recurrence ?? null;
  if (!sameSet(next.assigneeIds, entry.assigneeIds)) patch.assigneeIds = next.assigneeIds;
  if ((next.clientId ?? null) !== entry.clientId) patch.clientId = next.clientId ?? null;
  if ((next.contactId ?? null) !== entry.contactId) patch.contactId = next.contactId ?? null;
  return patch;
}

/** Server field errors (by API field name) placed on the form's fields; the rest is left over. */
export function formErrorsOf(fieldErrors: Record<string, string>, allDay: boolean): { errors: EntryFormErrors; unplaced: string[] } {
  const errors: EntryFormErrors = {};
  const unplaced: string[] = [];
  for (const [field, message] of Object.entries(fieldErrors)) {
    const name = field.split('.')[0];
    const target: EntryFormField | undefined = {
      title: 'title',
      notes: 'notes',
      start: allDay ? 'startDate' : 'startTime',
      end: allDay ? 'endDate' : 'endTime',
      timeZone: 'timeZone',
      recurrence: 'recurrence',
      clientId: 'clientId',
      contactId: 'contactId',
      assigneeIds: 'assigneeIds',
    }[name] as EntryFormField | undefined;
    if (target) errors[target] = errors[target] ? `${errors[target]} ${message}` : capitalize(message);
    else unplaced.push(`${field}: ${message}`);
  }
  return { errors, unplaced };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
