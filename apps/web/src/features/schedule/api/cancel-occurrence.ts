// DELETE /api/schedule-entries/:id/occurrences/:originalStart: cancel one occurrence of a series.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys } from './keys.ts';
import { occurrencePath } from './override-occurrence.ts';

export const cancelOccurrence = ({ seriesId, originalStart }: { seriesId: string; originalStart: string }) =>
  request<void>('DELETE', occurrencePath(seriesId, originalStart));

export function useCancelOccurrence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelOccurrence,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.all }),
  });
}
