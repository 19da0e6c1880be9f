// Password sign-in: one generic refusal for unknown email, wrong password or disabled user. MSP
// staff whose login domain requires Microsoft sign-in are told so, only after the password checked out.
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { Forbidden, Unauthorized } from '../errors.js';
import { verifyPassword } from './passwords.js';
import { recordAudit } from './audit.js';

export async function verifyLogin(db: Db, email: string, password: string) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'tenant_id', 'password_hash', 'is_active', 'user_type'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? null, password);
  if (!user || !ok || !user.is_active) {
    if (user) {
      await recordAudit(db, { tenantId: user.tenant_id, actorUserId: user.id, action: 'auth.login_failed', targetType: 'user', targetId: user.id });
    }
    throw new Unauthorized('Email or password is incorrect.');
  }
  if (user.user_type === 'internal' && (await ssoRequired(db, user.tenant_id, email))) {
    throw new Forbidden('Your organization requires signing in with Microsoft for this address. Use "Sign in with Microsoft".');
  }
  return { userId: user.id, tenantId: user.tenant_id };
}

async function ssoRequired(db: Db, tenantId: string, email: string): Promise<boolean> {
  const domain = email.trim().toLowerCase().split('@')[1] ?? '';
  const row = await db
    .selectFrom('msp_sso_login_domains')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(sql`lower(domain)`, '=', domain)
    .where('status', '=', 'verified')
    .where('sso_required', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}
