// Calendar sync (EE): what calendar_providers (0002) gains for connections and sync, the
// tenant's calendar settings, OAuth states of "connect" flows, and event mappings between
// schedule entries and provider events. Tokens, the Google client secret and webhook secrets
// live in tenant_secrets, never here.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE calendar_providers
      ADD COLUMN account_email text,
      ADD COLUMN import_unmapped boolean NOT NULL DEFAULT false,
      ADD COLUMN connected_at timestamptz,
      ADD COLUMN sync_cursor text,
      ADD COLUMN sync_progress jsonb,
      ADD COLUMN channel_id text,
      ADD COLUMN channel_resource_id text,
      ADD COLUMN channel_expires_at timestamptz,
      ADD COLUMN last_notification_at timestamptz,
      ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0,
      -- The grant is gone (refresh refused): only the technician reconnecting fixes it.
      ADD COLUMN needs_reconnect boolean NOT NULL DEFAULT false;
    -- One connection per technician and provider type.
    CREATE UNIQUE INDEX calendar_providers_user_type_key ON calendar_providers (tenant_id, user_id, provider_type);
    -- Webhooks find their provider by channel / subscription id.
    CREATE UNIQUE INDEX calendar_providers_channel_key ON calendar_providers (provider_type, channel_id) WHERE channel_id IS NOT NULL;

    CREATE TABLE calendar_settings (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
      google_client_id text,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE calendar_oauth_states (
      -- SHA-256 of the state sent to the provider.
      state_hash text PRIMARY KEY,
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      provider_id uuid NOT NULL,
      provider_type text NOT NULL CHECK (provider_type IN ('google', 'microsoft')),
      code_verifier text NOT NULL,
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, provider_id) REFERENCES calendar_providers (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX calendar_oauth_states_expires_idx ON calendar_oauth_states (expires_at);

    -- schedule_entry_id has no foreign key on purpose: when an entry is deleted its mapping must
    -- outlive it until the external event is deleted too.
    CREATE TABLE calendar_event_mappings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      provider_id uuid NOT NULL,
      schedule_entry_id uuid NOT NULL,
      external_id text,
      ical_uid text,
      etag text,
      content_hash text,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'synced', 'conflict', 'error')),
      last_error text,
      -- The calendar's version when a conflict was detected, shown beside the PSA's for resolution.
      conflict_remote jsonb,
      last_synced_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      UNIQUE (provider_id, schedule_entry_id),
      FOREIGN KEY (tenant_id, provider_id) REFERENCES calendar_providers (tenant_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX calendar_event_mappings_external_key ON calendar_event_mappings (provider_id, external_id) WHERE external_id IS NOT NULL;
    CREATE INDEX calendar_event_mappings_entry_idx ON calendar_event_mappings (tenant_id, schedule_entry_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE calendar_event_mappings, calendar_oauth_states, calendar_settings;
    DROP INDEX calendar_providers_user_type_key, calendar_providers_channel_key;
    ALTER TABLE calendar_providers
      DROP COLUMN account_email, DROP COLUMN import_unmapped, DROP COLUMN connected_at, DROP COLUMN sync_cursor,
      DROP COLUMN sync_progress, DROP COLUMN channel_id, DROP COLUMN channel_resource_id, DROP COLUMN channel_expires_at,
      DROP COLUMN last_notification_at, DROP COLUMN consecutive_failures, DROP COLUMN needs_reconnect;
  `.execute(db);
}
