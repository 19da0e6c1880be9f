// Prometheus metrics for operators. One registry per app instance (tests build many apps in one
// process, and the global default registry would mix them). Labels stay bounded: provider type,
// direction, outcome, route template and status; never tenant, user or event ids.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';

export type ProviderType = 'google' | 'microsoft';
export type SyncDirection = 'push' | 'pull' | 'sync' | 'watch';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The request-duration histogram, observed on every request. prom-client's Histogram validates and
 * hashes the labels on each observe (about a microsecond), which was most of the metrics overhead
 * on the webhook ingest benchmark; here a series is found by one string key and the buckets are
 * plain counters. The registry renders it like any prom-client histogram (_bucket, _sum, _count).
 */
class RequestDurations {
  readonly name = 'switchboard_http_request_duration_seconds';
  readonly help = 'HTTP request duration by route template and status';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, { labels: { method: string; route: string; status: string }; buckets: number[]; sum: number; count: number }>();

  constructor(registry: Registry) {
    registry.registerMetric(this as unknown as Metric);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: { method, route, status: String(status) }, buckets: HTTP_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    const bucket = HTTP_BUCKETS.findIndex((le) => seconds <= le);
    if (bucket !== -1) entry.buckets[bucket]++;
    entry.sum += seconds;
    entry.count++;
  }

  async get() {
    const values = [...this.series.values()].flatMap(({ labels, buckets, sum, count }) => {
      let cumulative = 0;
      return [
        ...HTTP_BUCKETS.map((le, i) => ({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: (cumulative += buckets[i]) })),
        { metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
        { metricName: `${this.name}_sum`, labels, value: sum },
        { metricName: `${this.name}_count`, labels, value: count },
      ];
    });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}

export function createMetrics(db: Db) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_process_' });
  const registers = [registry];

  const metrics = {
    registry,
    httpDuration: new RequestDurations(registry),
    webhookNotifications: new Counter({
      name: 'switchboard_calendar_webhook_notifications_total',
      help: 'Calendar webhook notifications by provider and outcome (received, rejected, enqueued)',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    syncJobs: new Counter({
      name: 'switchboard_calendar_sync_jobs_total',
      help: 'Calendar sync jobs by provider, direction and outcome (started, succeeded, failed)',
      labelNames: ['provider', 'direction', 'outcome'] as const,
      registers,
    }),
    syncDuration: new Histogram({
      name: 'switchboard_calendar_sync_job_duration_seconds',
      help: 'Calendar sync job duration by provider, direction and outcome',
      labelNames: ['provider', 'direction', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    providerCalls: new Counter({
      name: 'switchboard_calendar_provider_calls_total',
      help: 'Calendar provider API call attempts by provider and outcome (ok, throttled, error)',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    conflicts: new Counter({
      name: 'switchboard_calendar_conflicts_total',
      help: 'Calendar conflicts by outcome (detected, resolved)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    renewals: new Counter({
      name: 'switchboard_calendar_channel_renewals_total',
      help: 'Calendar push channel upkeep by provider and outcome (succeeded, failed)',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    entraRuns: new Counter({
      name: 'switchboard_entra_runs_total',
      help: 'Finished Entra sync runs by outcome (succeeded, partial, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    entraTenantRuns: new Counter({
      name: 'switchboard_entra_tenant_runs_total',
      help: 'Per managed-tenant outcomes of finished Entra sync runs (succeeded, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };

  // Queue depth and oldest job age are read from pg-boss's table at scrape time, so every node
  // reports the shared queue whatever process enqueued the work.
  let queueRead: Promise<{ name: string; state: string; count: number; oldest: number }[]> | null = null;
  const readQueues = () =>
    (queueRead ??= sql<{ name: string; state: string; count: string | number; oldest: string | number }>`
        select name, state::text as state, count(*) as count, coalesce(extract(epoch from now() - min(created_on)), 0) as oldest
        from pgboss.job where state in ('created', 'retry', 'active') group by name, state`
      .execute(db)
      .then((r) => r.rows.map((row) => ({ name: row.name, state: row.state, count: Number(row.count), oldest: Number(row.oldest) })))
      .catch(() => [])
      .finally(() => setTimeout(() => (queueRead = null), 0)));
  new Gauge({
    name: 'switchboard_job_queue_depth',
    help: 'Jobs waiting or running by queue and state (created, retry, active)',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      for (const q of await readQueues()) this.set({ queue: q.name, state: q.state }, q.count);
    },
  });
  new Gauge({
    name: 'switchboard_job_queue_oldest_age_seconds',
    help: 'Age of the oldest waiting or running job by queue',
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      this.reset();
      const oldest = new Map<string, number>();
      for (const q of await readQueues()) oldest.set(q.name, Math.max(oldest.get(q.name) ?? 0, q.oldest));
      for (const [queue, age] of oldest) this.set({ queue }, age);
    },
  });
  new Gauge({
    name: 'switchboard_calendar_conflicts_open',
    help: 'Calendar conflicts waiting for a decision',
    registers,
    async collect() {
      const row = await sql<{ n: string | number }>`select count(*) as n from calendar_event_mappings where status = 'conflict'`
        .execute(db)
        .then((r) => r.rows[0])
        .catch(() => undefined);
      this.set(Number(row?.n ?? 0));
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Times `work` as a sync job: started, then succeeded or failed, with its duration. */
export async function observeSyncJob<T>(metrics: Metrics | undefined, labels: { provider: ProviderType; direction: SyncDirection }, work: () => Promise<T>): Promise<T> {
  if (!metrics) return work();
  metrics.syncJobs.inc({ ...labels, outcome: 'started' });
  const end = metrics.syncDuration.startTimer(labels);
  try {
    const result = await work();
    metrics.syncJobs.inc({ ...labels, outcome: 'succeeded' });
    end({ outcome: 'succeeded' });
    return result;
  } catch (err) {
    metrics.syncJobs.inc({ ...labels, outcome: 'failed' });
    end({ outcome: 'failed' });
    throw err;
  }
}
