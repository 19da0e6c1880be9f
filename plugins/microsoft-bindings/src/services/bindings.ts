// Consumer bindings: each Microsoft consumer of a tenant points at exactly one active profile, or
// at none. Nothing falls back to another profile. Setting and clearing are explicit, audited
// actions; rebinding Teams resets its install state, rebinding Email or Calendar warns that
// existing connections must re-authorize.
import { sql } from 'kysely';
import { Conflict, Forbidden, appendEvent, forTenant, recordAudit, type Db, type EditionInfo, type MicrosoftConsumer, type SecretStore } from '@switchboard/core';
import type { ConsumerStatus } from '../schemas.js';
import { CONSUMERS, clientSecretName, consumerLabel } from './consumers.js';
import { findProfile, type Actor } from './profiles.js';

export interface BindingDeps {
  edition: EditionInfo;
  secrets: SecretStore;
  /** e.g. https://psa.example.com, without a trailing slash. */
  publicUrl: string;
}

export function assertWritableConsumer(edition: EditionInfo, consumer: MicrosoftConsumer): void {
  if (!edition.microsoftConsumers.includes(consumer)) {
    throw new Forbidden(`The ${consumerLabel(consumer)} consumer is only available in Enterprise Edition; this edition binds MSP single sign-on only.`);
  }
}

export async function consumerMatrix(db: Db, tenantId: string, deps: BindingDeps): Promise<ConsumerStatus[]> {
  const consumers = deps.edition.microsoftConsumers;
  const [bindings, secretRows, teams] = await Promise.all([
    forTenant(db, tenantId)
      .selectFrom('microsoft_profile_consumer_bindings')
      .innerJoin('microsoft_profiles', (join) =>
        join.onRef('microsoft_profiles.id', '=', 'microsoft_profile_consumer_bindings.profile_id').onRef('microsoft_profiles.tenant_id', '=', 'microsoft_profile_consumer_bindings.tenant_id'),
      )
      .select([
        'microsoft_profile_consumer_bindings.consumer',
        'microsoft_profile_consumer_bindings.profile_id',
        'microsoft_profile_consumer_bindings.bound_by',
        'microsoft_profile_consumer_bindings.updated_at',
        'microsoft_profiles.display_name',
        'microsoft_profiles.client_id',
      ])
      .execute(),
    forTenant(db, tenantId).selectFrom('tenant_secrets').select('name').where('name', 'like', 'microsoft_profile:%').execute(),
    forTenant(db, tenantId).selectFrom('teams_integrations').select('install_status').executeTakeFirst(),
  ]);
  const secrets = new Set(secretRows.map((r) => r.name));
  return consumers.map((consumer) => {
    const binding = bindings.find((b) => b.consumer === consumer);
    const definition = CONSUMERS[consumer];
    const readiness = !binding ? 'not_bound' : secrets.has(clientSecretName(binding.profile_id)) ? 'ready' : 'missing_secret';
    const status: ConsumerStatus = {
      consumer,
      label: definition.label,
      description: definition.description,
      binding: binding
        ? { profileId: binding.profile_id, profileName: binding.display_name, boundAt: binding.updated_at.toISOString(), boundBy: binding.bound_by }
        : null,
      readiness,
      readinessMessage: {
        not_bound: `Not bound. ${definition.label} stays off until a profile is bound to it.`,
        missing_secret: `The bound profile "${binding?.display_name}" has no client secret. Add one on the profile.`,
        ready: `Ready: uses "${binding?.display_name}".`,
      }[readiness],
      redirectUris: definition.redirectPaths.map((path) => `${deps.publicUrl}${path}`),
    };
    if (consumer === 'teams') {
      const host = new URL(deps.publicUrl).host;
      status.teams = {
        installStatus: teams?.install_status ?? 'not_configured',
        applicationIdUri: binding ? `api://${host}/${binding.client_id}` : null,
        guidance: binding
          ? `In the Azure app registration of "${binding.display_name}", open "Expose an API" and set the Application ID URI to api://${host}/${binding.client_id}, add the scope access_as_user, and authorize the Teams clients 1fec8e78-bce4-4aaf-ab1b-5451cc387264 and 5e3ce6c0-2b1f-4285-8d4b-75ee78787346.`
          : 'Bind a profile to Teams; its Application ID URI will then be shown here.',
      };
    }
    return status;
  });
}

export async function consumerStatus(db: Db, tenantId: string, consumer: MicrosoftConsumer, deps: BindingDeps): Promise<ConsumerStatus> {
  return (await consumerMatrix(db, tenantId, deps)).find((c) => c.consumer === consumer)!;
}

/** Connections authorized through the previous profile that stop working when a consumer is rebound or cleared. */
async function reauthorizationWarnings(trx: Db, tenantId: string, consumer: MicrosoftConsumer): Promise<string[]> {
  if (consumer === 'calendar') {
    const { n } = await forTenant(trx, tenantId)
      .selectFrom('calendar_providers')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('provider_type', '=', 'microsoft')
      .executeTakeFirstOrThrow();
    return [`Microsoft calendar connections must re-authorize: ${n} connection${n === '1' ? '' : 's'} used the previous profile. Technicians reconnect from Profile → Calendar.`];
  }
  if (consumer === 'email') {
    const { n } = await forTenant(trx, tenantId)
      .selectFrom('email_providers')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('provider_type', '=', 'microsoft')
      .where('is_active', '=', true)
      .executeTakeFirstOrThrow();
    return [`Microsoft email connections must re-authorize: ${n} mailbox${n === '1' ? '' : 'es'} used the previous profile.`];
  }
  return [];
}

async function resetTeamsInstall(trx: Db, tenantId: string, status: 'install_pending' | 'not_configured') {
  const reset = { install_status: status, package_id: null, bot_id: null, app_id: null, last_error: null, updated_at: new Date() };
  await trx
    .insertInto('teams_integrations')
    .values({ tenant_id: tenantId, ...reset })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(reset))
    .execute();
}

async function afterChange(trx: Db, actor: Actor, consumer: MicrosoftConsumer, change: { from: string | null; to: string | null }): Promise<string[]> {
  if (consumer === 'teams') await resetTeamsInstall(trx, actor.tenantId, change.to ? 'install_pending' : 'not_configured');
  await recordAudit(trx, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: change.to ? 'microsoft_binding.set' : 'microsoft_binding.cleared',
    targetType: 'microsoft_binding',
    targetId: consumer,
    details: { consumer, profileId: change.to, previousProfileId: change.from },
  });
  await appendEvent(trx, {
    tenantId: actor.tenantId,
    type: 'microsoft.binding_changed',
    aggregateType: 'microsoft_binding',
    aggregateId: consumer,
    payload: { consumer, profileId: change.to, previousProfileId: change.from, actorUserId: actor.userId },
  });
  return change.from ? reauthorizationWarnings(trx, actor.tenantId, consumer) : [];
}

async function currentBinding(trx: Db, tenantId: string, consumer: MicrosoftConsumer) {
  return forTenant(trx, tenantId)
    .selectFrom('microsoft_profile_consumer_bindings')
    .select('profile_id')
    .where('consumer', '=', consumer)
    .forUpdate()
    .executeTakeFirst();
}

/** Binds `consumer` to an active profile of the tenant. Returns warnings for the admin. */
export async function setBinding(trx: Db, actor: Actor, consumer: MicrosoftConsumer, profileId: string, deps: BindingDeps): Promise<string[]> {
  assertWritableConsumer(deps.edition, consumer);
  // Locking the profile serializes this with an archive or delete of the same profile.
  const profile = await findProfile(trx, actor.tenantId, profileId, true);
  if (profile.is_archived) {
    throw new Conflict(`"${profile.display_name}" is archived. Unarchive it or choose an active profile to bind to ${consumerLabel(consumer)}.`);
  }
  const previous = await currentBinding(trx, actor.tenantId, consumer);
  if (previous?.profile_id === profileId) return [];
  await trx
    .insertInto('microsoft_profile_consumer_bindings')
    .values({ tenant_id: actor.tenantId, consumer, profile_id: profileId, bound_by: actor.userId })
    .onConflict((oc) => oc.columns(['tenant_id', 'consumer']).doUpdateSet({ profile_id: profileId, bound_by: actor.userId, updated_at: sql`now()` }))
    .execute();
  return afterChange(trx, actor, consumer, { from: previous?.profile_id ?? null, to: profileId });
}

/** Removes the binding; the consumer is off until bound again. Clearing an unbound consumer changes nothing. */
export async function clearBinding(trx: Db, actor: Actor, consumer: MicrosoftConsumer, deps: BindingDeps): Promise<string[]> {
  assertWritableConsumer(deps.edition, consumer);
  const previous = await currentBinding(trx, actor.tenantId, consumer);
  if (!previous) return [];
  await forTenant(trx, actor.tenantId).deleteFrom('microsoft_profile_consumer_bindings').where('consumer', '=', consumer).execute();
  return afterChange(trx, actor, consumer, { from: previous.profile_id, to: null });
}
