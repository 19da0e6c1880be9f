// The Database type: one interface per table. Row types are derived with Selectable/Insertable/
// Updateable where they are used; never hand-write a second copy of a row.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { CalendarTables, SyncProgressColumn } from './schema/calendar.js';
import type { EntraTables } from './schema/entra.js';
import type { NotificationsTables } from './schema/notifications.js';

export type * from './schema/calendar.js';
export type * from './schema/entra.js';
export type * from './schema/notifications.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;

export interface TenantsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface ClientsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  domains: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type UserType = 'internal' | 'client';

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  display_name: string;
  user_type: UserType;
  client_id: string | null;
  password_hash: string | null;
  is_active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RolesTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  permissions: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface UserRolesTable {
  tenant_id: string;
  user_id: string;
  role_id: string;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date, Date>;
}

export interface TenantSecretsTable {
  tenant_id: string;
  name: string;
  key_id: string;
  iv: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  tenant_id: string;
  actor_user_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
}

export interface OutboxEventsTable {
  id: Generated<string>;
  tenant_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: CreatedAt;
  published_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface FeatureFlagsTable {
  key: string;
  description: string;
  default_enabled: boolean;
}

export interface FeatureFlagTenantsTable {
  flag_key: string;
  tenant_id: string;
  enabled: boolean;
  updated_at: Timestamp;
}

export interface ContactsTable {
  id: Generated<string>;
  tenant_id: string;
  client_id: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  job_title: string | null;
  is_inactive: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ScheduleEntriesTable {
  id: Generated<string>;
  tenant_id: string;
  title: string;
  notes: string | null;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date, Date | string, Date | string>;
  time_zone: string;
  is_all_day: boolean;
  recurrence: string | null;
  work_item_type: Generated<string>;
  work_item_id: string | null;
  created_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Original starts of the series' cancelled occurrences (EXDATE), at most 1,000 (migration 0008). */
  excluded_starts: ColumnType<Date[], Date[] | undefined, Date[]>;
  /** Set on an overridden occurrence: its series, and the start the occurrence had per the rule. */
  series_entry_id: string | null;
  original_start: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Set on an overridden occurrence: whether its series is all-day (the form of `original_start` in the API). */
  original_all_day: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  /** The client the work is for, and optionally one of its contacts; cleared when they are deleted (migration 0013). */
  client_id: string | null;
  contact_id: string | null;
}

export interface ScheduleEntryAssigneesTable {
  tenant_id: string;
  schedule_entry_id: string;
  user_id: string;
}

/** A tenant's schedule settings; no row means the defaults (migration 0013). */
export interface ScheduleSettingsTable {
  tenant_id: string;
  /** Working hours as minutes after midnight, on 15-minute steps; the end is after the start. */
  work_start_minute: number;
  work_end_minute: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  work_days: number[];
  updated_at: Timestamp;
}

export type MicrosoftConsumerName = 'msp_sso' | 'email' | 'calendar' | 'teams';

export interface MicrosoftProfilesTable {
  id: Generated<string>;
  tenant_id: string;
  display_name: string;
  client_id: string;
  authority_tenant: Generated<string>;
  is_archived: Generated<boolean>;
  archived_at: Date | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MicrosoftProfileConsumerBindingsTable {
  tenant_id: string;
  consumer: MicrosoftConsumerName;
  profile_id: string;
  bound_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type MaterializationOutcome = 'bound' | 'already_bound' | 'no_signal' | 'no_candidate' | 'ambiguous';

export interface MicrosoftBindingMaterializationsTable {
  tenant_id: string;
  consumer: MicrosoftConsumerName;
  outcome: MaterializationOutcome;
  profile_id: string | null;
  created_at: CreatedAt;
}

export interface MspSsoLoginDomainsTable {
  id: Generated<string>;
  tenant_id: string;
  domain: string;
  status: Generated<'pending' | 'verified' | 'disabled'>;
  verification_token: string;
  sso_required: Generated<boolean>;
  verified_at: Date | null;
  /** When the periodic DNS re-check last ran for this domain. */
  last_checked_at: Date | null;
  /** Set while the TXT record is missing at re-checks; null once it is found again. */
  record_missing_since: Date | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Admin-issued password reset links: only the SHA-256 of the token is stored; used once. */
export interface PasswordResetTokensTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  created_by: string | null;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface EmailProvidersTable {
  id: Generated<string>;
  tenant_id: string;
  provider_type: 'google' | 'microsoft';
  mailbox: string;
  authorized_client_id: string | null;
  is_active: Generated<boolean>;
  /** Set when the Email consumer was rebound: the mailbox must be authorized again. */
  needs_reconnect: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CalendarProvidersTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  provider_type: 'google' | 'microsoft';
  display_name: string;
  calendar_id: string | null;
  sync_direction: Generated<'two_way' | 'to_calendar' | 'from_calendar'>;
  status: Generated<'connected' | 'disconnected' | 'error' | 'configuring'>;
  authorized_client_id: string | null;
  last_sync_at: Date | null;
  error_message: string | null;
  account_email: string | null;
  import_unmapped: Generated<boolean>;
  connected_at: Date | null;
  sync_cursor: string | null;
  sync_progress: SyncProgressColumn;
  channel_id: string | null;
  channel_resource_id: string | null;
  channel_expires_at: Date | null;
  last_notification_at: Date | null;
  consecutive_failures: Generated<number>;
  needs_reconnect: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface TeamsIntegrationsTable {
  tenant_id: string;
  install_status: Generated<'not_configured' | 'install_pending' | 'installed' | 'error'>;
  package_id: string | null;
  bot_id: string | null;
  app_id: string | null;
  last_error: string | null;
  updated_at: Timestamp;
}

export interface MspSsoStatesTable {
  state_hash: string;
  tenant_id: string;
  domain_id: string;
  profile_id: string;
  login_hint: string;
  code_verifier: string;
  nonce: string;
  expires_at: ColumnType<Date, Date, Date>;
  consumed_at: Date | null;
  created_at: CreatedAt;
}

/** Feature tables live in ./schema/*.ts so each feature owns its own file. */
export interface Database extends NotificationsTables, CalendarTables, EntraTables {
  tenants: TenantsTable;
  clients: ClientsTable;
  users: UsersTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  tenant_secrets: TenantSecretsTable;
  audit_log: AuditLogTable;
  outbox_events: OutboxEventsTable;
  feature_flags: FeatureFlagsTable;
  feature_flag_tenants: FeatureFlagTenantsTable;
  contacts: ContactsTable;
  schedule_entries: ScheduleEntriesTable;
  schedule_entry_assignees: ScheduleEntryAssigneesTable;
  schedule_settings: ScheduleSettingsTable;
  microsoft_profiles: MicrosoftProfilesTable;
  microsoft_profile_consumer_bindings: MicrosoftProfileConsumerBindingsTable;
  microsoft_binding_materializations: MicrosoftBindingMaterializationsTable;
  msp_sso_login_domains: MspSsoLoginDomainsTable;
  email_providers: EmailProvidersTable;
  calendar_providers: CalendarProvidersTable;
  teams_integrations: TeamsIntegrationsTable;
  msp_sso_states: MspSsoStatesTable;
  password_reset_tokens: PasswordResetTokensTable;
}

/** Tables whose rows belong to one tenant: the tenant scope helper accepts only these. */
export type TenantTable = {
  [K in keyof Database]: Database[K] extends { tenant_id: string } ? K : never;
}[keyof Database];
