// GET /api/integrations/health: what an admin must act on across integrations; and the job that
// turns the same conditions into admin notifications every 5 minutes (workers only).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarPushStatus } from '../services/calendar-push.js';
import { listHealthConditions, reconcileAllTenants } from '../services/integration-health.js';

export const HEALTH_JOB = 'core.integration-health';

const healthResponse = z.object({
  items: z.array(
    z.object({
      kind: z.string(),
      severity: z.enum(['warning', 'error']),
      subject: z.string(),
      reason: z.string(),
      action: z.string(),
      since: z.string(),
    }),
  ),
});

export async function integrationHealthRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/integrations/health',
    { preHandler: app.requirePermission('system_settings.read'), schema: { response: { 200: healthResponse } } },
    async (request) => ({
      items: (await listHealthConditions(app.db, request.user!.tenantId, new Date(), calendarPushStatus(app.coreOptions))).map(({ key: _key, ...c }) => c),
    }),
  );
}

export function registerIntegrationHealthJob(app: FastifyInstance) {
  app.jobs.define({ name: HEALTH_JOB, queue: { policy: 'singleton' }, handler: async () => reconcileAllTenants(app.db) });
  app.addHook('onReady', async () => {
    if (app.coreOptions.runWorkers) await app.jobs.boss.schedule(HEALTH_JOB, '*/5 * * * *');
  });
}
