// What the profile page says after the provider sent the browser back (`?connected=` or
// `?calendarError=`): fixed messages for the server's reason codes, never text from the URL; and
// the labels of a connection's state and sync.
import type { SyncActivity } from '../api/sync-activity.ts';
import type { CalendarProvider } from '../api/types.ts';

export const PROVIDER_LABEL = { google: 'Google Calendar', microsoft: 'Microsoft 365' } as const;

export const CONNECT_REFUSALS: Record<string, string> = {
  state_missing: 'The calendar did not send back a sign-in state. Please connect again.',
  state_invalid: 'That connection link is not valid. Please connect again.',
  state_used: 'That connection link was already used. Please connect again.',
  state_expired: 'The connection took longer than 10 minutes. Please connect again.',
  wrong_user: 'That connection was started by another account. Sign in as yourself and connect again.',
  cancelled: 'You cancelled the connection; nothing was changed.',
  provider_error: 'The calendar provider refused the connection. Please try again.',
  token_failed: 'The calendar provider did not confirm the connection. Please try again, or ask your administrator to check the calendar settings.',
  not_configured: 'Calendar sync is not set up for this provider any more. Ask your administrator.',
};

export const STATUS_LABEL = { connected: 'Connected', disconnected: 'Disconnected', error: 'Needs attention', configuring: 'Not connected yet' } as const;

/** The card's state: a lost grant says what to do rather than a generic "Needs attention". */
export const stateLabel = (p: CalendarProvider) => (p.tokenStatus === 'revoked' ? 'Reconnect needed' : STATUS_LABEL[p.status]);

/** What a sync is doing, in the technician's words; null when none is running or expected. */
export function syncLabel(p: CalendarProvider, activity: SyncActivity): string | null {
  if (activity === 'queued') return 'Sync requested…';
  if (!p.syncProgress) return null;
  if (p.syncProgress.phase === 'pull') return 'Pulling changes from the calendar…';
  return `Copying ${p.syncProgress.done} of ${p.syncProgress.total} entries…`;
}

export const DIRECTION_LABEL = { two_way: 'Both ways', to_calendar: 'PSA → calendar only', from_calendar: 'Calendar → PSA only' } as const;
