// Recurring sync: a periodic tick starts an all-tenants run for every tenant whose schedule is due.
// The idempotency key is the schedule slot, so two workers ticking at once start one run.
import { sql } from 'kysely';
import { isFeatureEnabled, type Db, type JobQueue } from '@switchboard/core';
import { SCHEDULE_INTERVAL_MS } from './settings.js';
import { startRun } from './sync-runs.js';

export async function startDueScheduledRuns(db: Db, jobs: JobQueue, now = new Date()): Promise<string[]> {
  const rows = await db
    .selectFrom('entra_settings as s')
    .innerJoin('entra_connections as c', (j) => j.onRef('c.tenant_id', '=', 's.tenant_id').on('c.status', '=', 'connected'))
    .select(['s.tenant_id', 's.schedule', 's.last_scheduled_at'])
    .where('s.schedule', '<>', 'off')
    .execute();
  const started: string[] = [];
  for (const row of rows) {
    if (row.schedule === 'off') continue;
    const interval = SCHEDULE_INTERVAL_MS[row.schedule];
    if (row.last_scheduled_at && now.getTime() - row.last_scheduled_at.getTime() < interval) continue;
    if (!(await isFeatureEnabled(db, row.tenant_id, 'entra-integration-ui'))) continue;
    const slot = Math.floor(now.getTime() / interval);
    try {
      const { run } = await startRun(db, jobs, row.tenant_id, { scope: 'all', trigger: 'schedule', idempotencyKey: `schedule:${row.schedule}:${slot}`, userId: null });
      started.push(run.id);
    } catch {
      // Nothing mapped yet, or disconnected meanwhile: try again at the next slot.
    }
    await db.updateTable('entra_settings').set({ last_scheduled_at: sql`${now.toISOString()}::timestamptz` }).where('tenant_id', '=', row.tenant_id).execute();
  }
  return started;
}
