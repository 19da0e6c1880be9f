// DELETE /api/schedule-entries/:id (a series goes as a whole).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys } from './keys.ts';

export const deleteScheduleEntry = (id: string) => request<{ success: true }>('DELETE', `/api/schedule-entries/${encodeURIComponent(id)}`);

export function useDeleteScheduleEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteScheduleEntry,
    onSuccess: (_result, id) => {
      queryClient.removeQueries({ queryKey: scheduleKeys.detail(id) });
      return queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
    },
  });
}
