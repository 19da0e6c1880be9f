// Managed customer tenants: discovery persists what the connection sees (one row per Entra tenant,
// updated on re-discovery, never duplicated), and their mapping to PSA clients (an existing one or
// one created from the tenant).
import { sql, type Selectable } from 'kysely';
import type { EntraManagedTenantsTable } from '@switchboard/db';
import { BadRequest, forTenant, recordAudit, type Db } from '@switchboard/core';
import type { DiscoveredTenant } from './directory.js';
import { createClientsForTenants } from './tenant-clients.js';

export type ManagedTenantRow = Selectable<EntraManagedTenantsTable>;

export const mappingStateOf = (row: ManagedTenantRow): 'mapped' | 'skipped' | 'unmapped' => (row.client_id ? 'mapped' : row.skipped ? 'skipped' : 'unmapped');

export const toManagedTenant = (row: ManagedTenantRow, clientName?: string | null) => ({
  id: row.id,
  entraTenantId: row.entra_tenant_id,
  displayName: row.display_name,
  defaultDomain: row.default_domain,
  domains: row.domains,
  userCount: row.user_count,
  lastSeenAt: row.last_seen_at.toISOString(),
  discoveryError: row.discovery_error,
  mapping: mappingStateOf(row),
  clientId: row.client_id,
  clientName: clientName ?? null,
});

export async function saveDiscovery(db: Db, actor: { tenantId: string; userId: string }, found: DiscoveredTenant[]) {
  return db.transaction().execute(async (trx) => {
    const scope = forTenant(trx, actor.tenantId);
    if (found.length > 0) {
      await scope
        .insertInto(
          'entra_managed_tenants',
          found.map((t) => ({
            entra_tenant_id: t.entraTenantId,
            display_name: t.displayName,
            default_domain: t.defaultDomain,
            domains: t.domains,
            user_count: t.userCount,
            discovery_error: t.error,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'entra_tenant_id']).doUpdateSet((eb) => ({
            display_name: eb.ref('excluded.display_name'),
            // A tenant whose details failed this time keeps what the last good discovery read.
            default_domain: sql`CASE WHEN excluded.discovery_error IS NULL THEN excluded.default_domain ELSE entra_managed_tenants.default_domain END`,
            domains: sql`CASE WHEN excluded.discovery_error IS NULL THEN excluded.domains ELSE entra_managed_tenants.domains END`,
            user_count: sql`coalesce(excluded.user_count, entra_managed_tenants.user_count)`,
            discovery_error: eb.ref('excluded.discovery_error'),
            last_seen_at: sql`now()`,
            updated_at: sql`now()`,
          })),
        )
        .execute();
    }
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.discovered', targetType: 'entra_connection', details: { tenants: found.length, failed: found.filter((t) => t.error).length } });
    return { discovered: found.length, failed: found.filter((t) => t.error).length };
  });
}

export async function listManagedTenants(db: Db, tenantId: string) {
  const rows = await forTenant(db, tenantId)
    .selectFrom('entra_managed_tenants')
    .leftJoin('clients', (j) => j.onRef('clients.id', '=', 'entra_managed_tenants.client_id').onRef('clients.tenant_id', '=', 'entra_managed_tenants.tenant_id'))
    .selectAll('entra_managed_tenants')
    .select('clients.name as client_name')
    .orderBy(sql`lower(entra_managed_tenants.display_name)`)
    .execute();
  return rows.map((r) => toManagedTenant(r, r.client_name));
}

export type MappingDecision =
  | { managedTenantId: string; action: 'map'; clientId: string }
  | { managedTenantId: string; action: 'skip' }
  | { managedTenantId: string; action: 'unmap' }
  | { managedTenantId: string; action: 'create_client'; name?: string; domains?: string[] };

/**
 * Writes the admin's decisions, all or nothing; every id must belong to the tenant. A create_client
 * decision creates the client (tenant-clients.ts) and maps the tenant to it in the same transaction.
 */
export async function confirmMappings(db: Db, actor: { tenantId: string; userId: string }, decisions: MappingDecision[]) {
  return db.transaction().execute(async (trx) => {
    const scope = forTenant(trx, actor.tenantId);
    const tenantIds = [...new Set(decisions.map((d) => d.managedTenantId))];
    const clientIds = [...new Set(decisions.flatMap((d) => (d.action === 'map' ? [d.clientId] : [])))];
    // Locked in a fixed order: a repeated confirm waits for the first, then sees what it did.
    const rows = await scope.selectFrom('entra_managed_tenants').selectAll().where('id', 'in', tenantIds).orderBy('id').forUpdate().execute();
    const known = new Map(rows.map((r) => [r.id, r]));
    const clients = new Set(clientIds.length ? (await scope.selectFrom('clients').select('id').where('id', 'in', clientIds).execute()).map((r) => r.id) : []);
    const problems = decisions.flatMap((d, i) => [
      ...(known.has(d.managedTenantId) ? [] : [{ field: `mappings.${i}.managedTenantId`, message: 'no such managed tenant' }]),
      ...(d.action === 'map' && !clients.has(d.clientId) ? [{ field: `mappings.${i}.clientId`, message: 'no such client' }] : []),
    ]);
    if (problems.length) throw BadRequest.fields(problems);
    if (tenantIds.length !== decisions.length) throw BadRequest.field('mappings', 'each managed tenant may appear once');
    const creates = decisions.flatMap((d, index) => (d.action === 'create_client' ? [{ index, managedTenantId: d.managedTenantId, name: d.name, domains: d.domains }] : []));
    const created = await createClientsForTenants(trx, actor, creates, known);
    const clientOf = (d: MappingDecision) => (d.action === 'map' ? d.clientId : d.action === 'create_client' ? created.get(d.managedTenantId)!.clientId : null);
    for (const d of decisions) {
      await scope
        .updateTable('entra_managed_tenants')
        .set({
          client_id: clientOf(d),
          skipped: d.action === 'skip',
          mapped_by: actor.userId,
          mapped_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', d.managedTenantId)
        .execute();
    }
    const newClients = [...created.values()];
    const details = { decisions, createdClientIds: newClients.filter((c) => c.created).map((c) => c.clientId) };
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.mappings_confirmed', targetType: 'entra_managed_tenant', details });
    return { updated: decisions.length, clients: newClients };
  });
}
