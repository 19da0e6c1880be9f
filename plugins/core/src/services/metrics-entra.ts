// Entra sync runs as metrics and log lines: after each sync job, a run that reached its end is
// counted once by outcome, and so is each of its managed-tenant runs (no tenant label: bounded).
import type { FastifyBaseLogger } from 'fastify';
import { forTenant, type Db } from '../tenancy.js';
import type { Metrics } from './metrics.js';

export async function recordEntraRunOutcome(db: Db, metrics: Metrics, log: FastifyBaseLogger, job: { id: string; tenantId: string; runId: string }) {
  const scope = forTenant(db, job.tenantId);
  const run = await scope.selectFrom('entra_sync_runs').select(['status', 'error']).where('id', '=', job.runId).executeTakeFirst();
  const fields = { tenantId: job.tenantId, runId: job.runId, jobId: job.id };
  // Still queued or running: another worker holds it, or this one stopped between pages.
  if (!run || run.status === 'queued' || run.status === 'running') {
    log.info({ ...fields, status: run?.status ?? 'missing' }, 'entra sync job ended without finishing the run');
    return;
  }
  // Read everything first, then count in one synchronous step: a scrape never sees the run
  // counted without its tenants.
  const tenants = await scope.selectFrom('entra_sync_runs').select('status').where('parent_run_id', '=', job.runId).execute();
  metrics.entraRuns.inc({ outcome: run.status });
  for (const t of tenants) if (t.status === 'succeeded' || t.status === 'failed') metrics.entraTenantRuns.inc({ outcome: t.status });
  log.info({ ...fields, status: run.status, tenants: tenants.length, failedTenants: tenants.filter((t) => t.status === 'failed').length }, 'entra sync run finished');
}
