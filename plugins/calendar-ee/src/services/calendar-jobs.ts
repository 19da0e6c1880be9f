// The durable work of calendar sync, all pg-boss jobs:
// - push: one per (connection, entry) for every schedule change that concerns a connected technician;
// - pull: one at a time per connection, enqueued by webhooks;
// - sync: a whole connection (pull, push everything, keep the push channel alive), after connecting,
//   on "Sync now" and from the periodic sweep, which heals missed notifications;
// - watch: renew or re-create a push channel when the provider asks (Graph lifecycle events).
// Work a crashed worker left running is handed out again on start and every two minutes
// (in-flight-jobs.ts), not after pg-boss's 15-minute expiry.
// A connection whose grant is gone (the first refused refresh, or a 401 that a fresh token does not
// cure) turns `error` + needs_reconnect at once, and its technician and the tenant's admins are
// told, once each, until the technician reconnects.
import { forTenant, observeSyncJob, type Db, type DomainEvent, type JobQueue, type Metrics, type ScheduleEntry, type SyncDirection } from '@switchboard/core';
import type { FastifyBaseLogger } from 'fastify';
import { AuthorizationRevoked } from '../adapters/types.js';
import type { AdapterFactory } from './adapter-factory.js';
import type { InFlightJobs } from './in-flight-jobs.js';
import { isActive, markProviderError, type ProviderRow } from './providers.js';
import { pullProvider } from './pull.js';
import { pushEntry } from './push.js';
import { syncProvider } from './sync-run.js';
import { ConnectionMisconfigured } from './tokens.js';
import { maintainWatch, type WatchDeps, type WatchOutcome } from './watch.js';

export const PUSH_JOB = 'calendar.push-entry';
export const PULL_JOB = 'calendar.pull-provider';
export const SYNC_JOB = 'calendar.sync-provider';
export const WATCH_JOB = 'calendar.maintain-watch';
export const SWEEP_JOB = 'calendar.sweep';
export const RECOVER_JOB = 'calendar.recover-jobs';
/** The per-connection jobs, each run holding its in-flight lock. */
export const PROVIDER_JOBS = [PUSH_JOB, PULL_JOB, SYNC_JOB, WATCH_JOB];

interface ProviderJob {
  tenantId: string;
  providerId: string;
}
interface PushJob extends ProviderJob {
  entryId: string;
}
interface PullJob extends ProviderJob {
  /** Forget the cursor and list the window again (Graph `missed` lifecycle event). */
  reset?: boolean;
}
interface WatchJob extends ProviderJob {
  force?: 'renew' | 'recreate';
}

interface NotificationInput {
  kind: string;
  severity: 'info' | 'warning' | 'error';
  title: string;
  body: string;
  link?: string;
  dedupeKey?: string;
}

/** Core's notification center, as far as calendar sync uses it. */
export interface Notifier {
  notify(db: Db, input: NotificationInput & { tenantId: string; userId: string }): Promise<unknown>;
  notifyAdmins(db: Db, tenantId: string, input: NotificationInput): Promise<unknown>;
  /** Clears every recipient's open notification under the key. */
  resolve(db: Db, tenantId: string, dedupeKey: string): Promise<unknown>;
}

export interface CalendarJobDeps extends WatchDeps {
  jobs: JobQueue;
  adapterFor: AdapterFactory;
  log: FastifyBaseLogger;
  /** Minutes between sweeps of every connection. */
  sweepMinutes: number;
  metrics?: Metrics;
  inFlight: InFlightJobs;
}

export const reconnectKey = (providerId: string) => `calendar.reconnect:${providerId}`;

async function loadProvider(db: Db, job: ProviderJob) {
  return forTenant(db, job.tenantId).selectFrom('calendar_providers').selectAll().where('id', '=', job.providerId).executeTakeFirst();
}

async function ownerName(trx: Db, provider: ProviderRow) {
  const owner = await forTenant(trx, provider.tenant_id).selectFrom('users').select('display_name').where('id', '=', provider.user_id).executeTakeFirst();
  return owner?.display_name ?? 'A technician';
}

/** Runs provider work; a revoked grant or missing settings end in `error` + a notification, not in retries. */
async function guarded(deps: CalendarJobDeps, provider: ProviderRow, jobId: string, work: () => Promise<unknown>) {
  try {
    await work();
  } catch (err) {
    if (!(err instanceof AuthorizationRevoked || err instanceof ConnectionMisconfigured)) throw err;
    const revoked = err instanceof AuthorizationRevoked;
    const message = revoked ? 'Action required: reconnect your calendar. The calendar account no longer grants Switchboard access.' : err.message;
    await deps.db.transaction().execute(async (trx) => {
      await markProviderError(trx, provider.tenant_id, provider.id, message);
      const notice = { kind: 'calendar.reconnect_required', severity: 'error', dedupeKey: reconnectKey(provider.id) } as const;
      await deps.notifications.notify(trx, {
        ...notice,
        tenantId: provider.tenant_id,
        userId: provider.user_id,
        title: revoked ? 'Action required: reconnect your calendar' : 'Calendar sync is stopped',
        body: message,
        link: '/profile?tab=calendar',
      });
      if (!revoked) return;
      await forTenant(trx, provider.tenant_id).updateTable('calendar_providers').set({ needs_reconnect: true }).where('id', '=', provider.id).execute();
      // Admins see every connection: a technician who is away would otherwise leave the calendar stale unnoticed.
      // (A technician who is also an admin gets one notification: the same dedupe key.)
      await deps.notifications.notifyAdmins(trx, provider.tenant_id, {
        ...notice,
        title: `${await ownerName(trx, provider)}'s calendar needs to be reconnected`,
        body: 'The calendar account no longer grants Switchboard access, so sync is stopped until the technician reconnects it on Profile → Calendar.',
        link: '/settings?category=calendar',
      });
    });
    deps.log.warn({ tenantId: provider.tenant_id, providerId: provider.id, jobId, reason: err.name }, 'calendar connection needs attention');
  }
}

/** Defines a job whose handler gets the (still active) connection; jobs for removed connections end quietly. */
function defineProviderJob<T extends ProviderJob>(
  deps: CalendarJobDeps,
  name: string,
  options: { concurrency?: number; batchSize?: number; retryLimit: number; direction: SyncDirection },
  run: (provider: ProviderRow, data: T, jobId: string) => Promise<unknown>,
) {
  deps.jobs.define<T>({
    name,
    // One queued and one running job per key: repeated requests collapse, none is lost.
    queue: { policy: 'stately', retryLimit: options.retryLimit, retryDelay: 15, retryBackoff: true },
    // A change should reach the other side in about a second, not pg-boss's default 2 s poll.
    work: { pollingIntervalSeconds: 0.5, batchSize: options.batchSize ?? 1 },
    concurrency: options.concurrency,
    handler: (job) =>
      deps.inFlight.run(job, async () => {
        const provider = await loadProvider(deps.db, job.data);
        if (!provider || !isActive(provider)) return;
        try {
          await observeSyncJob(deps.metrics, { provider: provider.provider_type, direction: options.direction }, () => guarded(deps, provider, job.id, () => run(provider, job.data, job.id)));
        } catch (err) {
          // The error's name only: provider messages are not ours to vouch for; pg-boss keeps the rest.
          deps.log.warn({ tenantId: provider.tenant_id, providerId: provider.id, jobId: job.id, job: name, reason: (err as Error).name }, 'calendar job failed; it will be retried');
          throw err;
        }
      }),
  });
}

/** Counts channel upkeep that called the provider (`kept` did not). */
function countRenewal(deps: CalendarJobDeps, provider: ProviderRow, outcome: WatchOutcome) {
  if (outcome !== 'kept' && outcome !== 'unavailable') deps.metrics?.renewals.inc({ provider: provider.provider_type, outcome: outcome === 'failed' ? 'failed' : 'succeeded' });
  return outcome;
}

/** Counts conflicts as they are raised: every new conflict notifies its technician. */
function countingConflicts(notifications: Notifier, metrics: Metrics | undefined): Notifier {
  if (!metrics) return notifications;
  return {
    notify: async (db, input) => {
      const raised = await notifications.notify(db, input);
      if (input.kind === 'calendar.conflict') metrics.conflicts.inc({ outcome: 'detected' });
      return raised;
    },
    notifyAdmins: (db, tenantId, input) => notifications.notifyAdmins(db, tenantId, input),
    resolve: (db, tenantId, key) => notifications.resolve(db, tenantId, key),
  };
}

export function registerCalendarJobs(given: CalendarJobDeps, outbox: { subscribe(pattern: string, fn: (trx: Db, event: DomainEvent) => Promise<void>): void }) {
  const deps: CalendarJobDeps = { ...given, notifications: countingConflicts(given.notifications, given.metrics) };
  const log = (provider: ProviderRow, jobId: string, what: string, extra: object) =>
    deps.log.info({ tenantId: provider.tenant_id, providerId: provider.id, jobId, ...extra }, what);

  // Pushes run many at a time so that a mailbox's requests fill Graph $batches (20 each, one in
  // flight per mailbox, adapters/graph-batch.ts): two subscriptions fetching up to 20 jobs each keep
  // one batch travelling while the next one's jobs read the database. The adapter's limiter keeps
  // each mailbox under Graph's 4 concurrent requests, and each Google calendar at 4 too (mailbox-limiter.ts).
  defineProviderJob<PushJob>(deps, PUSH_JOB, { concurrency: 3, batchSize: 20, retryLimit: 6, direction: 'push' }, async (provider, data, jobId) => {
    const outcome = await pushEntry(deps.db, deps.adapterFor(provider), provider, data.entryId, deps.notifications);
    deps.log.debug({ tenantId: provider.tenant_id, providerId: provider.id, jobId, outcome }, 'calendar push');
  });
  defineProviderJob<PullJob>(deps, PULL_JOB, { concurrency: 2, retryLimit: 6, direction: 'pull' }, async (provider, data, jobId) => {
    if (provider.sync_direction === 'to_calendar') return;
    log(provider, jobId, 'calendar pull', await pullProvider(deps.db, deps.adapterFor(provider), provider, deps.notifications, { reset: data.reset }));
  });
  defineProviderJob<ProviderJob>(deps, SYNC_JOB, { retryLimit: 3, direction: 'sync' }, async (provider, _data, jobId) => {
    const adapter = deps.adapterFor(provider);
    const counts = await syncProvider(deps.db, adapter, provider, deps.notifications);
    const watch = countRenewal(deps, provider, await maintainWatch(deps, adapter, provider));
    log(provider, jobId, 'calendar sync completed', { ...counts, watch });
  });
  defineProviderJob<WatchJob>(deps, WATCH_JOB, { retryLimit: 3, direction: 'watch' }, async (provider, data, jobId) => {
    const outcome = countRenewal(deps, provider, await maintainWatch(deps, deps.adapterFor(provider), provider, { force: data.force }));
    log(provider, jobId, 'calendar channel maintained', { outcome });
  });

  deps.jobs.define({
    name: SWEEP_JOB,
    queue: { policy: 'singleton' },
    handler: async (job) => {
      const providers = await deps.db.selectFrom('calendar_providers').select(['id', 'tenant_id', 'status', 'needs_reconnect']).execute();
      // Spread the connections over the first tenth of the interval, so they do not all call out at once.
      const spread = Math.max(1, Math.floor((deps.sweepMinutes * 60) / 10));
      for (const p of providers.filter(isActive)) {
        await enqueue(deps.jobs, SYNC_JOB, { tenantId: p.tenant_id, providerId: p.id }, { startAfter: Math.floor(Math.random() * spread) });
      }
      deps.log.info({ jobId: job.id, connections: providers.filter(isActive).length }, 'calendar sweep enqueued syncs');
    },
  });

  // Catches workers that died while no process was starting (a start recovers at once).
  deps.jobs.define({
    name: RECOVER_JOB,
    queue: { policy: 'singleton' },
    handler: async () => {
      await deps.inFlight.recover(PROVIDER_JOBS);
    },
  });

  // Every schedule change: one push per connection of a technician who is or was assigned.
  outbox.subscribe('schedule_entry.*', async (trx, event) => {
    const { entry, previousAssigneeIds } = event.payload as { entry: ScheduleEntry; previousAssigneeIds: string[] };
    const userIds = [...new Set([...entry.assigneeIds, ...previousAssigneeIds])];
    if (userIds.length === 0) return;
    const providers = await forTenant(trx, event.tenantId)
      .selectFrom('calendar_providers')
      .select(['id', 'status', 'needs_reconnect'])
      .where('user_id', 'in', userIds)
      .where('sync_direction', '<>', 'from_calendar')
      .execute();
    for (const provider of providers.filter(isActive)) {
      await deps.jobs.send<PushJob>(PUSH_JOB, { tenantId: event.tenantId, providerId: provider.id, entryId: entry.id }, { singletonKey: `${provider.id}:${entry.id}` }, trx);
    }
  });
}

/** Enqueues provider work; one queued job per connection and kind. */
export function enqueue(jobs: JobQueue, name: typeof SYNC_JOB | typeof PULL_JOB | typeof WATCH_JOB, data: PullJob | WatchJob, options: { startAfter?: number } = {}, db?: Db) {
  return jobs.send(name, data, { singletonKey: data.providerId, ...options }, db);
}

export const enqueueSync = (jobs: JobQueue, db: Db, tenantId: string, providerId: string) => enqueue(jobs, SYNC_JOB, { tenantId, providerId }, {}, db);

export async function scheduleSweep(jobs: JobQueue, minutes: number) {
  await jobs.boss.schedule(SWEEP_JOB, minutes >= 60 ? `0 */${Math.floor(minutes / 60)} * * *` : `*/${minutes} * * * *`);
  await jobs.boss.schedule(RECOVER_JOB, '*/2 * * * *');
}
