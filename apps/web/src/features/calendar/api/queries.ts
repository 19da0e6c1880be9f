// GET /api/calendar/status (the technician's own connections and what can be connected),
// GET /api/calendar/providers?scope=all (admins), GET /api/calendar/settings.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { calendarKeys } from './keys.ts';
import type { CalendarProvider, CalendarSettings, CalendarStatus } from './types.ts';

const syncing = (providers: CalendarProvider[] | undefined) => providers?.some((p) => p.syncProgress) ?? false;

export const calendarStatusQuery = queryOptions({
  queryKey: calendarKeys.status(),
  queryFn: () => request<CalendarStatus>('GET', '/api/calendar/status'),
  // While a sync runs, follow its progress.
  refetchInterval: (query) => (syncing(query.state.data?.providers) ? 1000 : false),
});
export const useCalendarStatus = () => useQuery(calendarStatusQuery);

export const allProvidersQuery = queryOptions({
  queryKey: calendarKeys.allProviders(),
  queryFn: () => request<{ items: CalendarProvider[] }>('GET', '/api/calendar/providers?scope=all').then((r) => r.items),
  refetchInterval: (query) => (syncing(query.state.data) ? 1000 : false),
});
export const useAllProviders = () => useQuery(allProvidersQuery);

export const calendarSettingsQuery = queryOptions({ queryKey: calendarKeys.settings(), queryFn: () => request<CalendarSettings>('GET', '/api/calendar/settings') });
export const useCalendarSettings = () => useQuery(calendarSettingsQuery);
