// switchboard-calendar-ee: calendar sync (EE). Registered only when EDITION=ee; takes over the
// stable calendar URLs that core registers by replacing the handlers of `app.calendar`, and runs
// the sync jobs.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { calendarPushStatus, type CalendarPushStatus } from '@switchboard/core';
import { calendarHandlers } from './routes/handlers.js';
import { createAdapterFactory, type AdapterFactory } from './services/adapter-factory.js';
import { PROVIDER_JOBS, RECOVER_JOB, registerCalendarJobs, scheduleSweep, type Notifier } from './services/calendar-jobs.js';
import { createInFlightJobs, LOCK_GRACE_SECONDS } from './services/in-flight-jobs.js';
import { calendarBindingDependent } from './services/binding-dependents.js';
import type { TokenDeps } from './services/tokens.js';

export interface CalendarDeps extends TokenDeps {
  adapterFor: AdapterFactory;
  notifications: Notifier;
  jobs: FastifyInstance['jobs'];
  log: FastifyInstance['log'];
  /** Whether providers can deliver change notifications here (an https PUBLIC_URL); else the sweep alone syncs. */
  push: CalendarPushStatus;
}

export interface CalendarPluginOptions {
  /** Minutes between sweeps that sync every connection (heals missed notifications). Default 15. */
  sweepMinutes?: number;
  /** Webhook requests accepted per client address per minute. Default 6000. */
  webhookRateLimitPerMinute?: number;
}

async function calendarEe(app: FastifyInstance, options: CalendarPluginOptions) {
  const sweepMinutes = options.sweepMinutes ?? 15;
  const tokenDeps: TokenDeps = {
    db: app.db,
    secrets: app.secrets,
    providerUrls: app.coreOptions.providerUrls,
    publicUrl: app.coreOptions.publicUrl,
    resolveMicrosoft: (tenantId) => app.microsoft.resolveConsumerProfile(tenantId, 'calendar'),
  };
  const push = calendarPushStatus({ ...app.coreOptions, sweepMinutes });
  if (!push.available) app.log.warn({ publicUrl: app.coreOptions.publicUrl }, `calendar push is unavailable: ${push.reason}`);
  const deps: CalendarDeps = { ...tokenDeps, adapterFor: createAdapterFactory({ ...tokenDeps, metrics: app.metrics }), notifications: app.notifications, jobs: app.jobs, log: app.log, push };
  const inFlight = createInFlightJobs({ connectionString: app.coreOptions.database.connectionString, jobs: app.jobs, log: app.log });
  registerCalendarJobs({ ...deps, sweepMinutes, metrics: app.metrics, inFlight }, app.outbox);
  // Rebinding Calendar asks which calendars must reconnect, and has them marked, through here.
  app.microsoft.registerConsumerDependents(calendarBindingDependent);
  app.addHook('onReady', async () => {
    if (!app.coreOptions.runWorkers) return;
    await scheduleSweep(app.jobs, sweepMinutes);
    // Pushes a crashed worker was in the middle of go out now, not at the next sweep.
    await inFlight.recover(PROVIDER_JOBS).catch((err) => app.log.warn({ reason: (err as Error).message }, 'calendar job recovery failed; it runs again within two minutes'));
    // Jobs a crash interrupted moments before this start are still within their grace: look again after it.
    await app.jobs.send(RECOVER_JOB, {}, { startAfter: LOCK_GRACE_SECONDS + 5 });
  });
  app.addHook('onClose', () => inFlight.close());
  Object.assign(app.calendar, { onRequest: () => undefined, handlers: calendarHandlers(app, deps, options.webhookRateLimitPerMinute ?? 6000) });
}

export const calendarPlugin = fp(calendarEe, {
  name: 'switchboard-calendar-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core', 'switchboard-microsoft-bindings'],
});
