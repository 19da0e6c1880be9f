// Calendar connection shapes as the API returns them (plugins/calendar-ee/src/services/providers.ts).

export type ProviderType = 'google' | 'microsoft';
export type SyncDirection = 'two_way' | 'to_calendar' | 'from_calendar';

export interface CalendarProvider {
  id: string;
  userId: string;
  userDisplayName: string | null;
  providerType: ProviderType;
  displayName: string;
  accountEmail: string | null;
  calendarId: string | null;
  syncDirection: SyncDirection;
  importUnmapped: boolean;
  status: 'connected' | 'disconnected' | 'error' | 'configuring';
  error: string | null;
  tokenStatus: 'missing' | 'valid' | 'revoked';
  lastSyncAt: string | null;
  syncProgress: { phase: string; done: number; total: number; startedAt: string } | null;
  health: { channelActive: boolean; channelExpiresAt: string | null; lastNotificationAt: string | null; consecutiveFailures: number };
  /** Whether Google/Microsoft can notify this server of changes at all (an https PUBLIC_URL). */
  push: { available: true } | { available: false; reason: string };
  connectedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CalendarStatus {
  googleAvailable: boolean;
  microsoftAvailable: boolean;
  providers: CalendarProvider[];
}

export interface CalendarSettings {
  google: { clientId: string | null; hasClientSecret: boolean; redirectUri: string };
  microsoft: { redirectUri: string };
}
