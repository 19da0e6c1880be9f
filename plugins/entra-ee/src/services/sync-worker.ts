// The sync job: one pg-boss job per parent run works through its tenant runs with bounded
// concurrency. Each page is read first and then written in one short transaction together with the
// tenant run's cursor and counts, guarded by the parent's lease: a worker that stops mid-run (or is
// killed) leaves a cursor the next one resumes from, and a stale worker can no longer write.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { forTenant, type Db, type JobQueue } from '@switchboard/core';
import { directoryFor, type ConnectionDeps } from './connection.js';
import { mapWithLimit, ResyncRequired, type EntraDirectory, type UserCursor } from './directory.js';
import { emptyOutcome, hasUnqueuedTombstones, reconcilePage, reconcileUnseen, type Outcome } from './reconcile.js';
import { effectiveOverwrite } from './settings.js';
import { SYNC_JOB, type RunRow } from './sync-runs.js';

/** Customer tenants synced at once by one worker (Graph limits are per tenant; the token endpoint is shared). */
export const TENANT_CONCURRENCY = 8;
/** A running parent whose heartbeat is older than this has lost its worker. */
export const LEASE_MS = 2 * 60_000;
const HEARTBEAT_MS = 20_000;

class LeaseLost extends Error {}

export interface WorkerDeps extends ConnectionDeps {
  jobs: JobQueue;
  /** Aborted when this process shuts down: runs stop between pages and resume elsewhere. */
  shutdown: AbortSignal;
}

async function claim(db: Db, tenantId: string, runId: string): Promise<string | null> {
  const lease = randomUUID();
  const claimed = await forTenant(db, tenantId)
    .updateTable('entra_sync_runs')
    .set({ status: 'running', lease_token: lease, heartbeat_at: sql`now()`, started_at: sql`coalesce(started_at, now())` })
    .where('id', '=', runId)
    .where('parent_run_id', 'is', null)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'queued'),
        eb.and([eb('status', '=', 'running'), eb.or([eb('lease_token', 'is', null), eb('heartbeat_at', '<', sql<Date>`now() - ${`${LEASE_MS} milliseconds`}::interval`)])]),
      ]),
    )
    .returning('id')
    .executeTakeFirst();
  return claimed ? lease : null;
}

export async function runSyncJob(deps: WorkerDeps, data: { tenantId: string; runId: string }): Promise<void> {
  const { db } = deps;
  const lease = await claim(db, data.tenantId, data.runId);
  if (!lease) return; // finished, or another worker holds it
  const scope = forTenant(db, data.tenantId);
  const heartbeat = setInterval(() => {
    void scope.updateTable('entra_sync_runs').set({ heartbeat_at: sql`now()` }).where('id', '=', data.runId).where('lease_token', '=', lease).execute().catch(() => undefined);
  }, HEARTBEAT_MS);
  let directory: EntraDirectory | null = null;
  try {
    const children = await scope.selectFrom('entra_sync_runs').selectAll().where('parent_run_id', '=', data.runId).where('status', 'in', ['queued', 'running']).execute();
    try {
      directory = await directoryFor(deps, data.tenantId);
    } catch (err) {
      await scope.updateTable('entra_sync_runs').set({ status: 'failed', error: (err as Error).message, finished_at: sql`now()` }).where('parent_run_id', '=', data.runId).where('status', 'in', ['queued', 'running']).execute();
      children.length = 0;
    }
    const overwrite = await effectiveOverwrite(db, data.tenantId);
    await mapWithLimit(children, TENANT_CONCURRENCY, (child) => runTenant(deps, directory!, { tenantId: data.tenantId, parentId: data.runId, lease, overwrite }, child));
    await finishParent(db, data.tenantId, data.runId, lease, directory?.calls ?? 0);
  } catch (err) {
    // Let the next attempt (pg-boss retry, or the recovery sweep) take over at once.
    await scope.updateTable('entra_sync_runs').set({ lease_token: null, heartbeat_at: null }).where('id', '=', data.runId).where('lease_token', '=', lease).execute().catch(() => undefined);
    if (err instanceof LeaseLost) return;
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

interface RunContext {
  tenantId: string;
  parentId: string;
  lease: string;
  overwrite: Awaited<ReturnType<typeof effectiveOverwrite>>;
}

const add = (row: RunRow, o: Outcome) => ({
  created: row.created + o.created,
  linked: row.linked + o.linked,
  updated: row.updated + o.updated,
  inactivated: row.inactivated + o.inactivated,
  ambiguous: row.ambiguous + o.ambiguous,
  unchanged: row.unchanged + o.unchanged,
});

async function runTenant(deps: WorkerDeps, directory: EntraDirectory, ctx: RunContext, child: RunRow): Promise<void> {
  const scope = forTenant(deps.db, ctx.tenantId);
  const managed = await scope.selectFrom('entra_managed_tenants').selectAll().where('id', '=', child.managed_tenant_id!).executeTakeFirst();
  if (!managed?.client_id) {
    await scope.updateTable('entra_sync_runs').set({ status: 'failed', error: 'The managed tenant is no longer mapped to a client.', finished_at: sql`now()` }).where('id', '=', child.id).execute();
    return;
  }
  let cursor: UserCursor | null = child.cursor ? (JSON.parse(child.cursor) as UserCursor) : managed.delta_link ? { kind: 'delta', link: managed.delta_link, roundStart: managed.delta_link } : null;
  let row = child;
  let reset = false;
  try {
    // A contact deleted in the PSA since the last run: its user is not in the next delta round, so the
    // tenant is listed in full this once (keeping the delta link for the run after) to queue it for review.
    if (!child.cursor && managed.delta_link && (await hasUnqueuedTombstones(deps.db, ctx.tenantId, managed.id))) {
      cursor = { kind: 'full', deltaLink: managed.delta_link };
    }
    for (;;) {
      if (deps.shutdown.aborted) throw deps.shutdown.reason;
      const mode = cursor?.kind === 'delta' ? 'delta' : 'full';
      let page;
      try {
        page = await directory.readUsers({ entraTenantId: managed.entra_tenant_id, domains: managed.domains }, cursor, deps.shutdown);
      } catch (err) {
        // Once per tenant and run: a full listing that fails too fails the tenant.
        if (!(err instanceof ResyncRequired) || mode !== 'delta' || reset) throw err;
        // Graph wants a full resync (or refused the stored link): list everyone again, with a new
        // delta baseline; links the listing does not see are deletions.
        await scope.updateTable('entra_managed_tenants').set({ delta_link: null }).where('id', '=', managed.id).execute();
        reset = true;
        cursor = null;
        continue;
      }
      // Stopping: drop the page unwritten; the next worker reads it again from the saved cursor.
      if (deps.shutdown.aborted) throw deps.shutdown.reason;
      const done = page.next === null;
      row = await deps.db.transaction().execute(async (trx) => {
        // A shared lock: the lanes of this run write side by side, while a worker taking the lease over
        // (an UPDATE of this row) waits for them, and afterwards none of them can write.
        const held = await forTenant(trx, ctx.tenantId).selectFrom('entra_sync_runs').select('id').where('id', '=', ctx.parentId).where('lease_token', '=', ctx.lease).forShare().executeTakeFirst();
        if (!held) throw new LeaseLost();
        // Tenants mapped to the same client take turns, so two of them never claim the same contact.
        await sql`select pg_advisory_xact_lock(hashtextextended(${`entra-client:${managed.client_id}`}, 0))`.execute(trx);
        const base = { tenantId: ctx.tenantId, managedTenantId: managed.id, clientId: managed.client_id!, overwrite: ctx.overwrite };
        const outcome = await reconcilePage(trx, { ...base, users: page.users, removed: page.removed, seenByRunId: mode === 'full' ? row.id : undefined });
        if (done && mode === 'full') {
          const unseen = await reconcileUnseen(trx, { tenantId: ctx.tenantId, managedTenantId: managed.id, runId: row.id });
          outcome.inactivated += unseen.inactivated;
        }
        if (done && page.deltaLink !== undefined) {
          await forTenant(trx, ctx.tenantId).updateTable('entra_managed_tenants').set({ delta_link: page.deltaLink, updated_at: sql`now()` }).where('id', '=', managed.id).execute();
        }
        return forTenant(trx, ctx.tenantId)
          .updateTable('entra_sync_runs')
          .set({
            ...add(row, outcome),
            mode,
            status: done ? 'succeeded' : 'running',
            cursor: done ? null : JSON.stringify(page.next),
            started_at: sql`coalesce(started_at, now())`,
            finished_at: done ? sql`now()` : null,
          })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      if (done) return;
      cursor = page.next;
    }
  } catch (err) {
    if (err instanceof LeaseLost || deps.shutdown.aborted) throw err;
    // One tenant's failure (consent withdrawn, CIPP error) does not stop the others.
    await scope.updateTable('entra_sync_runs').set({ status: 'failed', failed: 1, error: (err as Error).message.slice(0, 500), finished_at: sql`now()` }).where('id', '=', row.id).execute();
  }
}

async function finishParent(db: Db, tenantId: string, runId: string, lease: string, graphCalls: number) {
  const scope = forTenant(db, tenantId);
  const children = await scope.selectFrom('entra_sync_runs').selectAll().where('parent_run_id', '=', runId).execute();
  const total = emptyOutcome();
  for (const c of children) for (const k of Object.keys(total) as (keyof Outcome)[]) total[k] += c[k];
  const failed = children.filter((c) => c.status === 'failed');
  const status = failed.length === 0 ? 'succeeded' : failed.length === children.length ? 'failed' : 'partial';
  await scope
    .updateTable('entra_sync_runs')
    .set({
      ...total,
      failed: failed.length,
      status,
      error: failed.length ? `${failed.length} of ${children.length} tenants failed.` : null,
      graph_calls: sql`graph_calls + ${graphCalls}`,
      lease_token: null,
      finished_at: sql`now()`,
    })
    .where('id', '=', runId)
    .where('lease_token', '=', lease)
    .execute();
}

/** Parent runs whose worker vanished (heartbeat older than `staleMs`) get their job sent again. */
export async function recoverStaleRuns(db: Db, jobs: JobQueue, staleMs = LEASE_MS): Promise<number> {
  const stale = await db
    .selectFrom('entra_sync_runs')
    .select(['id', 'tenant_id'])
    .where('parent_run_id', 'is', null)
    .where('status', '=', 'running')
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', sql<Date>`now() - ${`${staleMs} milliseconds`}::interval`)]))
    .execute();
  for (const run of stale) {
    if (staleMs < LEASE_MS) await db.updateTable('entra_sync_runs').set({ lease_token: null }).where('id', '=', run.id).execute();
    await jobs.send(SYNC_JOB, { tenantId: run.tenant_id, runId: run.id });
  }
  return stale.length;
}
