// Feature flags: declared here (the code is the one list of flags and what each does), stored in the
// database with an operator-set default, targeted per tenant. Read on every check (no cache), so
// turning a flag off takes effect on the next request.
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { BadRequest, NotFound } from '../errors.js';
import type { Edition } from '../edition.js';

export interface FeatureFlagDeclaration {
  key: string;
  /** A short name for the Settings list. */
  title: string;
  /** What turning it on changes for the user, where it shows up, and what it needs. */
  description: string;
  /** The edition the flag does anything in; in another edition it is stored but has no effect. */
  edition: Edition;
  /** Flags that must also be on for this one to show anything. */
  dependsOn: readonly string[];
}

export const FEATURE_FLAGS = [
  {
    key: 'entra-integration-ui',
    title: 'Microsoft Entra integration',
    description:
      'Adds the Microsoft Entra category to Settings: connect your Microsoft partner tenant, map its customer tenants to clients and sync their users into contacts, by hand or on a schedule. While off, the category is hidden and scheduled Entra syncs stop; contacts already synced stay. Enterprise Edition only.',
    edition: 'ee',
    dependsOn: [],
  },
  {
    key: 'entra-integration-client-sync-action',
    title: '"Sync Entra now" on client pages',
    description:
      'Adds a "Sync Entra now" button to each client\'s page for admins, which syncs that client\'s Entra users into its contacts at once instead of waiting for the schedule. Works once Microsoft Entra is connected and the client is mapped. Enterprise Edition only.',
    edition: 'ee',
    dependsOn: ['entra-integration-ui'],
  },
  {
    key: 'entra-integration-cipp',
    title: 'CIPP as an Entra connection',
    description:
      'Offers CIPP (CyberDrain Improved Partner Portal) as a second way to connect Microsoft Entra, next to the direct partner connection, in Settings → Microsoft Entra. Needs the Microsoft Entra integration flag. Enterprise Edition only.',
    edition: 'ee',
    dependsOn: ['entra-integration-ui'],
  },
  {
    key: 'entra-integration-field-sync',
    title: 'Entra may overwrite contact fields',
    description:
      'Adds per-field switches (name, email, phone, job title) to Settings → Microsoft Entra that let an Entra sync overwrite contact details edited in Switchboard. While off, a sync never overwrites those fields. Needs the Microsoft Entra integration flag. Enterprise Edition only.',
    edition: 'ee',
    dependsOn: ['entra-integration-ui'],
  },
  {
    key: 'entra-integration-ambiguous-queue',
    title: 'Review queue for unclear Entra matches',
    description:
      'Shows a review queue in Settings → Microsoft Entra for Entra users that could be more than one existing contact, so a person picks the match instead of the sync guessing. Needs the Microsoft Entra integration flag. Enterprise Edition only.',
    edition: 'ee',
    dependsOn: ['entra-integration-ui'],
  },
] as const satisfies readonly FeatureFlagDeclaration[];

export type FeatureFlagKey = (typeof FEATURE_FLAGS)[number]['key'];

export interface FeatureFlagState {
  key: string;
  title: string;
  description: string;
  edition: Edition;
  dependsOn: string[];
  enabled: boolean;
  defaultEnabled: boolean;
  /** true/false when this tenant is targeted; null when it follows the default. */
  tenantOverride: boolean | null;
}

const declared = (key: string) => FEATURE_FLAGS.find((f) => f.key === key);

/** A 400 for a key the code does not declare (a flag row left by an older version counts as unknown). */
function assertDeclared(key: string): void {
  if (declared(key)) return;
  throw new BadRequest(`There is no feature flag "${key}". Flags: ${FEATURE_FLAGS.map((f) => f.key).join(', ')}.`, { code: 'unknown_flag' });
}

/** Registers the declared flags (idempotent; keeps operator-set defaults). */
export async function registerFeatureFlags(db: Db): Promise<void> {
  await db
    .insertInto('feature_flags')
    .values(FEATURE_FLAGS.map((f) => ({ key: f.key, description: f.description, default_enabled: false })))
    .onConflict((oc) => oc.column('key').doUpdateSet({ description: (eb) => eb.ref('excluded.description') }))
    .execute();
}

/** Every declared flag as it applies to the tenant, in declaration order. */
export async function listFeatureFlags(db: Db, tenantId: string): Promise<FeatureFlagState[]> {
  const rows = await db
    .selectFrom('feature_flags as f')
    .leftJoin('feature_flag_tenants as t', (j) => j.onRef('t.flag_key', '=', 'f.key').on('t.tenant_id', '=', tenantId))
    .select(['f.key', 'f.default_enabled', 't.enabled as override'])
    .where(
      'f.key',
      'in',
      FEATURE_FLAGS.map((f) => f.key),
    )
    .execute();
  return FEATURE_FLAGS.map((flag) => {
    const row = rows.find((r) => r.key === flag.key);
    const defaultEnabled = row?.default_enabled ?? false;
    const tenantOverride = row?.override ?? null;
    return {
      key: flag.key,
      title: flag.title,
      description: flag.description,
      edition: flag.edition,
      dependsOn: [...flag.dependsOn],
      defaultEnabled,
      tenantOverride,
      enabled: tenantOverride ?? defaultEnabled,
    };
  });
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

/** Sets a tenant's override; `null` returns the tenant to the flag's default. Only declared flags. */
export async function setTenantFeatureFlag(db: Db, tenantId: string, key: string, enabled: boolean | null): Promise<void> {
  assertDeclared(key);
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

/** The default for every tenant without an override of its own. Only declared flags. */
export async function setFeatureFlagDefault(db: Db, key: string, enabled: boolean): Promise<void> {
  assertDeclared(key);
  const res = await db.updateTable('feature_flags').set({ default_enabled: enabled }).where('key', '=', key).executeTakeFirst();
  if (res.numUpdatedRows === 0n) throw new NotFound(`Feature flag "${key}"`);
}
