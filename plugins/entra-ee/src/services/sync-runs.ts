// Starting and reading sync runs. A run is a parent row plus one row per mapped managed tenant in its
// scope, written with its pg-boss job in one transaction. Starting a scope that is already queued or
// running returns that run; repeating an idempotency key returns the run it started.
import { sql, type Selectable } from 'kysely';
import type { EntraRunScope, EntraRunTrigger, EntraSyncRunsTable } from '@switchboard/db';
import { Conflict, NotFound, forTenant, recordAudit, type Db, type JobQueue } from '@switchboard/core';
import { activeConnection } from './connection.js';

export const SYNC_JOB = 'entra.sync-run';

export type RunRow = Selectable<EntraSyncRunsTable>;

export const toRun = (r: RunRow) => ({
  id: r.id,
  scope: r.scope,
  scopeKey: r.scope_key,
  trigger: r.trigger,
  status: r.status,
  mode: r.mode,
  counts: { created: r.created, linked: r.linked, updated: r.updated, inactivated: r.inactivated, ambiguous: r.ambiguous, failed: r.failed, unchanged: r.unchanged },
  graphCalls: r.graph_calls,
  error: r.error,
  startedAt: r.started_at?.toISOString() ?? null,
  finishedAt: r.finished_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

export interface StartRunInput {
  scope: EntraRunScope;
  clientId?: string;
  idempotencyKey?: string;
  trigger: EntraRunTrigger;
  userId: string | null;
}

async function existingRun(db: Db, tenantId: string, scope: EntraRunScope, scopeKey: string, idempotencyKey?: string) {
  const base = forTenant(db, tenantId).selectFrom('entra_sync_runs').selectAll().where('parent_run_id', 'is', null).where('scope', '=', scope).where('scope_key', '=', scopeKey);
  if (idempotencyKey) {
    const same = await base.where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
    if (same) return same;
  }
  return base.where('status', 'in', ['queued', 'running']).executeTakeFirst();
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export async function startRun(db: Db, jobs: JobQueue, tenantId: string, input: StartRunInput): Promise<{ run: ReturnType<typeof toRun>; alreadyStarted: boolean }> {
  const scopeKey = input.scope === 'client' ? input.clientId! : input.scope;
  const found = await existingRun(db, tenantId, input.scope, scopeKey, input.idempotencyKey);
  if (found) return { run: toRun(found), alreadyStarted: true };
  if (!(await activeConnection(db, tenantId))) throw new Conflict('Entra is not connected. Connect it first.');
  try {
    return await db.transaction().execute(async (trx) => {
      const scope = forTenant(trx, tenantId);
      let tenants = scope.selectFrom('entra_managed_tenants').select('id').where('client_id', 'is not', null);
      if (input.scope === 'client') tenants = tenants.where('client_id', '=', input.clientId!);
      const mapped = await tenants.execute();
      if (mapped.length === 0) {
        throw new Conflict(input.scope === 'client' ? 'No managed tenant is mapped to this client.' : 'No managed tenant is mapped to a client yet. Confirm mappings first.');
      }
      const parent = await scope
        .insertInto('entra_sync_runs', { scope: input.scope, scope_key: scopeKey, idempotency_key: input.idempotencyKey ?? null, trigger: input.trigger, requested_by: input.userId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await scope
        .insertInto('entra_sync_runs', mapped.map((m) => ({ parent_run_id: parent.id, managed_tenant_id: m.id, scope: input.scope, scope_key: scopeKey, trigger: input.trigger, requested_by: input.userId })))
        .execute();
      await jobs.send(SYNC_JOB, { tenantId, runId: parent.id }, {}, trx);
      await recordAudit(trx, { tenantId, actorUserId: input.userId, action: 'entra.sync_started', targetType: 'entra_sync_run', targetId: parent.id, details: { scope: input.scope, scopeKey, trigger: input.trigger, tenants: mapped.length } });
      return { run: toRun(parent), alreadyStarted: false };
    });
  } catch (err) {
    // Two starts at the same moment: the one that lost the race returns the winner's run.
    if (!isUniqueViolation(err)) throw err;
    const winner = await existingRun(db, tenantId, input.scope, scopeKey, input.idempotencyKey);
    if (!winner) throw err;
    return { run: toRun(winner), alreadyStarted: true };
  }
}

export async function listRuns(db: Db, tenantId: string, opts: { limit: number; clientId?: string }) {
  let q = forTenant(db, tenantId).selectFrom('entra_sync_runs').selectAll().where('parent_run_id', 'is', null);
  if (opts.clientId) q = q.where('scope', '=', 'client').where('scope_key', '=', opts.clientId);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(opts.limit).execute();
  return rows.map(toRun);
}

export async function getRun(db: Db, tenantId: string, id: string) {
  const scope = forTenant(db, tenantId);
  const parent = await scope.selectFrom('entra_sync_runs').selectAll().where('id', '=', id).where('parent_run_id', 'is', null).executeTakeFirst();
  if (!parent) throw new NotFound('Sync run');
  const children = await scope
    .selectFrom('entra_sync_runs')
    .innerJoin('entra_managed_tenants as m', (j) => j.onRef('m.id', '=', 'entra_sync_runs.managed_tenant_id').onRef('m.tenant_id', '=', 'entra_sync_runs.tenant_id'))
    .selectAll('entra_sync_runs')
    .select(['m.display_name', 'm.entra_tenant_id'])
    .where('entra_sync_runs.parent_run_id', '=', id)
    .orderBy(sql`lower(m.display_name)`)
    .execute();
  return {
    ...toRun(parent),
    tenants: children.map((c) => ({ ...toRun(c), managedTenantId: c.managed_tenant_id, displayName: c.display_name, entraTenantId: c.entra_tenant_id })),
  };
}
