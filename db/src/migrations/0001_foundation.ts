// Foundation schema: tenancy, auth, secrets, audit, outbox, feature flags and the PSA records.
// Every tenant-owned row carries tenant_id; cross-row references include tenant_id in the foreign
// key so a row can never point at another tenant's data, whatever the application code does.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE clients (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      domains text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id)
    );
    CREATE INDEX clients_tenant_name_idx ON clients (tenant_id, lower(name));

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      email text NOT NULL,
      display_name text NOT NULL,
      user_type text NOT NULL CHECK (user_type IN ('internal', 'client')),
      client_id uuid,
      password_hash text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
      CHECK ((user_type = 'client') = (client_id IS NOT NULL))
    );
    -- Sign-in is by email alone, so an email identifies exactly one user across tenants.
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));

    CREATE TABLE roles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      permissions text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id)
    );
    CREATE UNIQUE INDEX roles_tenant_name_key ON roles (tenant_id, lower(name));

    CREATE TABLE user_roles (
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      role_id uuid NOT NULL,
      PRIMARY KEY (user_id, role_id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
    );

    CREATE TABLE sessions (
      id text PRIMARY KEY,
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX sessions_expires_idx ON sessions (expires_at);

    CREATE TABLE tenant_secrets (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      key_id text NOT NULL,
      iv bytea NOT NULL,
      ciphertext bytea NOT NULL,
      auth_tag bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, name)
    );
    CREATE INDEX tenant_secrets_key_idx ON tenant_secrets (key_id);

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      actor_user_id uuid,
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text,
      details jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, id DESC);

    CREATE TABLE outbox_events (
      id bigserial PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      event_type text NOT NULL,
      aggregate_type text NOT NULL,
      aggregate_id text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text
    );
    CREATE INDEX outbox_events_unpublished_idx ON outbox_events (id) WHERE published_at IS NULL;

    CREATE TABLE feature_flags (
      key text PRIMARY KEY,
      description text NOT NULL,
      default_enabled boolean NOT NULL DEFAULT false
    );

    CREATE TABLE feature_flag_tenants (
      flag_key text NOT NULL REFERENCES feature_flags(key) ON DELETE CASCADE,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      enabled boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (flag_key, tenant_id)
    );

    CREATE TABLE contacts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      client_id uuid NOT NULL,
      full_name text NOT NULL,
      email text,
      phone text,
      job_title text,
      is_inactive boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX contacts_tenant_client_idx ON contacts (tenant_id, client_id);
    CREATE INDEX contacts_tenant_email_idx ON contacts (tenant_id, lower(email));

    CREATE TABLE schedule_entries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      title text NOT NULL,
      notes text,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      time_zone text NOT NULL,
      is_all_day boolean NOT NULL DEFAULT false,
      recurrence text,
      work_item_type text NOT NULL DEFAULT 'ad_hoc',
      work_item_id text,
      created_by uuid,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id),
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX schedule_entries_tenant_start_idx ON schedule_entries (tenant_id, starts_at);

    CREATE TABLE schedule_entry_assignees (
      tenant_id uuid NOT NULL,
      schedule_entry_id uuid NOT NULL,
      user_id uuid NOT NULL,
      PRIMARY KEY (schedule_entry_id, user_id),
      FOREIGN KEY (tenant_id, schedule_entry_id) REFERENCES schedule_entries (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX schedule_entry_assignees_user_idx ON schedule_entry_assignees (tenant_id, user_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE schedule_entry_assignees, schedule_entries, contacts, feature_flag_tenants,
      feature_flags, outbox_events, audit_log, tenant_secrets, sessions, user_roles, roles, users,
      clients, tenants;
  `.execute(db);
}
