// One-time materialization of bindings for tenants that used Microsoft before bindings existed.
// A consumer with a legacy signal (active MSP SSO login domains, Microsoft email providers,
// Microsoft calendar providers) and exactly one candidate profile gets its binding row; otherwise
// it stays unbound. The decision is recorded per (tenant, consumer), so this runs once and never
// brings back a binding an admin later cleared.
import type { Selectable } from 'kysely';
import type { MaterializationOutcome, MicrosoftProfilesTable } from '@switchboard/db';
import { forTenant, recordAudit, type Db, type MicrosoftConsumer } from '@switchboard/core';

/** Consumers that have legacy signals; Teams never had one. */
const SIGNALLED: MicrosoftConsumer[] = ['msp_sso', 'email', 'calendar'];

export interface MaterializationResult {
  tenantId: string;
  consumer: MicrosoftConsumer;
  outcome: MaterializationOutcome;
  profileId: string | null;
}

interface Signal {
  present: boolean;
  /** Client ids the legacy connections were authorized with, when known. */
  clientIds: string[];
}

async function signalOf(db: Db, tenantId: string, consumer: MicrosoftConsumer): Promise<Signal> {
  const scope = forTenant(db, tenantId);
  if (consumer === 'msp_sso') {
    const row = await scope.selectFrom('msp_sso_login_domains').select('id').where('status', '<>', 'disabled').executeTakeFirst();
    return { present: row !== undefined, clientIds: [] };
  }
  const rows =
    consumer === 'email'
      ? await scope.selectFrom('email_providers').select('authorized_client_id').where('provider_type', '=', 'microsoft').where('is_active', '=', true).execute()
      : await scope.selectFrom('calendar_providers').select('authorized_client_id').where('provider_type', '=', 'microsoft').execute();
  const clientIds = [...new Set(rows.map((r) => r.authorized_client_id?.toLowerCase()).filter((id): id is string => !!id))];
  return { present: rows.length > 0, clientIds };
}

/** The profiles the legacy connections could have used: those whose credentials match, or every active one when unknown. */
function candidatesFor(signal: Signal, profiles: Selectable<MicrosoftProfilesTable>[]) {
  if (signal.clientIds.length === 0) return profiles;
  return profiles.filter((p) => signal.clientIds.includes(p.client_id.toLowerCase()));
}

async function decide(trx: Db, tenantId: string, consumer: MicrosoftConsumer): Promise<MaterializationResult> {
  const result = (outcome: MaterializationOutcome, profileId: string | null = null) => ({ tenantId, consumer, outcome, profileId });
  const bound = await forTenant(trx, tenantId).selectFrom('microsoft_profile_consumer_bindings').select('profile_id').where('consumer', '=', consumer).executeTakeFirst();
  if (bound) return result('already_bound', bound.profile_id);
  const signal = await signalOf(trx, tenantId, consumer);
  if (!signal.present) return result('no_signal');
  const profiles = await forTenant(trx, tenantId).selectFrom('microsoft_profiles').selectAll().where('is_archived', '=', false).execute();
  const candidates = candidatesFor(signal, profiles);
  if (candidates.length === 0) return result('no_candidate');
  if (candidates.length > 1) return result('ambiguous');
  await trx.insertInto('microsoft_profile_consumer_bindings').values({ tenant_id: tenantId, consumer, profile_id: candidates[0].id, bound_by: null }).execute();
  await recordAudit(trx, {
    tenantId,
    actorUserId: null,
    action: 'microsoft_binding.materialized',
    targetType: 'microsoft_binding',
    targetId: consumer,
    details: { consumer, profileId: candidates[0].id },
  });
  return result('bound', candidates[0].id);
}

/**
 * Decides every (tenant, consumer) not decided yet, for the consumers this edition offers.
 * Safe to run from several processes at once: the decision row is the lock.
 */
export async function materializeBindings(db: Db, consumers: readonly MicrosoftConsumer[]): Promise<MaterializationResult[]> {
  const wanted = SIGNALLED.filter((c) => consumers.includes(c));
  const tenants = await db.selectFrom('tenants').select('id').orderBy('created_at').execute();
  const done = await db.selectFrom('microsoft_binding_materializations').select(['tenant_id', 'consumer']).execute();
  const decided = new Set(done.map((d) => `${d.tenant_id}/${d.consumer}`));
  const results: MaterializationResult[] = [];
  for (const { id: tenantId } of tenants) {
    for (const consumer of wanted) {
      if (decided.has(`${tenantId}/${consumer}`)) continue;
      const result = await db.transaction().execute(async (trx) => {
        // Claim the decision first; a concurrent process that claimed it makes this a no-op.
        const claimed = await trx
          .insertInto('microsoft_binding_materializations')
          .values({ tenant_id: tenantId, consumer, outcome: 'no_signal' })
          .onConflict((oc) => oc.columns(['tenant_id', 'consumer']).doNothing())
          .returning('tenant_id')
          .executeTakeFirst();
        if (!claimed) return null;
        const decision = await decide(trx, tenantId, consumer);
        await trx
          .updateTable('microsoft_binding_materializations')
          .set({ outcome: decision.outcome, profile_id: decision.profileId })
          .where('tenant_id', '=', tenantId)
          .where('consumer', '=', consumer)
          .execute();
        return decision;
      });
      if (result) results.push(result);
    }
  }
  return results;
}
