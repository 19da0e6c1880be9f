// Password sign-in: one generic refusal for unknown email, wrong password or disabled user.
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { Unauthorized } from '../errors.js';
import { verifyPassword } from './passwords.js';
import { recordAudit } from './audit.js';

export async function verifyLogin(db: Db, email: string, password: string) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'tenant_id', 'password_hash', 'is_active'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? null, password);
  if (!user || !ok || !user.is_active) {
    if (user) {
      await recordAudit(db, { tenantId: user.tenant_id, actorUserId: user.id, action: 'auth.login_failed', targetType: 'user', targetId: user.id });
    }
    throw new Unauthorized('Email or password is incorrect.');
  }
  return { userId: user.id, tenantId: user.tenant_id };
}
