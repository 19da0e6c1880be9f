// Tables of calendar sync (EE), merged into the Database type in ../schema.ts. calendar_providers
// itself is declared in ../schema.ts (it predates sync: bindings materialization reads it).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CalendarSettingsTable {
  tenant_id: string;
  google_client_id: string | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface CalendarOAuthStatesTable {
  state_hash: string;
  tenant_id: string;
  user_id: string;
  provider_id: string;
  provider_type: 'google' | 'microsoft';
  code_verifier: string;
  expires_at: ColumnType<Date, Date, Date>;
  consumed_at: Date | null;
  created_at: ColumnType<Date, never, never>;
}

export type MappingStatus = 'pending' | 'synced' | 'conflict' | 'error';

export interface CalendarEventMappingsTable {
  id: Generated<string>;
  tenant_id: string;
  provider_id: string;
  schedule_entry_id: string;
  external_id: string | null;
  ical_uid: string | null;
  etag: string | null;
  content_hash: string | null;
  status: Generated<MappingStatus>;
  last_error: string | null;
  conflict_remote: JSONColumnType<ConflictRemote | null, string | null, string | null>;
  last_synced_at: Date | null;
  /** A series' cancelled occurrences (original starts) this calendar already has (migration 0009). */
  cancelled_starts: ColumnType<string[], string[] | undefined, string[]>;
  created_at: ColumnType<Date, never, never>;
  updated_at: Timestamp;
}

/** The calendar side of a conflict: the event as the provider held it, and its etag. */
export interface ConflictRemote {
  etag: string;
  event: { title: string; notes: string | null; start: string; end: string; timeZone: string; allDay: boolean; recurrence: string | null; attendees: string[] };
  detectedAt: string;
}

/** Progress of a manual or periodic sync, shown while it runs. */
export interface SyncProgress {
  phase: 'push' | 'pull' | 'done';
  done: number;
  total: number;
  startedAt: string;
}

export interface CalendarTables {
  calendar_settings: CalendarSettingsTable;
  calendar_oauth_states: CalendarOAuthStatesTable;
  calendar_event_mappings: CalendarEventMappingsTable;
}

export type SyncProgressColumn = JSONColumnType<SyncProgress | null, string | null, string | null>;
