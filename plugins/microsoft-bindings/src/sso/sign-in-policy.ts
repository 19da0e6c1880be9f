// Microsoft sign-in that cannot lock anyone out. A domain may require Microsoft sign-in only while
// MSP single sign-on works (msp-sso.ts mspSsoReadiness); the msp_sso binding cannot be cleared or
// moved while a domain requires it unless the admin confirms, and then the requirement goes first;
// and if Microsoft sign-in stops working anyway (say a secret vanished), password sign-in is
// allowed again for that domain and the admins are told, until it works again.
import { sql, type Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { Conflict, forTenant, notifyAdmins, recordAudit, resolveNotifications, type Db, type SignInCheck } from '@switchboard/core';
import { listing, type Actor } from '../services/profiles.js';
import { mspSsoReadiness, verifiedDomain } from './msp-sso.js';

const SETTINGS_LINK = '/settings?category=providers';
const fallbackKey = (domainId: string) => `msp_sso.password_fallback:${domainId}`;

export const SSO_REQUIRED_MESSAGE = 'Your organization requires signing in with Microsoft for this address. Use "Sign in with Microsoft".';

/**
 * Password sign-in policy (registered with core): refuses staff of a domain that requires Microsoft
 * sign-in while it works; while it does not, lets them in and tells the admins. Same query as discovery.
 */
export const mspSsoSignInCheck: SignInCheck = async (db, attempt) => {
  if (attempt.userType !== 'internal') return null;
  const domain = await verifiedDomain(db, attempt.email);
  if (!domain || domain.tenant_id !== attempt.tenantId || !domain.sso_required) return null;
  if (domain.microsoftAvailable) return SSO_REQUIRED_MESSAGE;
  await notifyAdmins(db, domain.tenant_id, {
    kind: 'msp_sso.password_fallback',
    severity: 'error',
    title: `Password sign-in is allowed again for ${domain.domain}`,
    body: `Microsoft sign-in is required for ${domain.domain}, but it cannot work: MSP single sign-on is not bound to an active profile with a client secret. Its users sign in with their password until you fix the binding under Settings → Providers.`,
    link: SETTINGS_LINK,
    dedupeKey: fallbackKey(domain.id),
  });
  return null;
};

/**
 * Clears the "password sign-in allowed again" notices of the tenant that no longer hold: Microsoft
 * sign-in works again, or the domain no longer requires it. Call after a change that may fix either.
 */
export async function resolvePasswordFallbackNotices(trx: Transaction<Database>, tenantId: string): Promise<void> {
  const ready = (await mspSsoReadiness(trx, tenantId)).ready;
  const domains = await forTenant(trx, tenantId).selectFrom('msp_sso_login_domains').select(['id', 'status', 'sso_required']).execute();
  for (const d of domains) {
    if (ready || d.status !== 'verified' || !d.sso_required) await resolveNotifications(trx, tenantId, fallbackKey(d.id));
  }
}

/** The tenant's domains whose staff must sign in with Microsoft, locked for the rest of the transaction. */
async function requiredDomains(trx: Transaction<Database>, tenantId: string) {
  return forTenant(trx, tenantId)
    .selectFrom('msp_sso_login_domains')
    .select(['id', 'domain'])
    .where('status', '=', 'verified')
    .where('sso_required', '=', true)
    .orderBy('domain')
    .forUpdate()
    .execute();
}

export type MspSsoChange = { kind: 'clear' } | { kind: 'rebind'; profileName: string };

/** The tenant's domains whose staff must sign in with Microsoft, e.g. to name them in a refusal. */
export async function domainsRequiringMicrosoft(db: Db, tenantId: string): Promise<string[]> {
  const rows = await forTenant(db, tenantId).selectFrom('msp_sso_login_domains').select('domain').where('status', '=', 'verified').where('sso_required', '=', true).orderBy('domain').execute();
  return rows.map((r) => r.domain);
}

/**
 * Turns the Microsoft sign-in requirement off for `domains` because the admin confirmed a change
 * that would otherwise lock their users out (`reason` goes into the audit, `before` completes "It
 * was turned off before …" for the admins). Audited per domain; the admins are told. Returns the
 * sentence for the admin who confirmed.
 */
export async function turnOffRequirementOnConfirm(
  trx: Db,
  actor: Actor,
  domains: { id: string; domain: string }[],
  why: { reason: string; before: string },
): Promise<string> {
  const names = listing(domains.map((d) => d.domain));
  const their = domains.length === 1 ? 'its' : 'their';
  await forTenant(trx, actor.tenantId)
    .updateTable('msp_sso_login_domains')
    .set({ sso_required: false, updated_at: sql`now()` })
    .where('id', 'in', domains.map((d) => d.id))
    .execute();
  for (const d of domains) {
    await recordAudit(trx, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: 'msp_sso_domain.sso_required_set',
      targetType: 'msp_sso_domain',
      targetId: d.id,
      details: { domain: d.domain, ssoRequired: false, reason: why.reason },
    });
    await resolveNotifications(trx, actor.tenantId, fallbackKey(d.id));
  }
  const done = `Microsoft sign-in is no longer required for ${names}; ${their} users sign in with their password until you require it again.`;
  await notifyAdmins(trx, actor.tenantId, {
    kind: 'msp_sso.requirement_turned_off',
    severity: 'warning',
    title: `Microsoft sign-in is no longer required for ${names}`,
    body: `It was turned off before ${why.before}. ${done}`,
    link: SETTINGS_LINK,
  });
  return done;
}

/**
 * Break-glass (`npm run reset-password -- <email> --turn-off-sso-requirement`): turns off "require
 * Microsoft sign-in" on every domain of the tenant, audited as the operator's and told to the admins,
 * so password sign-in works again. Returns the domains it turned off.
 */
export async function turnOffSsoRequirement(trx: Transaction<Database>, tenantId: string): Promise<string[]> {
  const domains = await requiredDomains(trx, tenantId);
  if (domains.length === 0) return [];
  await turnOffRequirementOnConfirm(trx, { tenantId, userId: null }, domains, { reason: 'break_glass', before: 'an operator reset a password with `npm run reset-password`' });
  return domains.map((d) => d.domain).sort();
}

/**
 * Guards a clear or rebind of the msp_sso binding; the caller has locked the binding row for update,
 * so a concurrent "require Microsoft sign-in" (which share-locks it) is either seen here or sees the
 * change. While a domain requires Microsoft sign-in: refused (409 sso_required) unless confirmed;
 * confirmed, the requirement is turned off first. Returns what was done, for the admin.
 */
export async function guardMspSsoChange(trx: Transaction<Database>, actor: Actor, change: MspSsoChange, confirm: boolean): Promise<string[]> {
  const domains = await requiredDomains(trx, actor.tenantId);
  if (domains.length === 0) return [];
  if (!confirm) {
    const names = listing(domains.map((d) => d.domain));
    const their = domains.length === 1 ? 'its' : 'their';
    const risk =
      change.kind === 'clear'
        ? `Clearing the binding would leave ${their} users unable to sign in.`
        : `Binding MSP sign-in to "${change.profileName}" would leave ${their} users unable to sign in if that app registration is not set up for them.`;
    throw new Conflict(`Microsoft sign-in is required for ${names}. ${risk} Confirm to first turn that requirement off; they will then sign in with their password.`, {
      code: 'sso_required',
      domains: domains.map((d) => d.domain),
    });
  }
  const why =
    change.kind === 'clear'
      ? { reason: 'msp_sso_binding_cleared', before: 'MSP single sign-on was cleared' }
      : { reason: 'msp_sso_binding_changed', before: `MSP single sign-on was bound to "${change.profileName}"` };
  return [await turnOffRequirementOnConfirm(trx, actor, domains, why)];
}
