// GET /api/schedule-entries for a window: single entries overlapping it and series recurring into it,
// every page of them (the API returns at most 500 per request; a busy week has more).
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys, type ScheduleEntryFilters } from './keys.ts';
import type { ScheduleEntry } from './schedule-entry.ts';

export interface ScheduleEntryPage {
  items: ScheduleEntry[];
  total: number;
}

/** The most one request returns. */
export const SCHEDULE_PAGE_LIMIT = 500;

function getPage(filters: ScheduleEntryFilters, offset: number): Promise<ScheduleEntryPage> {
  const params = new URLSearchParams({ from: filters.from, to: filters.to, limit: String(SCHEDULE_PAGE_LIMIT), offset: String(offset) });
  if (filters.assigneeId) params.set('assigneeId', filters.assigneeId);
  return request<ScheduleEntryPage>('GET', `/api/schedule-entries?${params}`);
}

/**
 * The first two pages are asked for side by side (a busy week's second page then costs no extra
 * round trip); the first says how many there are, and any further pages follow, side by side.
 */
export async function getScheduleEntries(filters: ScheduleEntryFilters): Promise<ScheduleEntryPage> {
  const [first, second] = await Promise.all([getPage(filters, 0), getPage(filters, SCHEDULE_PAGE_LIMIT)]);
  if (first.total <= SCHEDULE_PAGE_LIMIT) return first;
  const offsets = Array.from({ length: Math.max(0, Math.ceil(first.total / SCHEDULE_PAGE_LIMIT) - 2) }, (_, i) => (i + 2) * SCHEDULE_PAGE_LIMIT);
  const rest = await Promise.all(offsets.map((offset) => getPage(filters, offset)));
  // An entry saved between two requests can shift into the next page: keep each entry once.
  const byId = new Map<string, ScheduleEntry>();
  for (const page of [first, second, ...rest]) for (const entry of page.items) byId.set(entry.id, entry);
  return { items: [...byId.values()], total: byId.size };
}

export const scheduleEntriesQuery = (filters: ScheduleEntryFilters) =>
  queryOptions({
    queryKey: scheduleKeys.list(filters),
    queryFn: () => getScheduleEntries(filters),
    staleTime: 30_000,
  });

/** Keeps the previous period on screen while the next one loads, so paging does not flash. */
export const useScheduleEntries = (filters: ScheduleEntryFilters) =>
  useQuery({ ...scheduleEntriesQuery(filters), placeholderData: keepPreviousData });
