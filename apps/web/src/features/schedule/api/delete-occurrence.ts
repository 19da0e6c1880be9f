// Deletes one occurrence of a series in the scope the user chose: this occurrence (cancelled),
// this and following (the series ends before it), or the whole series.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EditScope } from '../components/ScopeDialog.tsx';
import { cancelOccurrence } from './cancel-occurrence.ts';
import { deleteScheduleEntry } from './delete-schedule-entry.ts';
import { getScheduleEntry } from './get-schedule-entry.ts';
import { scheduleKeys } from './keys.ts';
import type { ScheduleEntry } from './schedule-entry.ts';
import { truncateSeries } from './split-series.ts';

export interface DeleteOccurrenceInput {
  /** The series, or a changed occurrence of one (an entry with `seriesEntryId`). */
  entry: ScheduleEntry;
  /** The occurrence's original start, in the form of `entry.start`. */
  occurrenceStart: string;
  scope: EditScope;
}

export async function deleteOccurrence({ entry, occurrenceStart, scope }: DeleteOccurrenceInput): Promise<void> {
  const seriesId = entry.seriesEntryId ?? entry.id;
  const originalStart = entry.originalStart ?? occurrenceStart;
  if (scope === 'one') return cancelOccurrence({ seriesId, originalStart });
  if (scope === 'all') {
    await deleteScheduleEntry(seriesId);
    return;
  }
  const series = entry.seriesEntryId ? await getScheduleEntry(seriesId) : entry;
  await truncateSeries({ seriesId, occurrenceStart: originalStart, expectedVersion: series.version });
}

export function useDeleteOccurrence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteOccurrence,
    onSettled: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.all }),
  });
}
