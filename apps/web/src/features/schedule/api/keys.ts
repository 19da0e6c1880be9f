// The schedule feature's query keys: every entry query sits under `scheduleKeys.all`, which is what
// writes invalidate.

export interface ScheduleEntryFilters {
  /** ISO date-time with offset; the window's inclusive start. */
  from: string;
  /** ISO date-time with offset; the window's exclusive end. */
  to: string;
  assigneeId?: string;
}

export const scheduleKeys = {
  all: ['schedule-entries'] as const,
  lists: () => [...scheduleKeys.all, 'list'] as const,
  list: (filters: ScheduleEntryFilters) => [...scheduleKeys.lists(), filters] as const,
  detail: (id: string) => [...scheduleKeys.all, 'detail', id] as const,
  /** People who can be assigned; outside `all`, so saving an entry does not refetch them. */
  assignees: ['schedule-assignees'] as const,
};
