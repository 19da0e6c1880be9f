// Password sign-in: one generic refusal for unknown email, wrong password or disabled user, each
// costing one password verify (see passwords.ts). MSP staff whose login domain requires Microsoft
// sign-in are told so, only after the password checked out.
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { Forbidden, Unauthorized } from '../errors.js';
import type { verifyPassword } from './passwords.js';

export interface LoginDeps {
  db: Db;
  verifyPassword: typeof verifyPassword;
}

/**
 * The refusal. `account` is the existing account the attempt named, for the caller to audit once
 * the reply is sent: an audit write before replying would make a real account's refusal slower.
 */
export class LoginRefused extends Unauthorized {
  constructor(readonly account: { tenantId: string; userId: string } | null) {
    super('Email or password is incorrect.');
  }
}

export async function verifyLogin(deps: LoginDeps, email: string, password: string) {
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'tenant_id', 'password_hash', 'is_active', 'user_type'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  // Always exactly one verify, before looking at anything else about the account.
  const ok = await deps.verifyPassword(user?.password_hash ?? null, password);
  if (!user || !ok || !user.is_active) {
    throw new LoginRefused(user ? { tenantId: user.tenant_id, userId: user.id } : null);
  }
  if (user.user_type === 'internal' && (await ssoRequired(deps.db, user.tenant_id, email))) {
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
