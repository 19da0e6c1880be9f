// Recurrence guard: a stored rule outside the RRULE grammar the product supports (FREQ=SECONDLY,
// BYHOUR, a 300 KB string…) is removed from its entry, and the database refuses new ones. The
// entry stays as its first occurrence; the rule's text (its first 1,000 characters) is appended to
// the notes, where the technician sees what was there. The application checks more than this
// grammar (value combinations that never match) and expands any stored rule it rejects as a
// single occurrence, so this is the last line, not the only one.
import { sql, type Kysely } from 'kysely';

const WEEKDAY = '(MO|TU|WE|TH|FR|SA|SU)';
const list = (item: string) => `${item}(,${item})*`;
const PART = [
  'FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)',
  'INTERVAL=([1-9][0-9]{0,2}|1000)',
  'COUNT=([1-9][0-9]{0,2}|1000)',
  'UNTIL=(19|2[0-9])[0-9]{6}(T[0-9]{6}Z?)?',
  `BYDAY=${list(`([+-]?([1-9]|[1-4][0-9]|5[0-3]))?${WEEKDAY}`)}`,
  `BYMONTHDAY=${list('[+-]?([1-9]|[12][0-9]|3[01])')}`,
  `BYMONTH=${list('([1-9]|1[0-2])')}`,
  'BYSETPOS=[+-]?[1-4]',
  `WKST=${WEEKDAY}`,
].join('|');
const GRAMMAR = `^(${PART})(;(${PART}))*;?$`;
const MAX_LENGTH = 500;

/** The CHECK expression (literals inlined: DDL takes no parameters). */
const supported = sql`recurrence IS NULL OR (length(recurrence) <= ${sql.lit(MAX_LENGTH)} AND recurrence ~ ${sql.lit(GRAMMAR)} AND recurrence ~ ${sql.lit('(^|;)FREQ=')})`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE schedule_entries
    SET notes = concat_ws(chr(10) || chr(10), notes, 'Repeat rule removed on upgrade (not supported): ' || left(recurrence, 1000)),
        recurrence = NULL,
        version = version + 1,
        updated_at = now()
    WHERE NOT (${supported})
  `.execute(db);
  await sql`ALTER TABLE schedule_entries ADD CONSTRAINT schedule_entries_recurrence_supported CHECK (${supported})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE schedule_entries DROP CONSTRAINT IF EXISTS schedule_entries_recurrence_supported`.execute(db);
}
