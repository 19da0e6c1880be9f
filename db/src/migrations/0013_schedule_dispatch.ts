// Schedule for dispatchers (issue 22): an entry may name the client the work is for and one of that
// client's contacts, and each tenant keeps the working hours its time grid shades.
//
// Both links are composite keys with tenant_id, so an entry can only name its own tenant's client,
// and the contact key includes client_id, so the contact is always one of the entry's client's
// (contacts gets a unique key on (tenant_id, client_id, id) for it to reference). Deleting a client
// or a contact keeps the entries: the work was (or is) still done, so only the link is cleared
// (PostgreSQL 15's SET NULL column list: tenant_id is never cleared). Two cases the keys cannot
// handle alone are triggers, so that no code path can forget them:
// - a deleted client's contacts go by cascade, and that cascade's SET NULL runs after the client
//   key's, when client_id is already null and the contact key no longer matches the entry: the
//   client's delete clears the contacts first;
// - a contact moved to another client is no longer the contact of its old client's entries (the
//   contact key would otherwise refuse the move): the move clears those links.
// Clearing a link is not a change of the entry (no version bump, no outbox event: calendar events
// do not carry the client). An inactive contact stays linked: inactive means kept for history.
//
// Working hours are one row per tenant with typed columns rather than a JSON settings blob: the
// database checks what the API checks (15-minute steps, end after start, at least one weekday), and
// a tenant without a row has the default (08:00-17:00, Monday to Friday), so nothing is seeded.
// Times are minutes after midnight in the viewer's day; days are ISO weekdays (1 = Monday).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE contacts ADD CONSTRAINT contacts_tenant_client_id_key UNIQUE (tenant_id, client_id, id);
    ALTER TABLE schedule_entries
      ADD COLUMN client_id uuid,
      ADD COLUMN contact_id uuid,
      ADD CONSTRAINT schedule_entries_client_fk FOREIGN KEY (tenant_id, client_id)
        REFERENCES clients (tenant_id, id) ON DELETE SET NULL (client_id),
      ADD CONSTRAINT schedule_entries_contact_fk FOREIGN KEY (tenant_id, client_id, contact_id)
        REFERENCES contacts (tenant_id, client_id, id) ON DELETE SET NULL (contact_id);
    -- A client's upcoming entries (the client page, the schedule's client filter), and the lookup
    -- the client key's SET NULL does on delete.
    CREATE INDEX schedule_entries_client_start_idx ON schedule_entries (tenant_id, client_id, starts_at) WHERE client_id IS NOT NULL;

    CREATE FUNCTION sb_clients_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE schedule_entries SET contact_id = NULL WHERE tenant_id = OLD.tenant_id AND client_id = OLD.id AND contact_id IS NOT NULL;
      RETURN OLD;
    END $$;
    CREATE TRIGGER clients_deleting_unlink_contacts BEFORE DELETE ON clients
      FOR EACH ROW EXECUTE FUNCTION sb_clients_deleting();

    CREATE FUNCTION sb_contacts_moving() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE schedule_entries SET contact_id = NULL WHERE tenant_id = OLD.tenant_id AND client_id = OLD.client_id AND contact_id = OLD.id;
      RETURN NEW;
    END $$;
    CREATE TRIGGER contacts_moving_unlink BEFORE UPDATE OF client_id ON contacts
      FOR EACH ROW WHEN (NEW.client_id IS DISTINCT FROM OLD.client_id) EXECUTE FUNCTION sb_contacts_moving();

    CREATE TABLE schedule_settings (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
      work_start_minute smallint NOT NULL CHECK (work_start_minute >= 0 AND work_start_minute % 15 = 0),
      work_end_minute smallint NOT NULL CHECK (work_end_minute <= 1440 AND work_end_minute % 15 = 0),
      work_days smallint[] NOT NULL CHECK (cardinality(work_days) BETWEEN 1 AND 7 AND work_days <@ '{1,2,3,4,5,6,7}'),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (work_end_minute > work_start_minute)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE schedule_settings;
    DROP TRIGGER contacts_moving_unlink ON contacts;
    DROP TRIGGER clients_deleting_unlink_contacts ON clients;
    DROP FUNCTION sb_contacts_moving();
    DROP FUNCTION sb_clients_deleting();
    DROP INDEX schedule_entries_client_start_idx;
    ALTER TABLE schedule_entries
      DROP CONSTRAINT schedule_entries_contact_fk,
      DROP CONSTRAINT schedule_entries_client_fk,
      DROP COLUMN contact_id,
      DROP COLUMN client_id;
    ALTER TABLE contacts DROP CONSTRAINT contacts_tenant_client_id_key;
  `.execute(db);
}
