// Query keys for calendar connections and settings.
export const calendarKeys = {
  all: ['calendar'] as const,
  status: () => [...calendarKeys.all, 'status'] as const,
  allProviders: () => [...calendarKeys.all, 'providers', 'all'] as const,
  settings: () => [...calendarKeys.all, 'settings'] as const,
  /** The "Sync now" mutation, read back by sync-activity.ts. */
  syncNow: () => [...calendarKeys.all, 'sync-now'] as const,
};
