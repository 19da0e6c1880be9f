// Microsoft profiles and consumer bindings, plus the integration records whose presence tells the
// one-time binding materialization that a tenant already used Microsoft for a consumer: MSP SSO
// login domains, email providers and calendar providers (later migrations extend the last), and
// the Teams install state a `teams` rebinding resets.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE microsoft_profiles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      display_name text NOT NULL,
      client_id text NOT NULL,
      authority_tenant text NOT NULL DEFAULT 'common',
      is_archived boolean NOT NULL DEFAULT false,
      archived_at timestamptz,
      created_by uuid,
      updated_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      CHECK (is_archived = (archived_at IS NOT NULL))
    );
    CREATE UNIQUE INDEX microsoft_profiles_active_name_key
      ON microsoft_profiles (tenant_id, lower(display_name)) WHERE NOT is_archived;

    CREATE TABLE microsoft_profile_consumer_bindings (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      consumer text NOT NULL CHECK (consumer IN ('msp_sso', 'email', 'calendar', 'teams')),
      profile_id uuid NOT NULL,
      bound_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, consumer),
      FOREIGN KEY (tenant_id, profile_id) REFERENCES microsoft_profiles (tenant_id, id) ON DELETE RESTRICT
    );
    CREATE INDEX microsoft_bindings_profile_idx ON microsoft_profile_consumer_bindings (tenant_id, profile_id);

    -- One row per (tenant, consumer) once materialization has decided, so it runs once and a binding
    -- an admin cleared is never brought back.
    CREATE TABLE microsoft_binding_materializations (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      consumer text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('bound', 'already_bound', 'no_signal', 'no_candidate', 'ambiguous')),
      profile_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, consumer)
    );

    CREATE TABLE msp_sso_login_domains (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      domain text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'disabled')),
      verification_token text NOT NULL,
      sso_required boolean NOT NULL DEFAULT false,
      verified_at timestamptz,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id)
    );
    -- A domain is active (pending or verified) for one tenant only.
    CREATE UNIQUE INDEX msp_sso_login_domains_active_key ON msp_sso_login_domains (lower(domain)) WHERE status <> 'disabled';

    -- Inbound-mail connections of the PSA; the client id they were authorized with tells which
    -- Microsoft profile they belong to.
    CREATE TABLE email_providers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      provider_type text NOT NULL CHECK (provider_type IN ('google', 'microsoft')),
      mailbox text NOT NULL,
      authorized_client_id text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id)
    );

    CREATE TABLE calendar_providers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      provider_type text NOT NULL CHECK (provider_type IN ('google', 'microsoft')),
      display_name text NOT NULL,
      calendar_id text,
      sync_direction text NOT NULL DEFAULT 'two_way' CHECK (sync_direction IN ('two_way', 'to_calendar', 'from_calendar')),
      status text NOT NULL DEFAULT 'configuring' CHECK (status IN ('connected', 'disconnected', 'error', 'configuring')),
      authorized_client_id text,
      last_sync_at timestamptz,
      error_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX calendar_providers_user_idx ON calendar_providers (tenant_id, user_id);

    CREATE TABLE teams_integrations (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
      install_status text NOT NULL DEFAULT 'not_configured'
        CHECK (install_status IN ('not_configured', 'install_pending', 'installed', 'error')),
      package_id text,
      bot_id text,
      app_id text,
      last_error text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE teams_integrations, calendar_providers, email_providers, msp_sso_login_domains,
      microsoft_binding_materializations, microsoft_profile_consumer_bindings, microsoft_profiles;
  `.execute(db);
}
