// Per-tenant Entra sync settings: which contact fields Entra may overwrite, and the recurring schedule.
import { sql } from 'kysely';
import type { EntraSchedule } from '@switchboard/db';
import { forTenant, isFeatureEnabled, recordAudit, type Db } from '@switchboard/core';
import type { FieldOverwrite } from './reconcile.js';

export const SCHEDULES: EntraSchedule[] = ['off', 'hourly', 'daily', 'weekly'];
export const SCHEDULE_INTERVAL_MS: Record<Exclude<EntraSchedule, 'off'>, number> = { hourly: 3600_000, daily: 86_400_000, weekly: 7 * 86_400_000 };

export interface EntraSettings {
  overwrite: FieldOverwrite;
  schedule: EntraSchedule;
  lastScheduledAt: string | null;
}

const NO_OVERWRITE: FieldOverwrite = { fullName: false, email: false, phone: false, jobTitle: false };

export async function getSettings(db: Db, tenantId: string): Promise<EntraSettings> {
  const row = await forTenant(db, tenantId).selectFrom('entra_settings').selectAll().executeTakeFirst();
  if (!row) return { overwrite: NO_OVERWRITE, schedule: 'off', lastScheduledAt: null };
  return {
    overwrite: { fullName: row.overwrite_full_name, email: row.overwrite_email, phone: row.overwrite_phone, jobTitle: row.overwrite_job_title },
    schedule: row.schedule,
    lastScheduledAt: row.last_scheduled_at?.toISOString() ?? null,
  };
}

/** What a sync applies: the toggles count only while the field-sync flag is on (checked per run). */
export async function effectiveOverwrite(db: Db, tenantId: string): Promise<FieldOverwrite> {
  if (!(await isFeatureEnabled(db, tenantId, 'entra-integration-field-sync'))) return NO_OVERWRITE;
  return (await getSettings(db, tenantId)).overwrite;
}

export async function updateSettings(db: Db, actor: { tenantId: string; userId: string }, patch: { overwrite?: Partial<FieldOverwrite>; schedule?: EntraSchedule }) {
  return db.transaction().execute(async (trx) => {
    const before = await getSettings(trx, actor.tenantId);
    const overwrite = { ...before.overwrite, ...patch.overwrite };
    const schedule = patch.schedule ?? before.schedule;
    const values = {
      overwrite_full_name: overwrite.fullName,
      overwrite_email: overwrite.email,
      overwrite_phone: overwrite.phone,
      overwrite_job_title: overwrite.jobTitle,
      schedule,
      updated_by: actor.userId,
    };
    await forTenant(trx, actor.tenantId)
      .insertInto('entra_settings', values)
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.settings_updated', targetType: 'entra_settings', details: { before: { overwrite: before.overwrite, schedule: before.schedule }, after: { overwrite, schedule } } });
    return getSettings(trx, actor.tenantId);
  });
}
