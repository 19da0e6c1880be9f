// First run: when the database has no user, create a tenant and its first admin, from
// SWITCHBOARD_ADMIN_EMAIL/_PASSWORD or with a generated password printed once.
import { randomBytes } from 'node:crypto';
import { Conflict, countUsers, createTenant, createUser, type Db } from '@switchboard/core';

export interface FirstAdmin {
  email: string;
  /** Present only when generated here, so the caller can show it once. */
  generatedPassword?: string;
}

export async function ensureFirstAdmin(db: Db, opts: { email?: string; password?: string }): Promise<FirstAdmin | null> {
  if ((await countUsers(db)) > 0) return null;
  const email = opts.email ?? 'admin@switchboard.local';
  const generatedPassword = opts.password ? undefined : randomBytes(12).toString('base64url');
  try {
    await db.transaction().execute(async (trx) => {
      const tenant = await createTenant(trx, 'My MSP');
      await createUser(trx, tenant.id, {
        email,
        displayName: 'Administrator',
        userType: 'internal',
        password: opts.password ?? generatedPassword,
        roleNames: ['Admin'],
      });
    });
  } catch (err) {
    // Another process starting on the same empty database created the admin first; its tenant is
    // the one, and this process's transaction (tenant included) rolled back.
    if (err instanceof Conflict) return null;
    throw err;
  }
  return { email, generatedPassword };
}
