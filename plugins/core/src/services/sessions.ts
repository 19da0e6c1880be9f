// Sessions live in the database; the browser holds only a random token in a signed httpOnly
// cookie, and the table stores its SHA-256, so a database leak does not leak live sessions.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import type { Permission } from '../permissions.js';
import type { UserType } from '@switchboard/db';

export interface SessionUser {
  sessionId: string;
  tenantId: string;
  userId: string;
  email: string;
  displayName: string;
  userType: UserType;
  clientId: string | null;
  permissions: Permission[];
  csrfToken: string;
  expiresAt: Date;
  lastSeenAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A session's id: the SHA-256 of its token. */
export const sessionIdOf = hashToken;

export async function createSession(db: Db, tenantId: string, userId: string, ttlMs: number) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db
    .insertInto('sessions')
    .values({ id: hashToken(token), tenant_id: tenantId, user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  return { token, csrfToken, expiresAt };
}

export type SessionLookup = { status: 'valid'; user: SessionUser } | { status: 'expired' } | { status: 'missing' };

/** One query: the session, its active user and the user's permissions. */
export async function findSession(db: Db, token: string): Promise<SessionLookup> {
  return findSessionById(db, hashToken(token));
}

export async function findSessionById(db: Db, sessionId: string): Promise<SessionLookup> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.id', '=', 's.user_id').onRef('u.tenant_id', '=', 's.tenant_id'))
    .select([
      's.id',
      's.tenant_id',
      's.user_id',
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      'u.email',
      'u.display_name',
      'u.user_type',
      'u.client_id',
      'u.is_active',
      sql<string[]>`array(select distinct unnest(r.permissions) from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id and ur.tenant_id = u.tenant_id)`.as(
        'permissions',
      ),
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row || !row.is_active) return { status: 'missing' };
  if (row.expires_at.getTime() <= Date.now()) return { status: 'expired' };
  return {
    status: 'valid',
    user: {
      sessionId: row.id,
      tenantId: row.tenant_id,
      userId: row.user_id,
      email: row.email,
      displayName: row.display_name,
      userType: row.user_type,
      clientId: row.client_id,
      permissions: row.permissions as Permission[],
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
      lastSeenAt: row.last_seen_at,
    },
  };
}

/** Sliding expiry; callers write it at most once a minute per session so reads stay reads. */
export async function touchSession(db: Db, sessionId: string, ttlMs: number): Promise<Date> {
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.updateTable('sessions').set({ last_seen_at: sql`now()`, expires_at: expiresAt }).where('id', '=', sessionId).execute();
  return expiresAt;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/**
 * Ends a user's sessions at once (deactivation, a new password), all of them or all but the one
 * making the change. Returns how many ended.
 */
export async function endSessionsOfUser(db: Db, who: { tenantId: string; userId: string; exceptSessionId?: string }): Promise<number> {
  let q = db.deleteFrom('sessions').where('tenant_id', '=', who.tenantId).where('user_id', '=', who.userId);
  if (who.exceptSessionId) q = q.where('id', '<>', who.exceptSessionId);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const res = await db.deleteFrom('sessions').where('expires_at', '<', new Date()).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
