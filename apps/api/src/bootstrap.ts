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

/**
 * Start-up's first-admin step. On an empty database it creates the admin and prints the address
 * (and a generated password, once) to the terminal, never to the structured log. On an install
 * that already has users, SWITCHBOARD_ADMIN_* would otherwise be silently ignored: one warning says
 * so and names the break-glass command.
 */
export async function firstAdminAtStart(
  db: Db,
  settings: { email?: string; password?: string },
  out: { warn(message: string): void; print(line: string): void },
): Promise<void> {
  const admin = await ensureFirstAdmin(db, settings);
  if (admin) {
    out.print(`\nCreated the first admin: ${admin.email}`);
    if (admin.generatedPassword) out.print(`Password (shown once, change it after signing in): ${admin.generatedPassword}\n`);
    return;
  }
  const set = [settings.email && 'SWITCHBOARD_ADMIN_EMAIL', settings.password && 'SWITCHBOARD_ADMIN_PASSWORD'].filter(Boolean);
  if (set.length === 0) return;
  out.warn(
    `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} used only on the first start, to create the first admin; this install already has users, so nothing was changed. ` +
      `To set a user's password, run: npm run reset-password -- ${settings.email ?? '<email>'}`,
  );
}
