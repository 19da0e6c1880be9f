// Feature flags: declared here with a default, stored in the database, targeted per tenant.
// Read on every check (no cache), so turning a flag off takes effect on the next request.
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { NotFound } from '../errors.js';

export const FEATURE_FLAGS = [
  { key: 'entra-integration-ui', description: 'Entra settings card and connection wizard.' },
  { key: 'entra-integration-client-sync-action', description: '"Sync Entra now" on the client page.' },
  { key: 'entra-integration-cipp', description: 'CIPP as an Entra connection option.' },
  { key: 'entra-integration-field-sync', description: 'Per-field overwrite toggles for Entra contact sync.' },
  { key: 'entra-integration-ambiguous-queue', description: 'Review queue for ambiguous Entra user matches.' },
] as const;

export type FeatureFlagKey = (typeof FEATURE_FLAGS)[number]['key'];

export interface FeatureFlagState {
  key: string;
  description: string;
  enabled: boolean;
  defaultEnabled: boolean;
  /** true/false when this tenant is targeted; null when it follows the default. */
  tenantOverride: boolean | null;
}

/** Registers the declared flags (idempotent; keeps operator-set defaults). */
export async function registerFeatureFlags(db: Db): Promise<void> {
  await db
    .insertInto('feature_flags')
    .values(FEATURE_FLAGS.map((f) => ({ key: f.key, description: f.description, default_enabled: false })))
    .onConflict((oc) => oc.column('key').doUpdateSet({ description: (eb) => eb.ref('excluded.description') }))
    .execute();
}

export async function listFeatureFlags(db: Db, tenantId: string): Promise<FeatureFlagState[]> {
  const rows = await db
    .selectFrom('feature_flags as f')
    .leftJoin('feature_flag_tenants as t', (j) => j.onRef('t.flag_key', '=', 'f.key').on('t.tenant_id', '=', tenantId))
    .select(['f.key', 'f.description', 'f.default_enabled', 't.enabled as override'])
    .orderBy('f.key')
    .execute();
  return rows.map((r) => ({
    key: r.key,
    description: r.description,
    defaultEnabled: r.default_enabled,
    tenantOverride: r.override ?? null,
    enabled: r.override ?? r.default_enabled,
  }));
}

export async function isFeatureEnabled(db: Db, tenantId: string, key: FeatureFlagKey): Promise<boolean> {
  const row = await db
    .selectFrom('feature_flags as f')
    .leftJoin('feature_flag_tenants as t', (j) => j.onRef('t.flag_key', '=', 'f.key').on('t.tenant_id', '=', tenantId))
    .select(sql<boolean>`coalesce(t.enabled, f.default_enabled)`.as('enabled'))
    .where('f.key', '=', key)
    .executeTakeFirst();
  return row?.enabled ?? false;
}

/** Sets a tenant's override; `null` returns the tenant to the flag's default. */
export async function setTenantFeatureFlag(db: Db, tenantId: string, key: string, enabled: boolean | null): Promise<void> {
  const flag = await db.selectFrom('feature_flags').select('key').where('key', '=', key).executeTakeFirst();
  if (!flag) throw new NotFound(`Feature flag "${key}"`);
  if (enabled === null) {
    await db.deleteFrom('feature_flag_tenants').where('flag_key', '=', key).where('tenant_id', '=', tenantId).execute();
    return;
  }
  await db
    .insertInto('feature_flag_tenants')
    .values({ flag_key: key, tenant_id: tenantId, enabled })
    .onConflict((oc) => oc.columns(['flag_key', 'tenant_id']).doUpdateSet({ enabled, updated_at: sql`now()` }))
    .execute();
}

export async function setFeatureFlagDefault(db: Db, key: string, enabled: boolean): Promise<void> {
  const res = await db.updateTable('feature_flags').set({ default_enabled: enabled }).where('key', '=', key).executeTakeFirst();
  if (res.numUpdatedRows === 0n) throw new NotFound(`Feature flag "${key}"`);
}
