// MSP SSO login domains: the email domains a tenant claims for "Sign in with Microsoft".
// pending (added; the admin publishes a DNS TXT value) → verified (we found the value) → disabled.
// Several tenants may have one domain pending, so adding it first squats nothing; only the one
// that proves it in DNS holds it verified (a unique index decides races). Public mail domains are
// refused outright. A domain that requires Microsoft sign-in is disabled only on confirmation.
import { randomBytes } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Database, MspSsoLoginDomainsTable } from '@switchboard/db';
import { BadRequest, Conflict, NotFound, forTenant, isUniqueViolation, recordAudit, resolveNotifications, type Db } from '@switchboard/core';
import type { Actor } from '../services/profiles.js';
import type { TxtCheck, TxtVerifier } from './dns-verification.js';
import { isPublicMailDomain } from './public-mail-domains.js';
import { assertMspSsoReady } from './msp-sso.js';
import { turnOffRequirementOnConfirm } from './sign-in-policy.js';

export const TXT_PREFIX = 'switchboard-domain-verification=';
const VERIFIED_INDEX = 'msp_sso_login_domains_verified_key';

type DomainRow = Selectable<MspSsoLoginDomainsTable>;

export const txtValueOf = (row: Pick<DomainRow, 'verification_token'>) => `${TXT_PREFIX}${row.verification_token}`;

/** The admins' notification raised while a verified domain's TXT record is missing. */
export const recordMissingKey = (domainId: string) => `msp_sso_domain.txt_missing:${domainId}`;

export const toLoginDomain = (row: DomainRow) => ({
  id: row.id,
  domain: row.domain,
  status: row.status,
  ssoRequired: row.sso_required,
  verification: { type: 'TXT' as const, name: row.domain, value: txtValueOf(row) },
  verifiedAt: row.verified_at?.toISOString() ?? null,
  lastCheckedAt: row.last_checked_at?.toISOString() ?? null,
  recordMissingSince: row.record_missing_since?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

export type LoginDomain = ReturnType<typeof toLoginDomain>;

export async function listLoginDomains(db: Db, tenantId: string): Promise<LoginDomain[]> {
  const rows = await forTenant(db, tenantId)
    .selectFrom('msp_sso_login_domains')
    .selectAll()
    .orderBy(sql`status = 'disabled'`)
    .orderBy('domain')
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toLoginDomain);
}

async function findDomain(db: Db, tenantId: string, id: string, lock: boolean) {
  let q = forTenant(db, tenantId).selectFrom('msp_sso_login_domains').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFound('Login domain');
  return row;
}

const takenMessage = (domain: string) =>
  `${domain} is already verified for Microsoft sign-in by another organization. Contact support if it belongs to you.`;

async function verifiedElsewhere(db: Db, tenantId: string, domain: string): Promise<boolean> {
  const row = await db
    .selectFrom('msp_sso_login_domains')
    .select('id')
    .where(sql`lower(domain)`, '=', domain.toLowerCase())
    .where('status', '=', 'verified')
    .where('tenant_id', '<>', tenantId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function addLoginDomain(trx: Db, actor: Actor, domain: string): Promise<LoginDomain> {
  if (isPublicMailDomain(domain)) {
    throw BadRequest.field('domain', `${domain} is a public mail service; only a domain your organization owns can be used for Microsoft sign-in.`);
  }
  if (await verifiedElsewhere(trx, actor.tenantId, domain)) throw new Conflict(takenMessage(domain));
  // One statement against the per-tenant unique index: of concurrent adds by one tenant, one wins.
  const row = await forTenant(trx, actor.tenantId)
    .insertInto('msp_sso_login_domains', { domain, verification_token: randomBytes(16).toString('hex'), created_by: actor.userId })
    .onConflict((oc) => oc.expression(sql`tenant_id, lower(domain)`).where(sql<boolean>`status <> 'disabled'`).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new Conflict(`${domain} is already on your list.`);
  await recordAudit(trx, audit(actor, 'msp_sso_domain.added', row.id, { domain }));
  return toLoginDomain(row);
}

export interface VerifyDeps {
  db: Db;
  txt: TxtVerifier;
}

/** Why the TXT record did not verify the domain, in words an admin can act on. */
function notVerified(row: DomainRow, check: Exclude<TxtCheck, { outcome: 'found' }>): Conflict {
  const publish = `Publish a TXT record named ${row.domain} with the value ${txtValueOf(row)} at your DNS provider`;
  if (check.outcome === 'unavailable') {
    return new Conflict(`Could not check the DNS of ${row.domain}: ${check.reason}. ${row.domain} stays pending; try again later.`, { code: 'dns_unavailable' });
  }
  if (check.records === 0) {
    return new Conflict(`${row.domain} has no TXT record yet. ${publish}; DNS changes can take a while to appear, then verify again.`, { code: 'txt_missing' });
  }
  const hint = check.ourPrefixWithOtherValue ? ' One of them is a Switchboard verification value of another attempt or organization.' : '';
  return new Conflict(`${row.domain} has ${check.records} TXT record${check.records === 1 ? '' : 's'}, but none is ${txtValueOf(row)}.${hint} ${publish}, then verify again.`, {
    code: 'txt_mismatch',
  });
}

/**
 * Marks a pending domain verified once its TXT record holds our value; for a verified domain whose
 * record went missing at a re-check, checks again now and clears the warning when it is back. The
 * lookup runs outside any transaction (it may take seconds); the write then re-reads the row under
 * a lock, and the unique index on verified domains settles a race between tenants.
 */
export async function verifyLoginDomain(deps: VerifyDeps, actor: Actor, id: string): Promise<LoginDomain> {
  const row = await findDomain(deps.db, actor.tenantId, id, false);
  const recheck = row.status === 'verified' && row.record_missing_since !== null;
  if (row.status !== 'pending' && !recheck) throw new Conflict(`${row.domain} is ${row.status}; only a pending domain can be verified.`);
  if (!recheck && (await verifiedElsewhere(deps.db, actor.tenantId, row.domain))) throw new Conflict(takenMessage(row.domain), { code: 'verified_elsewhere' });
  const check = await deps.txt.check(row.domain, txtValueOf(row));
  if (check.outcome !== 'found') throw notVerified(row, check);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const current = await findDomain(trx, actor.tenantId, id, true);
      if (current.status !== row.status || current.verification_token !== row.verification_token) {
        throw new Conflict(`${row.domain} changed while it was being verified; reload and try again.`);
      }
      const now = new Date();
      if (!recheck) return update(trx, actor, current, { status: 'verified', verified_at: now, last_checked_at: now, record_missing_since: null }, 'msp_sso_domain.verified');
      await resolveNotifications(trx, actor.tenantId, recordMissingKey(id));
      return update(trx, actor, current, { last_checked_at: now, record_missing_since: null }, 'msp_sso_domain.txt_record_restored');
    });
  } catch (err) {
    if (isUniqueViolation(err, VERIFIED_INDEX)) throw new Conflict(takenMessage(row.domain), { code: 'verified_elsewhere' });
    throw err;
  }
}

/**
 * Disables a domain. While it requires Microsoft sign-in this is refused (409 `sso_required`) unless
 * `confirm`: then the requirement is turned off first and its users go back to passwords.
 */
export async function disableLoginDomain(trx: Db, actor: Actor, id: string, options: { confirm?: boolean } = {}): Promise<LoginDomain> {
  const row = await findDomain(trx, actor.tenantId, id, true);
  if (row.status === 'disabled') return toLoginDomain(row);
  if (row.sso_required) {
    if (!options.confirm) {
      throw new Conflict(
        `Microsoft sign-in is required for ${row.domain}. Disabling the domain turns Microsoft sign-in off for it: its users must then sign in with their Switchboard password.`,
        { code: 'sso_required', domains: [row.domain] },
      );
    }
    await turnOffRequirementOnConfirm(trx, actor, [row], { reason: 'domain_disabled', before: `${row.domain} was disabled` });
  }
  return update(trx, actor, row, { status: 'disabled', sso_required: false }, 'msp_sso_domain.disabled');
}

export async function setSsoRequired(trx: Transaction<Database>, actor: Actor, id: string, required: boolean): Promise<LoginDomain> {
  // Before the domain's lock: a concurrent clear of the binding takes the binding, then the domains.
  if (required) await assertMspSsoReady(trx, actor.tenantId);
  const row = await findDomain(trx, actor.tenantId, id, true);
  if (required && row.status !== 'verified') throw new Conflict(`Verify ${row.domain} before requiring Microsoft sign-in for it.`);
  if (required && row.record_missing_since) {
    throw new Conflict(`The TXT record of ${row.domain} was missing at the last check. Publish it again and check the domain, then require Microsoft sign-in.`, { code: 'txt_missing' });
  }
  return update(trx, actor, row, { sso_required: required }, 'msp_sso_domain.sso_required_set', { ssoRequired: required });
}

async function update(
  trx: Db,
  actor: Actor,
  row: DomainRow,
  set: { status?: 'verified' | 'disabled'; verified_at?: Date; sso_required?: boolean; last_checked_at?: Date; record_missing_since?: Date | null },
  action: string,
  details: Record<string, unknown> = {},
) {
  const updated = await forTenant(trx, actor.tenantId)
    .updateTable('msp_sso_login_domains')
    .set({ ...set, updated_at: sql`now()` })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit(actor, action, row.id, { domain: row.domain, ...details }));
  return toLoginDomain(updated);
}

const audit = (actor: Actor, action: string, id: string, details: Record<string, unknown>) => ({
  tenantId: actor.tenantId,
  actorUserId: actor.userId,
  action,
  targetType: 'msp_sso_domain',
  targetId: id,
  details,
});
