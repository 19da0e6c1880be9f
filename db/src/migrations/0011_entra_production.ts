// Entra sync in production (issue 20):
// - entra_connections.status 'needs_reconnect': Microsoft refused the partner's refresh token
//   (invalid_grant); the connection keeps its tenants and mappings until an admin connects again.
//   token_refreshed_at is when a refresh last succeeded (and the rotated token was stored).
// - entra_connections.cipp_scope: the scope CIPP tokens are requested for (deployments differ);
//   null means the default `api://{cipp_client_id}/.default`.
// - entra_contact_links.contact_id is set to null when the PSA contact is deleted: the link stays
//   as a tombstone, so the sync neither re-creates the contact silently nor forgets the user.
// - entra_ambiguous_matches.reason: 'ambiguous' (several candidate contacts) or 'contact_deleted'
//   (a linked contact was deleted in the PSA: re-create or ignore).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE entra_connections DROP CONSTRAINT entra_connections_status_check;
    ALTER TABLE entra_connections ADD CONSTRAINT entra_connections_status_check CHECK (status IN ('connected', 'error', 'needs_reconnect', 'disconnected'));
    ALTER TABLE entra_connections ADD COLUMN token_refreshed_at timestamptz, ADD COLUMN cipp_scope text;

    ALTER TABLE entra_contact_links ALTER COLUMN contact_id DROP NOT NULL;
    ALTER TABLE entra_contact_links DROP CONSTRAINT entra_contact_links_contact_id_fkey;
    ALTER TABLE entra_contact_links ADD CONSTRAINT entra_contact_links_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE SET NULL;

    ALTER TABLE entra_ambiguous_matches ADD COLUMN reason text NOT NULL DEFAULT 'ambiguous' CHECK (reason IN ('ambiguous', 'contact_deleted'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE entra_ambiguous_matches DROP COLUMN reason;
    DELETE FROM entra_contact_links WHERE contact_id IS NULL;
    ALTER TABLE entra_contact_links DROP CONSTRAINT entra_contact_links_contact_id_fkey;
    ALTER TABLE entra_contact_links ADD CONSTRAINT entra_contact_links_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE;
    ALTER TABLE entra_contact_links ALTER COLUMN contact_id SET NOT NULL;
    ALTER TABLE entra_connections DROP COLUMN token_refreshed_at, DROP COLUMN cipp_scope;
    UPDATE entra_connections SET status = 'error' WHERE status = 'needs_reconnect';
    ALTER TABLE entra_connections DROP CONSTRAINT entra_connections_status_check;
    ALTER TABLE entra_connections ADD CONSTRAINT entra_connections_status_check CHECK (status IN ('connected', 'error', 'disconnected'));
  `.execute(db);
}
