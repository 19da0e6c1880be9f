// MSP SSO sign-in: the state of each "Sign in with Microsoft" attempt, stored so the callback can
// check it is ours, unused, fresh and for the tenant whose domain started it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE msp_sso_states (
      -- SHA-256 of the state sent to Microsoft; the value itself only travels in the redirect and a cookie.
      state_hash text PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      domain_id uuid NOT NULL,
      profile_id uuid NOT NULL,
      login_hint text NOT NULL,
      code_verifier text NOT NULL,
      nonce text NOT NULL,
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, domain_id) REFERENCES msp_sso_login_domains (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX msp_sso_states_expires_idx ON msp_sso_states (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE msp_sso_states`.execute(db);
}
