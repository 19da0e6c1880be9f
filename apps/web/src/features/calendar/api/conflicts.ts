// GET /api/calendar/conflicts and POST /api/calendar/conflicts/:id/resolve.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { calendarKeys } from './keys.ts';

export interface EventVersion {
  title: string;
  notes: string | null;
  start: string;
  end: string;
  timeZone: string;
  allDay: boolean;
  recurrence: string | null;
}

export interface CalendarConflict {
  id: string;
  providerType: 'google' | 'microsoft';
  scheduleEntryId: string;
  psa: EventVersion | null;
  calendar: EventVersion | null;
  detectedAt: string | null;
}

export type MergeField = 'title' | 'notes' | 'time' | 'recurrence';
export interface Resolution {
  resolution: 'keep_psa' | 'keep_calendar' | 'merge';
  fields?: Partial<Record<MergeField, 'psa' | 'calendar'>>;
}

export const conflictsQuery = queryOptions({
  queryKey: [...calendarKeys.all, 'conflicts'] as const,
  queryFn: () => request<{ items: CalendarConflict[] }>('GET', '/api/calendar/conflicts').then((r) => r.items),
});
export const useConflicts = () => useQuery(conflictsQuery);

export function useResolveConflict() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: Resolution & { id: string }) => request<{ success: true }>('POST', `/api/calendar/conflicts/${id}/resolve`, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: calendarKeys.all }),
  });
}
