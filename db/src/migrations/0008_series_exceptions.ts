// Series exceptions, as Google and Outlook keep them: a series lists the original starts of its
// cancelled occurrences (EXDATE, at most 1,000), and an overridden occurrence is its own entry
// pointing at the series with the start the occurrence had per the rule. One override per
// occurrence; deleting the series deletes its overrides. An override also keeps whether its series
// is all-day (the form its original start takes in the API): a series that changes that drops its
// overrides, so the copy cannot go stale, and the list reads it without a lookup.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE schedule_entries
      ADD COLUMN excluded_starts timestamptz[] NOT NULL DEFAULT '{}',
      ADD COLUMN series_entry_id uuid,
      ADD COLUMN original_start timestamptz,
      ADD COLUMN original_all_day boolean,
      ADD CONSTRAINT schedule_entries_excluded_starts_cap CHECK (cardinality(excluded_starts) <= 1000),
      ADD CONSTRAINT schedule_entries_override_pair CHECK ((series_entry_id IS NULL) = (original_start IS NULL) AND (series_entry_id IS NULL) = (original_all_day IS NULL)),
      ADD CONSTRAINT schedule_entries_override_single CHECK (series_entry_id IS NULL OR (recurrence IS NULL AND cardinality(excluded_starts) = 0)),
      ADD CONSTRAINT schedule_entries_series_fk FOREIGN KEY (tenant_id, series_entry_id)
        REFERENCES schedule_entries (tenant_id, id) ON DELETE CASCADE;
    CREATE UNIQUE INDEX schedule_entries_override_idx ON schedule_entries (series_entry_id, original_start);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX schedule_entries_override_idx;
    ALTER TABLE schedule_entries
      DROP CONSTRAINT schedule_entries_series_fk,
      DROP CONSTRAINT schedule_entries_override_single,
      DROP CONSTRAINT schedule_entries_override_pair,
      DROP CONSTRAINT schedule_entries_excluded_starts_cap,
      DROP COLUMN original_all_day,
      DROP COLUMN original_start,
      DROP COLUMN series_entry_id,
      DROP COLUMN excluded_starts;
  `.execute(db);
}
