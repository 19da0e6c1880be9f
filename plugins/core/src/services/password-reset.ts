// Single-use links to set a password: an admin's reset link (24 h) or a new user's invitation
// (7 days). The link carries 32 random bytes and only their SHA-256 is stored, so a database leak
// leaks no usable link. Issuing a link retires the user's earlier unused ones, and redeeming is one
// UPDATE, so two concurrent uses of one link give exactly one success.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { forTenant } from '../tenancy.js';
import { BadRequest, NotFound } from '../errors.js';
import { recordAudit } from './audit.js';
import { assertStrongPassword, generatePassword, hashPassword } from './passwords.js';
import { endSessionsOfUser } from './sessions.js';

export const RESET_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const LINK_EXPIRED = 'This link has expired or was already used. Ask an admin for a new one.';

export type PasswordLinkPurpose = 'reset' | 'invitation';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The page that takes the token; the same page sets a first password and resets one. */
export const passwordLinkUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;

/**
 * Issues a link for the user, retiring their earlier unused links, and audits it. The token is
 * returned once, for the caller to show to the admin; nothing else keeps it.
 */
export async function issuePasswordLink(
  trx: Db,
  link: { tenantId: string; userId: string; issuedBy: string | null; purpose: PasswordLinkPurpose },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + (link.purpose === 'invitation' ? INVITATION_TTL_MS : RESET_LINK_TTL_MS));
  const scope = forTenant(trx, link.tenantId);
  await scope.deleteFrom('password_reset_tokens').where('user_id', '=', link.userId).where('used_at', 'is', null).execute();
  await scope
    .insertInto('password_reset_tokens', { user_id: link.userId, token_hash: hashToken(token), created_by: link.issuedBy, expires_at: expiresAt })
    .execute();
  await recordAudit(trx, {
    tenantId: link.tenantId,
    actorUserId: link.issuedBy,
    action: 'user.password_reset_issued',
    targetType: 'user',
    targetId: link.userId,
    details: { purpose: link.purpose, expiresAt: expiresAt.toISOString() },
  });
  return { token, expiresAt };
}

/** Retires every unused link of a user (on deactivation: a link must not outlive the account). */
export async function retirePasswordLinks(trx: Db, who: { tenantId: string; userId: string }): Promise<void> {
  await forTenant(trx, who.tenantId).deleteFrom('password_reset_tokens').where('user_id', '=', who.userId).where('used_at', 'is', null).execute();
}

/**
 * Sets the password a link was issued for and ends all the user's sessions. An expired, used or
 * unknown token gets the same 400; a weak password gets its 400 without using up the link.
 */
export async function redeemPasswordLink(db: Db, token: string, password: string, now = new Date()): Promise<{ tenantId: string; userId: string }> {
  const tokenHash = hashToken(token);
  const link = await db
    .selectFrom('password_reset_tokens as t')
    .innerJoin('users as u', (j) => j.onRef('u.id', '=', 't.user_id').onRef('u.tenant_id', '=', 't.tenant_id'))
    .select(['u.email', 'u.display_name'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', now)
    .executeTakeFirst();
  if (!link) throw new BadRequest(LINK_EXPIRED);
  assertStrongPassword(password, { email: link.email, displayName: link.display_name });
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('password_reset_tokens')
      .set({ used_at: sql`now()` })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['tenant_id', 'user_id'])
      .executeTakeFirst();
    if (!used) throw new BadRequest(LINK_EXPIRED);
    const who = { tenantId: used.tenant_id, userId: used.user_id };
    await forTenant(trx, who.tenantId).updateTable('users').set({ password_hash: passwordHash, updated_at: sql`now()` }).where('id', '=', who.userId).execute();
    const sessionsEnded = await endSessionsOfUser(trx, who);
    await recordAudit(trx, { ...who, actorUserId: who.userId, action: 'user.password_reset_used', targetType: 'user', targetId: who.userId, details: { sessionsEnded } });
    return who;
  });
}

/** The account the break-glass command reset, and the password to hand over (shown once). */
export interface OperatorReset {
  tenantId: string;
  tenantName: string;
  userId: string;
  email: string;
  isActive: boolean;
  password: string;
  sessionsEnded: number;
}

/**
 * Break-glass (`npm run reset-password`): someone with access to the server sets a generated
 * password for the user with this email, in any tenant. Their sessions and unused links end, and
 * the change is audited with no actor (it was not made by a signed-in user).
 */
export async function resetPasswordByOperator(trx: Db, email: string): Promise<OperatorReset> {
  const user = await trx
    .selectFrom('users as u')
    .innerJoin('tenants as t', 't.id', 'u.tenant_id')
    .select(['u.id', 'u.tenant_id', 'u.email', 'u.is_active', 't.name as tenant_name'])
    .where(sql`lower(u.email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!user) throw new NotFound(`User ${email.trim()}`);
  const who = { tenantId: user.tenant_id, userId: user.id };
  const password = generatePassword();
  await forTenant(trx, who.tenantId).updateTable('users').set({ password_hash: await hashPassword(password), updated_at: sql`now()` }).where('id', '=', who.userId).execute();
  await retirePasswordLinks(trx, who);
  const sessionsEnded = await endSessionsOfUser(trx, who);
  await recordAudit(trx, { ...who, actorUserId: null, action: 'user.password_reset_by_operator', targetType: 'user', targetId: who.userId, details: { via: 'npm run reset-password', sessionsEnded } });
  return { ...who, tenantName: user.tenant_name, email: user.email, isActive: user.is_active, password, sessionsEnded };
}
