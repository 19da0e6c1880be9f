// GET /api/schedule-entries for a window: single entries overlapping it and series recurring into it.
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys, type ScheduleEntryFilters } from './keys.ts';
import type { ScheduleEntry } from './schedule-entry.ts';

export interface ScheduleEntryPage {
  items: ScheduleEntry[];
  total: number;
}

/** The most one request returns; a week with more shows a notice instead of paging. */
export const SCHEDULE_PAGE_LIMIT = 500;

export function getScheduleEntries(filters: ScheduleEntryFilters): Promise<ScheduleEntryPage> {
  const params = new URLSearchParams({ from: filters.from, to: filters.to, limit: String(SCHEDULE_PAGE_LIMIT) });
  if (filters.assigneeId) params.set('assigneeId', filters.assigneeId);
  return request<ScheduleEntryPage>('GET', `/api/schedule-entries?${params}`);
}

export const scheduleEntriesQuery = (filters: ScheduleEntryFilters) =>
  queryOptions({
    queryKey: scheduleKeys.list(filters),
    queryFn: () => getScheduleEntries(filters),
    staleTime: 30_000,
  });

/** Keeps the previous week on screen while the next one loads, so paging does not flash. */
export const useScheduleEntries = (filters: ScheduleEntryFilters) =>
  useQuery({ ...scheduleEntriesQuery(filters), placeholderData: keepPreviousData });
