// MSP SSO login domains: the email domains a tenant claims for "Sign in with Microsoft".
// pending (added; the admin publishes a DNS TXT value) → verified → disabled. A domain is active
// (pending or verified) for one tenant only; a disabled one can be added again.
import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { MspSsoLoginDomainsTable } from '@switchboard/db';
import { Conflict, NotFound, forTenant, recordAudit, type Db } from '@switchboard/core';
import type { Actor } from '../services/profiles.js';

export const TXT_PREFIX = 'switchboard-domain-verification=';

export const toLoginDomain = (row: Selectable<MspSsoLoginDomainsTable>) => ({
  id: row.id,
  domain: row.domain,
  status: row.status,
  ssoRequired: row.sso_required,
  verification: { type: 'TXT' as const, name: row.domain, value: `${TXT_PREFIX}${row.verification_token}` },
  verifiedAt: row.verified_at?.toISOString() ?? null,
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

async function findDomain(trx: Db, tenantId: string, id: string) {
  const row = await forTenant(trx, tenantId).selectFrom('msp_sso_login_domains').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new NotFound('Login domain');
  return row;
}

export async function addLoginDomain(trx: Db, actor: Actor, domain: string): Promise<LoginDomain> {
  // The insert decides against the active-domain unique index in one statement, so of concurrent
  // claims one wins and the others get a 409, whichever tenants they come from.
  const row = await forTenant(trx, actor.tenantId)
    .insertInto('msp_sso_login_domains', { domain, verification_token: randomBytes(16).toString('hex'), created_by: actor.userId })
    .onConflict((oc) => oc.expression(sql`lower(domain)`).where(sql<boolean>`status <> 'disabled'`).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw await alreadyClaimed(trx, actor, domain);
  await recordAudit(trx, audit(actor, 'msp_sso_domain.added', row.id, { domain }));
  return toLoginDomain(row);
}

/** Why `domain` could not be added: it is active for this tenant or for another one. */
async function alreadyClaimed(trx: Db, actor: Actor, domain: string): Promise<Conflict> {
  const active = await trx
    .selectFrom('msp_sso_login_domains')
    .select('tenant_id')
    .where(sql`lower(domain)`, '=', domain)
    .where('status', '<>', 'disabled')
    .executeTakeFirst();
  if (active?.tenant_id === actor.tenantId) return new Conflict(`${domain} is already on your list.`);
  return new Conflict(`${domain} is already claimed for Microsoft sign-in by another organization. Contact support if it belongs to you.`);
}

/** Marks a pending domain verified (the admin confirmed the TXT record). */
export async function verifyLoginDomain(trx: Db, actor: Actor, id: string): Promise<LoginDomain> {
  const row = await findDomain(trx, actor.tenantId, id);
  if (row.status !== 'pending') throw new Conflict(`${row.domain} is ${row.status}; only a pending domain can be verified.`);
  return update(trx, actor, row, { status: 'verified', verified_at: new Date() }, 'msp_sso_domain.verified');
}

export async function disableLoginDomain(trx: Db, actor: Actor, id: string): Promise<LoginDomain> {
  const row = await findDomain(trx, actor.tenantId, id);
  if (row.status === 'disabled') return toLoginDomain(row);
  return update(trx, actor, row, { status: 'disabled', sso_required: false }, 'msp_sso_domain.disabled');
}

export async function setSsoRequired(trx: Db, actor: Actor, id: string, required: boolean): Promise<LoginDomain> {
  const row = await findDomain(trx, actor.tenantId, id);
  if (required && row.status !== 'verified') throw new Conflict(`Verify ${row.domain} before requiring Microsoft sign-in for it.`);
  return update(trx, actor, row, { sso_required: required }, 'msp_sso_domain.sso_required_set', { ssoRequired: required });
}

async function update(
  trx: Db,
  actor: Actor,
  row: Selectable<MspSsoLoginDomainsTable>,
  set: { status?: 'verified' | 'disabled'; verified_at?: Date; sso_required?: boolean },
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
