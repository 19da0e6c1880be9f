// In-app notifications: what a user should know or act on ("Action required: reconnect your
// calendar", integration health alerts). A condition is raised under a dedupe key; the partial
// unique index keeps one open (unresolved) notification per recipient and key, so raising it again
// on every retry touches that row instead of piling up copies.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      kind text NOT NULL,
      severity text NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
      title text NOT NULL,
      body text NOT NULL DEFAULT '',
      -- An in-app path only (the web app navigates to it), never an external address.
      link text CHECK (link IS NULL OR (link LIKE '/%' AND link NOT LIKE '//%')),
      dedupe_key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz,
      resolved_at timestamptz,
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX notifications_open_dedupe_key ON notifications (tenant_id, user_id, dedupe_key)
      WHERE resolved_at IS NULL;
    -- Resolving a condition finds every recipient's open copy by key.
    CREATE INDEX notifications_open_by_key_idx ON notifications (tenant_id, dedupe_key) WHERE resolved_at IS NULL;
    CREATE INDEX notifications_recipient_idx ON notifications (tenant_id, user_id, created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE notifications`.execute(db);
}
