// GET /api/schedule-entries/:id: one entry as it is now (the edit form reloads it after a conflict).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys } from './keys.ts';
import type { ScheduleEntry } from './schedule-entry.ts';

export const getScheduleEntry = (id: string) => request<ScheduleEntry>('GET', `/api/schedule-entries/${encodeURIComponent(id)}`);

export const scheduleEntryQuery = (id: string) =>
  queryOptions({
    queryKey: scheduleKeys.detail(id),
    queryFn: () => getScheduleEntry(id),
  });

export const useScheduleEntry = (id: string) => useQuery(scheduleEntryQuery(id));
