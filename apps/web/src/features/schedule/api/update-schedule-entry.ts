// PATCH /api/schedule-entries/:id: the changed fields, refused with 409 if someone saved meanwhile.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import type { CreateScheduleEntryInput } from './create-schedule-entry.ts';
import { scheduleKeys } from './keys.ts';
import type { ScheduleEntry } from './schedule-entry.ts';

export type UpdateScheduleEntryInput = Partial<CreateScheduleEntryInput> & {
  /** The version the user edited; the server answers 409 when the entry has moved on. */
  expectedVersion?: number;
};

export const updateScheduleEntry = ({ id, patch }: { id: string; patch: UpdateScheduleEntryInput }) =>
  request<ScheduleEntry>('PATCH', `/api/schedule-entries/${encodeURIComponent(id)}`, patch);

export function useUpdateScheduleEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateScheduleEntry,
    onSuccess: (entry) => {
      queryClient.setQueryData(scheduleKeys.detail(entry.id), entry);
      return queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
    },
  });
}
