// Which calendar jobs a live worker is really running, so work a crashed worker left `active` is
// handed out again at once instead of after pg-boss's 15-minute expiry, and work a live worker
// holds is never taken from it (no double push). A worker holds a PostgreSQL advisory lock per job
// it runs, on one connection of its own; PostgreSQL drops a session's locks when its process dies
// (kill -9 included), so an `active` job whose lock is free has no worker left.
import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { JobQueue } from '@switchboard/core';

/**
 * A live worker takes its job's lock within moments of pg-boss handing the job out; a job active
 * this long with its lock free has no worker left. Without the grace, a recovery pass running in
 * that moment would hand out a job its worker is about to start.
 */
export const LOCK_GRACE_SECONDS = 30;

/** The advisory-lock key space of calendar jobs (two-int form: pg-boss's own locks are one bigint). */
export const LOCK_SPACE = 0x53424a4f;

/**
 * Jobs this process runs or is handing out again. Advisory locks exclude other sessions only, and
 * the embedded database serves all of a process's connections from one session, so exclusion
 * inside the process is kept here, process-wide (two apps in one test process share it too).
 */
const claims = new Map<string, 'running' | 'recovering'>();

export class JobTakenOver extends Error {
  override name = 'JobTakenOver';
}

export interface InFlightJobs {
  /** Runs a job's work holding its lock; a job already handed out again is skipped. */
  run(job: { id: string; name: string }, work: () => Promise<void>): Promise<void>;
  /** Hands out again every `active` job of these queues that no live worker holds; returns how many. */
  recover(queues: string[]): Promise<number>;
  /** Lets running jobs finish (they keep their locks), then releases the connection. */
  close(): Promise<void>;
}

export function createInFlightJobs(opts: { connectionString: string; jobs: JobQueue; log: FastifyBaseLogger }): InFlightJobs {
  let connecting: Promise<pg.Client> | undefined;
  let closing = false;
  const running = new Set<Promise<unknown>>();

  // One session for all of this process's locks; a lost connection loses them, so the next use reconnects.
  const connection = () =>
    (connecting ??= (async () => {
      const client = new pg.Client({ connectionString: opts.connectionString, application_name: 'switchboard-calendar-jobs' });
      const forget = () => {
        connecting = undefined;
      };
      client.on('error', (err) => {
        opts.log.warn({ reason: err.message }, 'calendar job lock connection lost');
        forget();
      });
      client.on('end', forget);
      await client.connect().catch((err) => {
        forget();
        throw err;
      });
      return client;
    })());
  const tryLock = async (client: pg.Client, jobId: string) =>
    (await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as locked', [LOCK_SPACE, jobId])).rows[0].locked;
  const unlock = (client: pg.Client, jobId: string) =>
    client.query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, jobId]).then(
      () => undefined,
      () => undefined,
    );
  const stillActive = async (name: string, id: string) => (await opts.jobs.boss.getJobById(name, id))?.state === 'active';

  async function runHolding(job: { id: string; name: string }, work: () => Promise<void>) {
    const client = await connection();
    // Held by a recovering process: it is handing this job out again, so this copy must not run.
    if (!(await tryLock(client, job.id))) throw new JobTakenOver(`Job ${job.id} is being handed out again.`);
    try {
      if (await stillActive(job.name, job.id)) await work();
    } finally {
      await unlock(client, job.id);
    }
  }

  return {
    async run(job, work) {
      if (closing || claims.has(job.id)) throw new JobTakenOver(`Job ${job.id} cannot run here now.`);
      claims.set(job.id, 'running');
      const done = runHolding(job, work).finally(() => claims.delete(job.id));
      running.add(done);
      try {
        await done;
      } finally {
        running.delete(done);
      }
    },

    async recover(queues) {
      // Read through pg-boss's own pool: the lock connection is opened only when there is a job to
      // check (most starts find none, and an idle app then holds no extra connection).
      const { rows } = (await opts.jobs.boss.getDb().executeSql(
        // pg-boss 10 has no query by state; its table is read here and changed only through its API.
        `select id, name, data, singleton_key from pgboss.job
          where name = any($1::text[]) and state = 'active' and started_on < now() - make_interval(secs => $2)`,
        [queues, LOCK_GRACE_SECONDS],
      )) as { rows: { id: string; name: string; data: object; singleton_key: string | null }[] };
      if (rows.length === 0) return 0;
      const client = await connection();
      let recovered = 0;
      for (const job of rows) {
        if (claims.has(job.id)) continue;
        claims.set(job.id, 'recovering');
        try {
          if (!(await tryLock(client, job.id))) continue;
          try {
            // Its worker may have finished it since the list was read.
            if (!(await stillActive(job.name, job.id))) continue;
            // Queued first, then the orphan cancelled: a crash in between leaves the orphan for the next pass.
            await opts.jobs.send(job.name, job.data, job.singleton_key ? { singletonKey: job.singleton_key } : {});
            await opts.jobs.boss.cancel(job.name, job.id);
            recovered += 1;
            opts.log.warn({ jobId: job.id, job: job.name }, 'calendar job left running by a stopped worker was handed out again');
          } finally {
            await unlock(client, job.id);
          }
        } finally {
          claims.delete(job.id);
        }
      }
      return recovered;
    },

    async close() {
      closing = true;
      // As long as pg-boss's graceful stop waits for the job in hand; after that the locks go with the connection.
      await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      const client = await connecting?.catch(() => undefined);
      connecting = undefined;
      // Bounded: a server that never answers the goodbye (the embedded socket under load) must not
      // hold the app's shutdown; the process's exit closes the socket anyway.
      if (client) await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    },
  };
}
