// The periodic re-check of verified login domains (job microsoft.login-domain-recheck). A domain can
// change hands after it was verified; when its TXT record is definitively gone, Microsoft sign-in
// stops being *required* for it (so nobody is held to a sign-in path someone else may now control)
// and the tenant's admins are told. A lookup that fails (timeout, SERVFAIL) proves nothing and only
// logs. When the record is back, the warning and the notification clear.
// Grace: none past the first definitive miss (a failed lookup never counts). The requirement rests
// on the proof, and turning it off only lets users fall back to their password, so there is little
// to gain by waiting; it is not turned back on by itself (an admin checks again and decides).
// Runs every 6 hours (plugin.ts).
import { sql } from 'kysely';
import { forTenant, notifyAdmins, recordAudit, resolveNotifications, type Db } from '@switchboard/core';
import type { TxtVerifier } from './dns-verification.js';
import { recordMissingKey, txtValueOf } from './login-domains.js';

export interface RecheckDeps {
  db: Db;
  txt: TxtVerifier;
  log: { warn(obj: object, msg: string): void };
  now?: () => Date;
}

export interface RecheckResult {
  checked: number;
  missing: string[];
  restored: string[];
  unavailable: string[];
}

export async function recheckVerifiedDomains(deps: RecheckDeps): Promise<RecheckResult> {
  const result: RecheckResult = { checked: 0, missing: [], restored: [], unavailable: [] };
  const domains = await deps.db.selectFrom('msp_sso_login_domains').select(['id', 'tenant_id', 'domain', 'verification_token']).where('status', '=', 'verified').execute();
  for (const d of domains) {
    const check = await deps.txt.check(d.domain, txtValueOf(d));
    if (check.outcome === 'unavailable') {
      deps.log.warn({ domainId: d.id, domain: d.domain, reason: check.reason }, 'login domain re-check: DNS lookup failed; will try again at the next run');
      result.unavailable.push(d.domain);
      continue;
    }
    result.checked += 1;
    const outcome = await deps.db.transaction().execute((trx) => applyCheck(trx, deps, d, check.outcome === 'found'));
    if (outcome === 'missing') result.missing.push(d.domain);
    if (outcome === 'restored') result.restored.push(d.domain);
  }
  return result;
}

async function applyCheck(trx: Db, deps: RecheckDeps, d: { id: string; tenant_id: string; verification_token: string }, found: boolean) {
  const now = deps.now?.() ?? new Date();
  const row = await forTenant(trx, d.tenant_id).selectFrom('msp_sso_login_domains').selectAll().where('id', '=', d.id).forUpdate().executeTakeFirst();
  // Disabled or re-added since the lookup: this answer is about a record nobody relies on now.
  if (!row || row.status !== 'verified' || row.verification_token !== d.verification_token) return 'skipped';
  const scoped = forTenant(trx, d.tenant_id).updateTable('msp_sso_login_domains').where('id', '=', d.id);
  if (found) {
    await scoped.set({ last_checked_at: now, record_missing_since: null, updated_at: sql`now()` }).execute();
    if (!row.record_missing_since) return 'found';
    await resolveNotifications(trx, d.tenant_id, recordMissingKey(d.id));
    await recordAudit(trx, systemAudit(row, 'msp_sso_domain.txt_record_restored', {}));
    return 'restored';
  }
  await scoped.set({ last_checked_at: now, record_missing_since: row.record_missing_since ?? now, sso_required: false, updated_at: sql`now()` }).execute();
  const firstMiss = row.record_missing_since === null;
  if (firstMiss) await recordAudit(trx, systemAudit(row, 'msp_sso_domain.txt_record_missing', {}));
  // Also when an admin turned the requirement back on while the record is still missing.
  if (row.sso_required) await recordAudit(trx, systemAudit(row, 'msp_sso_domain.sso_required_set', { ssoRequired: false, reason: 'txt_record_missing' }));
  if (!firstMiss && !row.sso_required) return 'still_missing';
  await notifyAdmins(trx, d.tenant_id, {
    kind: 'msp_sso.domain_record_missing',
    severity: 'warning',
    title: `The DNS verification record of ${row.domain} is gone`,
    body: row.sso_required
      ? `The TXT record ${txtValueOf(row)} is no longer published for ${row.domain}, so Microsoft sign-in is no longer required for that domain: its users may sign in with their password again. Publish the record again and check the domain under Settings, then turn the requirement back on.`
      : `The TXT record ${txtValueOf(row)} is no longer published for ${row.domain}. Publish it again at your DNS provider and check the domain under Settings; until then Microsoft sign-in cannot be required for it.`,
    link: '/settings?category=providers',
    dedupeKey: recordMissingKey(d.id),
  });
  return firstMiss ? 'missing' : 'still_missing';
}

const systemAudit = (row: { tenant_id: string; id: string; domain: string }, action: string, details: Record<string, unknown>) => ({
  tenantId: row.tenant_id,
  actorUserId: null,
  action,
  targetType: 'msp_sso_domain',
  targetId: row.id,
  details: { domain: row.domain, ...details },
});
