// Series exceptions in calendar sync: which cancelled occurrences of a series were already sent to
// (or read from) the calendar a mapping points at, so a push cancels each occurrence once instead of
// re-sending every cancellation of the series. Values are original starts in the API's form
// (timed `YYYY-MM-DDTHH:mm:ss.sssZ`, all-day `YYYY-MM-DD`); the series' own excluded_starts (at
// most 1,000) bound them, and a push drops the ones the series no longer excludes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calendar_event_mappings ADD COLUMN cancelled_starts text[] NOT NULL DEFAULT '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calendar_event_mappings DROP COLUMN cancelled_starts`.execute(db);
}
