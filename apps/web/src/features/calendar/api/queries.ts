// GET /api/calendar/status (the technician's own connections and what can be connected),
// GET /api/calendar/providers?scope=all (admins), GET /api/calendar/settings.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { calendarKeys } from './keys.ts';
import { pollWhileSyncing, useSyncRequests } from './sync-activity.ts';
import type { CalendarProvider, CalendarSettings, CalendarStatus } from './types.ts';

export const calendarStatusQuery = queryOptions({
  queryKey: calendarKeys.status(),
  queryFn: () => request<CalendarStatus>('GET', '/api/calendar/status'),
});
/** Polls while a sync runs or is expected, so progress and "Last sync" follow without a reload. */
export function useCalendarStatus() {
  const requests = useSyncRequests();
  return useQuery({ ...calendarStatusQuery, refetchInterval: (query) => pollWhileSyncing(query.state.data?.providers, requests) });
}

export const allProvidersQuery = queryOptions({
  queryKey: calendarKeys.allProviders(),
  queryFn: () => request<{ items: CalendarProvider[] }>('GET', '/api/calendar/providers?scope=all').then((r) => r.items),
});
export function useAllProviders() {
  const requests = useSyncRequests();
  return useQuery({ ...allProvidersQuery, refetchInterval: (query) => pollWhileSyncing(query.state.data, requests) });
}

export const calendarSettingsQuery = queryOptions({ queryKey: calendarKeys.settings(), queryFn: () => request<CalendarSettings>('GET', '/api/calendar/settings') });
export const useCalendarSettings = () => useQuery(calendarSettingsQuery);
