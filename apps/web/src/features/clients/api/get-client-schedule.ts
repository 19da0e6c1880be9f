// GET /api/schedule-entries?clientId=: the client's entries from today on, for its page. The key sits
// under the schedule's root, so saving any entry (here or on the schedule) refreshes it.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys } from '../../schedule/api/keys.ts';
import type { ScheduleEntry } from '../../schedule/api/schedule-entry.ts';

/** The API's page limit; a client with more entries in the window shows the first ones. */
export const CLIENT_SCHEDULE_LIMIT = 500;

export interface ClientScheduleWindow {
  /** ISO date-times with offset: the window's start (inclusive) and end (exclusive). */
  from: string;
  to: string;
}

export function fetchClientSchedule(clientId: string, window: ClientScheduleWindow) {
  const params = new URLSearchParams({ clientId, from: window.from, to: window.to, limit: String(CLIENT_SCHEDULE_LIMIT) });
  return request<{ items: ScheduleEntry[]; total: number }>('GET', `/api/schedule-entries?${params}`);
}

export const clientScheduleQuery = (clientId: string, window: ClientScheduleWindow) =>
  queryOptions({
    queryKey: [...scheduleKeys.all, 'client', clientId, window] as const,
    queryFn: () => fetchClientSchedule(clientId, window),
    staleTime: 30_000,
  });

export const useClientSchedule = (clientId: string, window: ClientScheduleWindow) => useQuery(clientScheduleQuery(clientId, window));
