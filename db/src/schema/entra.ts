// Tables of the entra feature (migration 0006_entra), merged into the Database type in ../schema.ts.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export type EntraConnectionKind = 'direct' | 'cipp';
export type EntraConnectionStatus = 'connected' | 'error' | 'needs_reconnect' | 'disconnected';

export interface EntraConnectionsTable {
  id: Generated<string>;
  tenant_id: string;
  kind: EntraConnectionKind;
  status: Generated<EntraConnectionStatus>;
  profile_id: string | null;
  partner_tenant_id: string | null;
  partner_user: string | null;
  cipp_base_url: string | null;
  cipp_client_id: string | null;
  cipp_authority_tenant: string | null;
  /** Null: `api://{cipp_client_id}/.default`. */
  cipp_scope: string | null;
  token_refreshed_at: Date | null;
  last_error: string | null;
  connected_by: string | null;
  connected_at: Generated<Date>;
  disconnected_at: Date | null;
  updated_at: Timestamp;
}

export interface EntraOauthStatesTable {
  state_hash: string;
  tenant_id: string;
  user_id: string;
  profile_id: string;
  code_verifier: string;
  expires_at: ColumnType<Date, Date, Date>;
  consumed_at: Date | null;
  created_at: CreatedAt;
}

export interface EntraManagedTenantsTable {
  id: Generated<string>;
  tenant_id: string;
  entra_tenant_id: string;
  display_name: string;
  default_domain: string | null;
  domains: TextArray;
  user_count: number | null;
  last_seen_at: Timestamp;
  discovery_error: string | null;
  client_id: string | null;
  skipped: Generated<boolean>;
  mapped_by: string | null;
  mapped_at: Date | null;
  delta_link: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type EntraRunScope = 'initial' | 'all' | 'client';
export type EntraRunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
export type EntraRunTrigger = 'manual' | 'schedule' | 'client_action';

export interface EntraSyncRunsTable {
  id: Generated<string>;
  tenant_id: string;
  parent_run_id: string | null;
  managed_tenant_id: string | null;
  scope: EntraRunScope;
  scope_key: string;
  idempotency_key: string | null;
  trigger: Generated<EntraRunTrigger>;
  status: Generated<EntraRunStatus>;
  mode: 'full' | 'delta' | null;
  cursor: string | null;
  lease_token: string | null;
  heartbeat_at: Date | null;
  created: Generated<number>;
  linked: Generated<number>;
  updated: Generated<number>;
  inactivated: Generated<number>;
  ambiguous: Generated<number>;
  failed: Generated<number>;
  unchanged: Generated<number>;
  graph_calls: Generated<number>;
  error: string | null;
  requested_by: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: CreatedAt;
}

export interface EntraContactLinksTable {
  tenant_id: string;
  managed_tenant_id: string;
  entra_user_id: string;
  /** Null: the PSA contact was deleted (a tombstone; the user waits in the review queue). */
  contact_id: string | null;
  origin: 'created' | 'linked';
  entra_state: Generated<'active' | 'disabled' | 'deleted'>;
  inactivated_by_sync: Generated<boolean>;
  last_seen_run_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface EntraAmbiguousMatchesTable {
  id: Generated<string>;
  tenant_id: string;
  managed_tenant_id: string;
  entra_user_id: string;
  client_id: string;
  display_name: string;
  user_principal_name: string;
  email: string | null;
  candidate_contact_ids: TextArray;
  reason: Generated<'ambiguous' | 'contact_deleted'>;
  status: Generated<'open' | 'resolved' | 'dismissed'>;
  resolution: 'linked' | 'created' | 'dismissed' | null;
  resolved_contact_id: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type EntraSchedule = 'off' | 'hourly' | 'daily' | 'weekly';

export interface EntraSettingsTable {
  tenant_id: string;
  overwrite_full_name: Generated<boolean>;
  overwrite_email: Generated<boolean>;
  overwrite_phone: Generated<boolean>;
  overwrite_job_title: Generated<boolean>;
  schedule: Generated<EntraSchedule>;
  last_scheduled_at: Date | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface EntraTables {
  entra_connections: EntraConnectionsTable;
  entra_oauth_states: EntraOauthStatesTable;
  entra_managed_tenants: EntraManagedTenantsTable;
  entra_sync_runs: EntraSyncRunsTable;
  entra_contact_links: EntraContactLinksTable;
  entra_ambiguous_matches: EntraAmbiguousMatchesTable;
  entra_settings: EntraSettingsTable;
}
