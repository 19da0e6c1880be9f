// Administration that cannot lock anyone out (issue 17):
// - password_reset_tokens: admin-issued, single-use, expiring reset links, stored as SHA-256 only.
// - login domains are proven by a DNS TXT record. Several tenants may have the same domain pending
//   (so nobody can squat a domain by adding it first); only one can hold it verified, and a tenant
//   lists a domain once. last_checked_at / record_missing_since record the periodic re-check.
// - email_providers.needs_reconnect: a rebinding of the Email consumer marks its mailboxes, as
//   calendar_providers.needs_reconnect already does for Calendar.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE password_reset_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_by uuid,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (tenant_id, user_id);

    DROP INDEX msp_sso_login_domains_active_key;
    CREATE UNIQUE INDEX msp_sso_login_domains_verified_key ON msp_sso_login_domains (lower(domain)) WHERE status = 'verified';
    CREATE UNIQUE INDEX msp_sso_login_domains_tenant_key ON msp_sso_login_domains (tenant_id, lower(domain)) WHERE status <> 'disabled';
    ALTER TABLE msp_sso_login_domains ADD COLUMN last_checked_at timestamptz, ADD COLUMN record_missing_since timestamptz;

    ALTER TABLE email_providers ADD COLUMN needs_reconnect boolean NOT NULL DEFAULT false;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE email_providers DROP COLUMN needs_reconnect;
    ALTER TABLE msp_sso_login_domains DROP COLUMN last_checked_at, DROP COLUMN record_missing_since;
    DROP INDEX msp_sso_login_domains_tenant_key;
    DROP INDEX msp_sso_login_domains_verified_key;
    CREATE UNIQUE INDEX msp_sso_login_domains_active_key ON msp_sso_login_domains (lower(domain)) WHERE status <> 'disabled';
    DROP TABLE password_reset_tokens;
  `.execute(db);
}
