// Consumer bindings: each Microsoft consumer of a tenant points at exactly one active profile, or
// at none. Nothing falls back to another profile. Setting and clearing are explicit, audited
// actions. Rebinding Teams resets its install state. Moving Email or Calendar away from a profile
// that connections were authorized through asks first (409 reconnect_required), then marks them
// "reconnect needed"; moving MSP sign-in while a domain requires it asks first (409 sso_required),
// then turns the requirement off, so nobody is locked out.
import { sql, type Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { Conflict, Forbidden, appendEvent, forTenant, recordAudit, type Db, type EditionInfo, type MicrosoftConsumer, type SecretStore } from '@switchboard/core';
import type { ConsumerStatus } from '../schemas.js';
import { guardMspSsoChange, resolvePasswordFallbackNotices } from '../sso/sign-in-policy.js';
import { emailDependent, type AffectedConnection, type BindingChange, type ConsumerDependent } from './consumer-dependents.js';
import { CONSUMERS, clientSecretName, consumerLabel } from './consumers.js';
import { findProfile, listing, type Actor } from './profiles.js';

export interface BindingDeps {
  edition: EditionInfo;
  secrets: SecretStore;
  /** e.g. https://psa.example.com, without a trailing slash. */
  publicUrl: string;
  /** Connections of other features that depend on a binding (e.g. calendar-ee's calendars). */
  dependents: ConsumerDependent[];
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

async function resetTeamsInstall(trx: Db, tenantId: string, status: 'install_pending' | 'not_configured') {
  const reset = { install_status: status, package_id: null, bot_id: null, app_id: null, last_error: null, updated_at: new Date() };
  await trx
    .insertInto('teams_integrations')
    .values({ tenant_id: tenantId, ...reset })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(reset))
    .execute();
}

/** What the admin gets back: sentences about what else happened, and the connections that must reconnect. */
export interface BindingOutcome {
  warnings: string[];
  affected: AffectedConnection[];
}

const unchanged: BindingOutcome = { warnings: [], affected: [] };

interface Change {
  from: { profileId: string; displayName: string; clientId: string };
  to: { profileId: string; displayName: string; clientId: string } | null;
}

async function currentBinding(trx: Transaction<Database>, tenantId: string, consumer: MicrosoftConsumer) {
  return forTenant(trx, tenantId)
    .selectFrom('microsoft_profile_consumer_bindings')
    .innerJoin('microsoft_profiles', (j) =>
      j.onRef('microsoft_profiles.id', '=', 'microsoft_profile_consumer_bindings.profile_id').onRef('microsoft_profiles.tenant_id', '=', 'microsoft_profile_consumer_bindings.tenant_id'),
    )
    .select(['microsoft_profile_consumer_bindings.profile_id as profileId', 'microsoft_profiles.display_name as displayName', 'microsoft_profiles.client_id as clientId'])
    .where('microsoft_profile_consumer_bindings.consumer', '=', consumer)
    // The binding row only: the profiles are locked by whoever changes them.
    .forUpdate('microsoft_profile_consumer_bindings')
    .executeTakeFirst();
}

/**
 * Before the binding moves away from `change.from`: the checks that may refuse (409) unless the
 * admin confirmed. Nothing is written here except what a confirmed msp_sso guard does first.
 */
async function beforeChange(trx: Transaction<Database>, actor: Actor, consumer: MicrosoftConsumer, change: Change, deps: BindingDeps, confirm: boolean): Promise<string[]> {
  if (consumer === 'msp_sso') {
    return guardMspSsoChange(trx, actor, change.to ? { kind: 'rebind', profileName: change.to.displayName } : { kind: 'clear' }, confirm);
  }
  const dependent = dependentOf(deps, consumer);
  if (!dependent || confirm) return [];
  const affected = await dependent.affected(trx, actor.tenantId, clientIds(change));
  if (affected.length === 0) return [];
  const action = change.to ? `Binding ${consumerLabel(consumer)} to "${change.to.displayName}"` : `Clearing the ${consumerLabel(consumer)} binding`;
  throw new Conflict(
    `${action} disconnects ${affected.length === 1 ? 'a connection' : `${affected.length} connections`} authorized through "${change.from.displayName}": ${listing(affected.map(describe))}. Confirm to go ahead; ${affected.length === 1 ? 'it is' : 'they are'} marked "reconnect needed" and ${consumer === 'calendar' ? 'each technician is asked to reconnect on Profile → Calendar' : 'the admins are asked to authorize the mailboxes again'}.`,
    { code: 'reconnect_required', affected },
  );
}

const describe = (a: AffectedConnection) => (a.displayName === a.connection ? a.connection : `${a.displayName} (${a.connection})`);
const clientIds = (change: Change): BindingChange => ({ previousClientId: change.from.clientId, nextClientId: change.to?.clientId ?? null });
const dependentOf = (deps: BindingDeps, consumer: MicrosoftConsumer) =>
  consumer === 'email' ? emailDependent : deps.dependents.find((d) => d.consumer === consumer);

async function afterChange(trx: Transaction<Database>, actor: Actor, consumer: MicrosoftConsumer, change: { from: Change['from'] | null; to: Change['to'] }, deps: BindingDeps): Promise<AffectedConnection[]> {
  if (consumer === 'teams') await resetTeamsInstall(trx, actor.tenantId, change.to ? 'install_pending' : 'not_configured');
  if (consumer === 'msp_sso') await resolvePasswordFallbackNotices(trx, actor.tenantId);
  const details = { consumer, profileId: change.to?.profileId ?? null, previousProfileId: change.from?.profileId ?? null };
  const dependent = dependentOf(deps, consumer);
  const affected = change.from && dependent ? await dependent.markNeedsReconnect(trx, actor.tenantId, clientIds({ from: change.from, to: change.to })) : [];
  await recordAudit(trx, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: change.to ? 'microsoft_binding.set' : 'microsoft_binding.cleared',
    targetType: 'microsoft_binding',
    targetId: consumer,
    details: affected.length > 0 ? { ...details, markedForReconnect: affected.map((a) => a.connection) } : details,
  });
  await appendEvent(trx, {
    tenantId: actor.tenantId,
    type: 'microsoft.binding_changed',
    aggregateType: 'microsoft_binding',
    aggregateId: consumer,
    payload: { ...details, actorUserId: actor.userId },
  });
  return affected;
}

const reconnectWarning = (consumer: MicrosoftConsumer, affected: AffectedConnection[]) =>
  affected.length === 0 ? [] : [`${affected.length === 1 ? 'This connection must' : `These ${affected.length} connections must`} reconnect: ${listing(affected.map(describe))}. ${consumer === 'calendar' ? 'Each technician was notified.' : 'The admins were notified.'}`];

/**
 * Binds `consumer` to an active profile of the tenant. Binding the profile it already has changes
 * nothing. Moving it may need the admin's confirmation (409 `sso_required` or `reconnect_required`).
 */
export async function setBinding(trx: Transaction<Database>, actor: Actor, consumer: MicrosoftConsumer, profileId: string, deps: BindingDeps, opts: { confirm: boolean }): Promise<BindingOutcome> {
  assertWritableConsumer(deps.edition, consumer);
  // Locking the profile serializes this with an archive or delete of the same profile.
  const profile = await findProfile(trx, actor.tenantId, profileId, true);
  if (profile.is_archived) {
    throw new Conflict(`"${profile.display_name}" is archived. Unarchive it or choose an active profile to bind to ${consumerLabel(consumer)}.`);
  }
  const previous = await currentBinding(trx, actor.tenantId, consumer);
  if (previous?.profileId === profileId) return unchanged;
  const to = { profileId, displayName: profile.display_name, clientId: profile.client_id };
  const warnings = previous ? await beforeChange(trx, actor, consumer, { from: previous, to }, deps, opts.confirm) : [];
  await trx
    .insertInto('microsoft_profile_consumer_bindings')
    .values({ tenant_id: actor.tenantId, consumer, profile_id: profileId, bound_by: actor.userId })
    .onConflict((oc) => oc.columns(['tenant_id', 'consumer']).doUpdateSet({ profile_id: profileId, bound_by: actor.userId, updated_at: sql`now()` }))
    .execute();
  const affected = await afterChange(trx, actor, consumer, { from: previous ?? null, to }, deps);
  return { warnings: [...warnings, ...reconnectWarning(consumer, affected)], affected };
}

/** Removes the binding; the consumer is off until bound again. Clearing an unbound consumer changes nothing. */
export async function clearBinding(trx: Transaction<Database>, actor: Actor, consumer: MicrosoftConsumer, deps: BindingDeps, opts: { confirm: boolean }): Promise<BindingOutcome> {
  assertWritableConsumer(deps.edition, consumer);
  const previous = await currentBinding(trx, actor.tenantId, consumer);
  if (!previous) return unchanged;
  const warnings = await beforeChange(trx, actor, consumer, { from: previous, to: null }, deps, opts.confirm);
  await forTenant(trx, actor.tenantId).deleteFrom('microsoft_profile_consumer_bindings').where('consumer', '=', consumer).execute();
  const affected = await afterChange(trx, actor, consumer, { from: previous, to: null }, deps);
  return { warnings: [...warnings, ...reconnectWarning(consumer, affected)], affected };
}
