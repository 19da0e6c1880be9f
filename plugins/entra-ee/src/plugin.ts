// switchboard-entra-ee: Microsoft Entra sync (EE). Registered only when EDITION=ee; takes over the
// stable /api/integrations/entra URLs that core registers by replacing the members of `app.entra`,
// defines the sync jobs (and the partner token refresh) and tells microsoft-bindings which profile an
// active Direct connection uses.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { forTenant, recordEntraRunOutcome } from '@switchboard/core';
import { entraHandlers } from './routes/handlers.js';
import { recoverStaleRuns, runSyncJob, type WorkerDeps } from './services/sync-worker.js';
import { startDueScheduledRuns } from './services/schedule.js';
import { SYNC_JOB } from './services/sync-runs.js';
import { refreshDuePartnerTokens } from './services/partner-token.js';

const SCHEDULE_JOB = 'entra.schedule-tick';
const RECOVER_JOB = 'entra.recover-runs';
/** Hourly; each connection is redeemed once its token is a day old (partner-token.ts). */
const TOKEN_REFRESH_JOB = 'entra.refresh-partner-tokens';

async function entraEe(app: FastifyInstance) {
  const shutdown = new AbortController();
  const deps: WorkerDeps = {
    db: app.db,
    secrets: app.secrets,
    jobs: app.jobs,
    loginUrl: app.coreOptions.providerUrls.microsoftLogin,
    graphUrl: app.coreOptions.providerUrls.microsoftGraph,
    publicUrl: app.coreOptions.publicUrl,
    allowLoopbackProviders: app.coreOptions.allowLoopbackProviders,
    shutdown: shutdown.signal,
  };

  app.microsoft.registerProfileUsage(async (db, tenantId) => {
    const rows = await forTenant(db, tenantId).selectFrom('entra_connections').select('profile_id').where('status', '<>', 'disconnected').where('profile_id', 'is not', null).execute();
    return rows.map((r) => ({ profileId: r.profile_id!, key: 'entra:connection', label: 'Microsoft Entra connection' }));
  });

  app.jobs.define<{ tenantId: string; runId: string }>({
    name: SYNC_JOB,
    handler: async (job) => {
      const log = app.log.child({ tenantId: job.data.tenantId, runId: job.data.runId, jobId: job.id });
      log.info('entra sync job started');
      try {
        await runSyncJob(deps, job.data);
      } catch (err) {
        log.warn({ reason: (err as Error).name }, 'entra sync job failed; it will be retried');
        throw err;
      }
      await recordEntraRunOutcome(app.db, app.metrics, log, { id: job.id, ...job.data });
    },
    queue: { retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 6 * 3600 },
  });
  app.jobs.define({ name: SCHEDULE_JOB, handler: async () => void (await startDueScheduledRuns(app.db, app.jobs)) });
  app.jobs.define({ name: RECOVER_JOB, handler: async () => void (await recoverStaleRuns(app.db, app.jobs)) });
  app.jobs.define({
    name: TOKEN_REFRESH_JOB,
    handler: async () => {
      const outcome = await refreshDuePartnerTokens(deps);
      if (outcome.needsReconnect || outcome.failed) app.log.warn(outcome, 'entra partner token refresh: some connections were not refreshed');
    },
  });

  app.addHook('onReady', async () => {
    if (!app.coreOptions.runWorkers) return;
    await app.jobs.boss.schedule(SCHEDULE_JOB, '*/5 * * * *');
    await app.jobs.boss.schedule(RECOVER_JOB, '*/2 * * * *');
    await app.jobs.boss.schedule(TOKEN_REFRESH_JOB, '23 * * * *');
  });
  // Runs stop between pages and hand over to the next worker instead of holding shutdown up.
  app.addHook('preClose', async () => shutdown.abort(new Error('The worker is shutting down.')));

  Object.assign(app.entra, { onRequest: () => undefined, handlers: entraHandlers(app, deps) });
}

export const entraPlugin = fp(entraEe, {
  name: 'switchboard-entra-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core', 'switchboard-microsoft-bindings'],
});
