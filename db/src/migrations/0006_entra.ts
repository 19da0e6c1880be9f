// Entra sync (EE): the partner connection, the managed customer tenants it discovers and their
// mapping to clients, sync runs (a parent run and one run per managed tenant), the links between
// Entra users and PSA contacts, the ambiguous-match review queue and per-tenant settings.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE entra_connections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('direct', 'cipp')),
      status text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'error', 'disconnected')),
      -- Direct: the Microsoft profile the admin picked (its archive/delete is refused while connected).
      profile_id uuid,
      partner_tenant_id text,
      partner_user text,
      -- CIPP: where CIPP-API runs and the app registration its tokens come from (secret in the store).
      cipp_base_url text,
      cipp_client_id text,
      cipp_authority_tenant text,
      last_error text,
      connected_by uuid,
      connected_at timestamptz NOT NULL DEFAULT now(),
      disconnected_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      CHECK (kind <> 'direct' OR profile_id IS NOT NULL),
      CHECK (kind <> 'cipp' OR (cipp_base_url IS NOT NULL AND cipp_client_id IS NOT NULL AND cipp_authority_tenant IS NOT NULL))
    );
    CREATE UNIQUE INDEX entra_connections_one_active ON entra_connections (tenant_id) WHERE status <> 'disconnected';

    -- Single-use state of a Direct connect (partner delegated auth code + PKCE).
    CREATE TABLE entra_oauth_states (
      state_hash text PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      profile_id uuid NOT NULL,
      code_verifier text NOT NULL,
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE entra_managed_tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      entra_tenant_id text NOT NULL,
      display_name text NOT NULL,
      default_domain text,
      domains text[] NOT NULL DEFAULT '{}',
      user_count integer,
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      discovery_error text,
      -- Mapped when client_id is set (deleting the client unmaps it); skipped on the admin's word.
      client_id uuid,
      skipped boolean NOT NULL DEFAULT false,
      mapped_by uuid,
      mapped_at timestamptz,
      -- users/delta continues from here; null means the next run lists every user.
      delta_link text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      UNIQUE (tenant_id, entra_tenant_id),
      CHECK (NOT (skipped AND client_id IS NOT NULL)),
      FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE SET NULL (client_id)
    );

    CREATE TABLE entra_sync_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      parent_run_id uuid REFERENCES entra_sync_runs(id) ON DELETE CASCADE,
      managed_tenant_id uuid,
      scope text NOT NULL CHECK (scope IN ('initial', 'all', 'client')),
      scope_key text NOT NULL,
      idempotency_key text,
      trigger text NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'schedule', 'client_action')),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed')),
      mode text CHECK (mode IN ('full', 'delta')),
      -- Resuming: the next page to read; the worker holding the lease renews heartbeat_at per page.
      cursor text,
      lease_token text,
      heartbeat_at timestamptz,
      created integer NOT NULL DEFAULT 0,
      linked integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      inactivated integer NOT NULL DEFAULT 0,
      ambiguous integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      graph_calls integer NOT NULL DEFAULT 0,
      error text,
      requested_by uuid,
      started_at timestamptz,
      finished_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, managed_tenant_id) REFERENCES entra_managed_tenants (tenant_id, id) ON DELETE CASCADE
    );
    -- A second start of the same scope while one is queued or running gets that run.
    CREATE UNIQUE INDEX entra_sync_runs_one_active ON entra_sync_runs (tenant_id, scope, scope_key)
      WHERE parent_run_id IS NULL AND status IN ('queued', 'running');
    CREATE UNIQUE INDEX entra_sync_runs_idempotency ON entra_sync_runs (tenant_id, scope, scope_key, idempotency_key)
      WHERE parent_run_id IS NULL AND idempotency_key IS NOT NULL;
    CREATE UNIQUE INDEX entra_sync_runs_child ON entra_sync_runs (parent_run_id, managed_tenant_id) WHERE parent_run_id IS NOT NULL;
    CREATE INDEX entra_sync_runs_recent ON entra_sync_runs (tenant_id, created_at DESC) WHERE parent_run_id IS NULL;

    CREATE TABLE entra_contact_links (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      managed_tenant_id uuid NOT NULL,
      entra_user_id text NOT NULL,
      contact_id uuid NOT NULL,
      -- created: the sync made the contact; linked: it matched an existing one.
      origin text NOT NULL CHECK (origin IN ('created', 'linked')),
      entra_state text NOT NULL DEFAULT 'active' CHECK (entra_state IN ('active', 'disabled', 'deleted')),
      -- The sync inactivated the contact, so it may reactivate it when the user returns.
      inactivated_by_sync boolean NOT NULL DEFAULT false,
      -- The last full listing that saw this user; users a complete listing did not see are gone.
      last_seen_run_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, managed_tenant_id, entra_user_id),
      UNIQUE (tenant_id, contact_id),
      FOREIGN KEY (tenant_id, managed_tenant_id) REFERENCES entra_managed_tenants (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE
    );

    CREATE TABLE entra_ambiguous_matches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      managed_tenant_id uuid NOT NULL,
      entra_user_id text NOT NULL,
      client_id uuid NOT NULL,
      display_name text NOT NULL,
      user_principal_name text NOT NULL,
      email text,
      candidate_contact_ids uuid[] NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
      resolution text CHECK (resolution IN ('linked', 'created', 'dismissed')),
      resolved_contact_id uuid,
      resolved_by uuid,
      resolved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      -- One item per Entra user: a repeat sighting refreshes the open item, a dismissed one stays dismissed.
      UNIQUE (tenant_id, managed_tenant_id, entra_user_id),
      FOREIGN KEY (tenant_id, managed_tenant_id) REFERENCES entra_managed_tenants (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE
    );

    CREATE TABLE entra_settings (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
      overwrite_full_name boolean NOT NULL DEFAULT false,
      overwrite_email boolean NOT NULL DEFAULT false,
      overwrite_phone boolean NOT NULL DEFAULT false,
      overwrite_job_title boolean NOT NULL DEFAULT false,
      schedule text NOT NULL DEFAULT 'off' CHECK (schedule IN ('off', 'hourly', 'daily', 'weekly')),
      last_scheduled_at timestamptz,
      updated_by uuid,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS entra_settings;
    DROP TABLE IF EXISTS entra_ambiguous_matches;
    DROP TABLE IF EXISTS entra_contact_links;
    DROP TABLE IF EXISTS entra_sync_runs;
    DROP TABLE IF EXISTS entra_managed_tenants;
    DROP TABLE IF EXISTS entra_oauth_states;
    DROP TABLE IF EXISTS entra_connections;
  `.execute(db);
}
