// The durable job queue: pg-boss on the application's own database. `send` accepts the caller's
// transaction so a job enqueued with a write commits or rolls back with it.
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import pg from 'pg';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { createOutageReporter } from '../database-outage.js';
import type { Db } from '../tenancy.js';

export type JobHandler<T> = (job: PgBoss.Job<T>) => Promise<void>;

export interface JobDefinition<T = any> {
  name: string;
  handler: JobHandler<T>;
  /** pg-boss queue options (retries, policy such as 'singleton'). */
  queue?: Omit<PgBoss.Queue, 'name'>;
  /**
   * pg-boss work options. With `batchSize` > 1 a subscription fetches up to that many jobs in one
   * query and runs them at once, each settled on its own (a failing job is retried alone), so a
   * queue can keep many jobs in flight without as many subscriptions polling the database.
   */
  work?: PgBoss.WorkOptions;
  /** `work` subscriptions of this queue in a process (pg-boss 10: one job each, unless batchSize). Default 1. */
  concurrency?: number;
}

export interface JobQueue {
  /** Declares a queue and its handler; workers start it when this process runs workers. */
  define<T>(definition: JobDefinition<T>): void;
  send<T extends object>(name: string, data: T, options?: PgBoss.SendOptions, trx?: Db): Promise<string | null>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops this process's workers of a queue; its jobs wait, durably, until `resume` (benchmarks, maintenance). */
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  readonly boss: PgBoss;
}

export function createJobQueue(opts: { connectionString: string; runWorkers: boolean; log: Logger; poolSize?: number }): JobQueue {
  const boss = new PgBoss({ connectionString: opts.connectionString, max: opts.poolSize ?? 2 });
  // pg-boss keeps polling through a lost database and picks up again on its own; every poll that
  // fails emits 'error', so a lost database is reported once per outage. A job that ran, or a
  // maintenance round, shows the database is back.
  const outage = createOutageReporter(opts.log, 'job queue');
  boss.on('error', (err) => {
    if (!outage.failed(err)) opts.log.error({ err }, 'job queue error');
  });
  boss.on('maintenance', () => outage.recovered());
  const definitions = new Map<string, JobDefinition>();
  /** Queues paused in this process (`pause`). */
  const paused = new Set<string>();
  let started = false;

  const runJob = async (def: JobDefinition, job: PgBoss.Job<unknown>) => {
    opts.log.child({ jobId: job.id, job: def.name }).debug('job started');
    await def.handler(job);
  };

  const startWorkers = async (def: JobDefinition) => {
    for (let i = 0; i < (def.concurrency ?? 1); i++) {
      let workerId: string | undefined;
      workerId = await boss.work(def.name, { batchSize: 1, ...def.work }, async (jobs) => {
        outage.recovered(); // pg-boss just fetched these jobs from the database
        if (paused.has(def.name)) {
          // A poll already under way when the queue was paused (pg-boss's offWork does not wait
          // for it): the jobs go back to the queue as they were. Under a `stately` policy a job
          // queued meanwhile with the same key refuses the way back, and that queued one does the work.
          const ids = jobs.map((job) => job.id);
          await boss.cancel(def.name, ids);
          await boss.resume(def.name, ids).catch((err) => opts.log.warn({ err, job: def.name }, 'a job fetched while its queue was paused stays cancelled; a queued job with its key replaces it'));
          return;
        }
        try {
          // One job: pg-boss completes or fails it from the outcome, as before.
          if (jobs.length === 1) return await runJob(def, jobs[0]);
          // Several: each fails on its own (pg-boss then completes only those still active).
          await Promise.all(
            jobs.map(async (job) => {
              try {
                await runJob(def, job);
              } catch (err) {
                await boss.fail(def.name, job.id, err as object);
              }
            }),
          );
        } finally {
          // pg-boss 10 sleeps its polling interval after every fetch, even one that found a
          // job; a worker that just finished one looks for the next at once instead.
          if (workerId) boss.notifyWorker(workerId);
        }
      });
    }
  };

  return {
    boss,
    define(definition) {
      if (definitions.has(definition.name)) throw new Error(`Job ${definition.name} is already defined.`);
      definitions.set(definition.name, definition as JobDefinition);
    },
    async send(name, data, options = {}, trx) {
      if (!trx) return boss.send(name, data, options);
      // pg-boss runs its insert through the caller's transaction (see DESIGN pitfalls).
      const db = {
        executeSql: async (text: string, values: unknown[]) => {
          const result = await trx.executeQuery(CompiledQuery.raw(text, values));
          return { rows: result.rows } as any;
        },
      };
      return boss.send(name, data, { ...options, db });
    },
    async start() {
      if (started) return;
      try {
        await boss.start();
        await createQueues(opts.connectionString, boss, definitions.values());
        if (opts.runWorkers) for (const def of definitions.values()) await startWorkers(def);
      } catch (err) {
        // Started halfway (the database went away): stop its pool and timers so a retry starts clean.
        await boss.stop({ graceful: false, wait: true }).catch(() => {});
        throw err;
      }
      started = true;
    },
    async pause(name) {
      if (!started || !opts.runWorkers || paused.has(name)) return;
      paused.add(name);
      await boss.offWork(name);
    },
    async resume(name) {
      const def = definitions.get(name);
      if (!started || !opts.runWorkers || !def || !paused.delete(name)) return;
      await startWorkers(def);
    },
    async stop() {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

/**
 * Creates (or updates) the queues, one process at a time. pg-boss 10's create_queue deadlocks when
 * processes create the same new queue at once (APIs and workers starting together on a new install,
 * or after an upgrade that adds a queue); retrying was not enough, as processes in lockstep kept
 * deadlocking until start-up timed out. A session advisory lock serialises them; ending the session
 * releases it, also when the process dies.
 */
async function createQueues(connectionString: string, boss: PgBoss, definitions: Iterable<JobDefinition>): Promise<void> {
  const session = new pg.Client({ connectionString });
  session.on('error', () => {}); // a lost connection rejects the query below
  await session.connect();
  try {
    await session.query(`select pg_advisory_lock(hashtext('switchboard'), hashtext('pg-boss create_queue'))`);
    for (const def of definitions) await boss.createQueue(def.name, { name: def.name, ...def.queue });
  } finally {
    await session.end().catch(() => {});
  }
}
