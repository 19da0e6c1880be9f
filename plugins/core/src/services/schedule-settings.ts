// A tenant's schedule settings: the working hours the time grid shades. Stored as minutes after
// midnight (migration 0013); the API speaks `HH:MM`. A tenant without a row has the defaults.
import { sql } from 'kysely';
import { forTenant, type Db } from '../tenancy.js';

export interface WorkingHours {
  start: string;
  end: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday, ascending. */
  days: number[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: '08:00', end: '17:00', days: [1, 2, 3, 4, 5] };

/** `HH:MM` as minutes after midnight (`24:00` is 1440, the end of the day). */
export const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const toTime = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export async function getWorkingHours(db: Db, tenantId: string): Promise<WorkingHours> {
  const row = await forTenant(db, tenantId).selectFrom('schedule_settings').select(['work_start_minute', 'work_end_minute', 'work_days']).executeTakeFirst();
  if (!row) return DEFAULT_WORKING_HOURS;
  return { start: toTime(row.work_start_minute), end: toTime(row.work_end_minute), days: row.work_days };
}

/** Stores validated working hours (the route checks them; the table's checks back that up). */
export async function setWorkingHours(db: Db, tenantId: string, hours: WorkingHours): Promise<WorkingHours> {
  const values = { work_start_minute: toMinutes(hours.start), work_end_minute: toMinutes(hours.end), work_days: [...new Set(hours.days)].sort((a, b) => a - b) };
  await forTenant(db, tenantId)
    .insertInto('schedule_settings', values)
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
  return getWorkingHours(db, tenantId);
}
