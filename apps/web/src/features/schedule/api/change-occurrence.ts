// Changes one occurrence of a series in the scope the user chose: this occurrence alone (its
// override), this and following (a split of the series), or all occurrences (the series itself,
// moved by as much as the occurrence moved). Used by the entry dialog and by dragging on the grid.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EditScope } from '../components/ScopeDialog.tsx';
import { DAY_MS, dateKeyAt, dateKeyOfDayNumber, dayNumberOf } from '../zoned-time.ts';
import type { CreateScheduleEntryInput } from './create-schedule-entry.ts';
import { getScheduleEntry } from './get-schedule-entry.ts';
import { scheduleKeys } from './keys.ts';
import { overrideOccurrence } from './override-occurrence.ts';
import type { ScheduleEntry } from './schedule-entry.ts';
import { splitSeries } from './split-series.ts';
import { updateScheduleEntry, type UpdateScheduleEntryInput } from './update-schedule-entry.ts';

/** What dragging changes; the entry dialog may change the rest of the form too. */
export interface OccurrenceChanges extends Partial<Omit<CreateScheduleEntryInput, 'workItemType'>> {
  /** The occurrence's new start and end, in the form of the entry's `start`. */
  start?: string;
  end?: string;
  assigneeIds?: string[];
  title?: string;
}

export interface ChangeOccurrenceInput {
  /** The series, or a changed occurrence of one (an entry with `seriesEntryId`). */
  entry: ScheduleEntry;
  /** The occurrence's original start, in the form of `entry.start`. */
  occurrenceStart: string;
  scope: EditScope;
  changes: OccurrenceChanges;
}

const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Milliseconds from `a` to `b`; all-day values are dates, so whole days. */
const distance = (a: string, b: string, allDay: boolean) => (allDay ? (dayNumberOf(b) - dayNumberOf(a)) * DAY_MS : Date.parse(b) - Date.parse(a));

const shifted = (value: string, by: number, allDay: boolean) =>
  allDay ? dateKeyOfDayNumber(dayNumberOf(value) + Math.round(by / DAY_MS)) : new Date(Date.parse(value) + by).toISOString();

/** A weekly rule's weekdays moved along with its series (a Monday series dragged to Tuesday repeats on Tuesdays). */
function ruleShiftedByDays(rule: string, days: number): string {
  const shift = ((days % 7) + 7) % 7;
  if (!shift || !/(^|;)FREQ=(WEEKLY|DAILY)(;|$)/i.test(rule)) return rule;
  return rule
    .split(';')
    .map((part) => {
      const [key, value] = part.split('=');
      if (key.toUpperCase() !== 'BYDAY' || !value.split(',').every((d) => DAY_CODES.includes(d.toUpperCase()))) return part;
      return `${key}=${value
        .split(',')
        .map((d) => DAY_CODES[(DAY_CODES.indexOf(d.toUpperCase()) + shift) % 7])
        .join(',')}`;
    })
    .join(';');
}

/** "All occurrences": the series moves and stretches by as much as the occurrence did. */
function seriesPatch(series: ScheduleEntry, current: { start: string; end: string }, changes: OccurrenceChanges): UpdateScheduleEntryInput {
  const { start, end, ...rest } = changes;
  const patch: UpdateScheduleEntryInput = { ...rest, expectedVersion: series.version };
  const startBy = start ? distance(current.start, start, series.allDay) : 0;
  const endBy = end ? distance(current.end, end, series.allDay) : 0;
  if (startBy || endBy) {
    patch.start = shifted(series.start, startBy, series.allDay);
    patch.end = shifted(series.end, endBy, series.allDay);
    const dayOf = (value: string) => (series.allDay ? dayNumberOf(value) : dayNumberOf(dateKeyAt(Date.parse(value), series.timeZone)));
    const days = dayOf(start ?? current.start) - dayOf(current.start);
    // A rule given with the change is the one the user chose; otherwise the weekdays move along.
    if (series.recurrence && days && changes.recurrence === undefined) patch.recurrence = ruleShiftedByDays(series.recurrence, days);
  }
  return patch;
}

/** Resolves with the entry that now holds the occurrence: its override, the new series, or the series. */
export async function changeOccurrence({ entry, occurrenceStart, scope, changes }: ChangeOccurrenceInput): Promise<ScheduleEntry> {
  // One occurrence cannot repeat on its own.
  const { recurrence: _, ...occurrenceChanges } = changes;
  // A changed occurrence is an entry of its own; "following" and "all" change its series.
  if (entry.seriesEntryId) {
    if (scope === 'one') return updateScheduleEntry({ id: entry.id, patch: { ...occurrenceChanges, expectedVersion: entry.version } });
    const series = await getScheduleEntry(entry.seriesEntryId);
    if (scope === 'all') return updateScheduleEntry({ id: series.id, patch: seriesPatch(series, { start: entry.start, end: entry.end }, changes) });
    const split = await splitSeries({ seriesId: series.id, occurrenceStart: entry.originalStart ?? occurrenceStart, expectedVersion: series.version, changes });
    return split.following;
  }
  if (scope === 'one') return overrideOccurrence({ seriesId: entry.id, originalStart: occurrenceStart, change: occurrenceChanges });
  if (scope === 'following') return (await splitSeries({ seriesId: entry.id, occurrenceStart, expectedVersion: entry.version, changes })).following;
  const current = { start: occurrenceStart, end: shifted(occurrenceStart, distance(entry.start, entry.end, entry.allDay), entry.allDay) };
  return updateScheduleEntry({ id: entry.id, patch: seriesPatch(entry, current, changes) });
}

export function useChangeOccurrence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeOccurrence,
    // Errors (a 409 among them) reach the caller as the ApiError the request threw.
    onSettled: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.all }),
  });
}
