// GET and PUT /api/schedule/settings: the tenant's schedule settings, today the working hours the
// time grid shades. Everyone who sees the schedule reads them; admins change them in Settings.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';

export interface WorkingHours {
  /** `HH:MM` in the viewer's day, on a 15-minute step. */
  start: string;
  /** `HH:MM`, after `start`. */
  end: string;
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: number[];
}

export interface ScheduleSettings {
  workingHours: WorkingHours;
}

export const scheduleSettingsKeys = { all: ['schedule-settings'] as const };

export const scheduleSettingsQuery = queryOptions({
  queryKey: scheduleSettingsKeys.all,
  queryFn: () => request<ScheduleSettings>('GET', '/api/schedule/settings'),
  staleTime: 5 * 60_000,
});

export const useScheduleSettings = () => useQuery(scheduleSettingsQuery);

export const saveScheduleSettings = (settings: ScheduleSettings) => request<ScheduleSettings>('PUT', '/api/schedule/settings', settings);

export function useSaveScheduleSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveScheduleSettings,
    onSuccess: (settings) => queryClient.setQueryData(scheduleSettingsQuery.queryKey, settings),
  });
}
