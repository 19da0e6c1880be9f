// Whether a connection's sync is under way as the page sees it: running (the server reports
// progress), or asked for and not finished yet — "Sync now" was pressed, or the connection was
// (re)connected, and the sync job may still wait in the queue. While any is, the calendar queries
// poll, so progress and "Last sync" change without a reload.
import { useMutationState } from '@tanstack/react-query';
import { calendarKeys } from './keys.ts';
import type { CalendarProvider } from './types.ts';

/** What "Sync now" sends, and what the page remembers of it. */
export interface SyncRequest {
  id: string;
  /** The connection's last sync when it was pressed: a different one means the sync ran. */
  lastSyncAt: string | null;
}

/** A request not followed by a sync within this long is given up (the job failed or was dropped). */
const WATCH_MS = 2 * 60_000;
const POLL_MS = 1000;

/** The "Sync now" requests of the last few minutes. */
export function useSyncRequests(): (SyncRequest & { at: number })[] {
  return useMutationState({
    filters: { mutationKey: calendarKeys.syncNow(), status: 'success' },
    select: (m) => ({ ...(m.state.variables as SyncRequest), at: m.state.submittedAt }),
  }).filter((r) => Date.now() - r.at < WATCH_MS);
}

export type SyncActivity = 'running' | 'queued' | null;

export function syncActivity(p: CalendarProvider, requests: SyncRequest[]): SyncActivity {
  if (p.syncProgress) return 'running';
  if (p.status !== 'connected') return null;
  // The sync a (re)connect queued has not finished yet (server times compared with each other);
  // looked for only shortly after the connect, so a sync that keeps failing does not poll for ever.
  const connectedSinceSync =
    p.connectedAt !== null && Date.now() - Date.parse(p.connectedAt) < WATCH_MS && (p.lastSyncAt === null || p.lastSyncAt < p.connectedAt);
  const requested = requests.some((r) => r.id === p.id && r.lastSyncAt === p.lastSyncAt);
  return connectedSinceSync || requested ? 'queued' : null;
}

/** refetchInterval for a list of connections: poll while any sync is running or expected. */
export const pollWhileSyncing = (providers: CalendarProvider[] | undefined, requests: SyncRequest[]) =>
  providers?.some((p) => syncActivity(p, requests) !== null) ? POLL_MS : false;
