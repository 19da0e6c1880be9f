// Password sign-in: one generic refusal for unknown email, wrong password or disabled user, each
// costing one password verify (see passwords.ts). The sign-in policy (e.g. a login domain that
// requires Microsoft sign-in) is asked only after the password checked out, so a refusal by policy
// tells nothing to someone who does not know the password.
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { Forbidden, Unauthorized } from '../errors.js';
import type { verifyPassword } from './passwords.js';
import type { SignInPolicy } from './sign-in-policy.js';

export interface LoginDeps {
  db: Db;
  verifyPassword: typeof verifyPassword;
  signInPolicy: Pick<SignInPolicy, 'refusal'>;
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
  const refusal = await deps.signInPolicy.refusal(deps.db, { tenantId: user.tenant_id, userId: user.id, email: email.trim().toLowerCase(), userType: user.user_type });
  if (refusal) throw new Forbidden(refusal);
  return { userId: user.id, tenantId: user.tenant_id };
}
