// GET /api/calendar/entry-sync for a window: how each entry stands in each assigned technician's
// connected calendar. Enterprise only; in the Community Edition the hook never calls the API.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { editionQuery } from '../../../lib/session.ts';
import { scheduleKeys } from './keys.ts';

export type EntrySyncStatus = 'synced' | 'pending' | 'conflict' | 'error';

export interface EntrySyncState {
  entryId: string;
  userId: string;
  status: EntrySyncStatus;
  /** What the person should do about a conflict or an error; null when there is nothing to do. */
  message: string | null;
}

export interface EntrySyncWindow {
  from: string;
  to: string;
}

/** While a push is outstanding the state changes within seconds; otherwise only when someone edits. */
const PENDING_REFRESH_MS = 5_000;
const EMPTY: Map<string, EntrySyncState[]> = new Map();

export function getEntrySync(window: EntrySyncWindow): Promise<{ items: EntrySyncState[] }> {
  const params = new URLSearchParams({ from: window.from, to: window.to });
  return request<{ items: EntrySyncState[] }>('GET', `/api/calendar/entry-sync?${params}`);
}

// Under `scheduleKeys.all` so that every entry write refetches the states (the entry turns pending).
export const entrySyncQuery = (window: EntrySyncWindow) =>
  queryOptions({
    queryKey: [...scheduleKeys.all, 'sync', window] as const,
    queryFn: () => getEntrySync(window),
    staleTime: 30_000,
    refetchInterval: (query) => (query.state.data?.items.some((s) => s.status === 'pending') ? PENDING_REFRESH_MS : false),
  });

// Outside the component so TanStack Query keeps the map until the data changes.
function byEntry(page: { items: EntrySyncState[] }): Map<string, EntrySyncState[]> {
  const map = new Map<string, EntrySyncState[]>();
  for (const state of page.items) {
    const states = map.get(state.entryId);
    if (states) states.push(state);
    else map.set(state.entryId, [state]);
  }
  return map;
}

/** Sync states keyed by entry id; an empty map without calendar sync, while loading, or on error. */
export function useEntrySync(window: EntrySyncWindow): Map<string, EntrySyncState[]> {
  const edition = useQuery(editionQuery);
  const sync = useQuery({
    ...entrySyncQuery({ from: window.from, to: window.to }),
    enabled: edition.data?.calendarAvailable === true,
    select: byEntry,
  });
  return sync.data ?? EMPTY;
}
