// Tenants and users: creating a tenant with its default roles and first admin, creating users,
// and reading what a signed-in user is allowed to do; an admin adding and changing users, with the
// one rule that cannot bend: the tenant keeps at least one active admin.
import { sql, type Transaction } from 'kysely';
import type { Db } from '../tenancy.js';
import { forTenant } from '../tenancy.js';
import { ADMIN_PERMISSION, DEFAULT_ROLES, type Permission, type RoleName } from '../permissions.js';
import { assertStrongPassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import type { Database, UserType } from '@switchboard/db';
import { recordAudit } from './audit.js';
import { issuePasswordLink, retirePasswordLinks } from './password-reset.js';
import { endSessionsOfUser } from './sessions.js';
import { rethrowClientDeleted } from './clients.js';

export const EMAIL_UNAVAILABLE = "This email address can't be used for a new user.";

export interface NewUser {
  email: string;
  displayName: string;
  userType: UserType;
  password?: string;
  clientId?: string | null;
  roleNames?: string[];
}

export async function createTenant(trx: Db, name: string): Promise<{ id: string }> {
  const tenant = await trx.insertInto('tenants').values({ name }).returning('id').executeTakeFirstOrThrow();
  await forTenant(trx, tenant.id)
    .insertInto('roles', DEFAULT_ROLES.map((r) => ({ name: r.name, permissions: r.permissions })))
    .execute();
  return tenant;
}

export async function createUser(trx: Db, tenantId: string, input: NewUser) {
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw BadRequest.field('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const scope = forTenant(trx, tenantId);
  if (input.userType === 'client') {
    if (!input.clientId) throw BadRequest.field('clientId', 'client-portal users must belong to a client');
    const client = await scope.selectFrom('clients').select('id').where('id', '=', input.clientId).executeTakeFirst();
    if (!client) throw BadRequest.field('clientId', 'no such client');
  }
  const email = input.email.trim().toLowerCase();
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  // The insert itself decides (one statement), so concurrent creates of one address end in one
  // user and 409s. An address is unique across tenants (sign-in is by email alone); the refusal is
  // the same answer by the same path whichever tenant holds it, so it does not say which one.
  const user = await scope
    .insertInto('users', {
      email,
      display_name: input.displayName,
      user_type: input.userType,
      client_id: input.userType === 'client' ? input.clientId! : null,
      password_hash: passwordHash,
    })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning(['id', 'email', 'display_name', 'user_type', 'client_id', 'is_active', 'created_at'])
    .executeTakeFirst()
    .catch(rethrowClientDeleted);
  if (!user) throw new Conflict(EMAIL_UNAVAILABLE);
  const roleNames = input.userType === 'client' ? [] : input.roleNames ?? [];
  if (roleNames.length > 0) {
    const roles = await scope.selectFrom('roles').select(['id', 'name']).where('name', 'in', roleNames).execute();
    const missing = roleNames.filter((n) => !roles.some((r) => r.name === n));
    if (missing.length) throw BadRequest.field('roles', `unknown role ${missing.join(', ')}`);
    await scope.insertInto('user_roles', roles.map((r) => ({ user_id: user.id, role_id: r.id }))).execute();
  }
  return user;
}

const roleNamesOfUser = sql<string[]>`array(select r.name from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = users.id and ur.tenant_id = users.tenant_id order by r.name)`;

/** The tenant's users, each with the names of their roles (none for client-portal users). */
export async function listUsers(db: Db, tenantId: string) {
  return forTenant(db, tenantId)
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'user_type', 'client_id', 'is_active', 'created_at', roleNamesOfUser.as('roles')])
    .orderBy('display_name')
    .orderBy('email')
    .execute();
}

export async function getUser(db: Db, tenantId: string, userId: string) {
  const user = await forTenant(db, tenantId)
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'user_type', 'client_id', 'is_active', 'created_at', roleNamesOfUser.as('roles')])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new NotFound('User');
  return user;
}

export type UserRecord = Awaited<ReturnType<typeof getUser>>;

export async function permissionsOf(db: Db, tenantId: string, userId: string): Promise<Permission[]> {
  const rows = await db
    .selectFrom('user_roles as ur')
    .innerJoin('roles as r', 'r.id', 'ur.role_id')
    .select('r.permissions')
    .where('ur.tenant_id', '=', tenantId)
    .where('ur.user_id', '=', userId)
    .execute();
  return [...new Set(rows.flatMap((r) => r.permissions))] as Permission[];
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const LAST_ADMIN_DEMOTION = 'This is the last active admin. Make another user an admin first, then change this role.';
export const LAST_ADMIN_DEACTIVATION = 'This is the last active admin and cannot be deactivated. Make another user an admin first.';
export const SELF_DEACTIVATION = 'You cannot deactivate your own account. Another admin can.';

interface Actor {
  tenantId: string;
  actorUserId: string;
}

export interface UserToAdd {
  email: string;
  displayName: string;
  userType: UserType;
  /** Internal users only; Technician when not given. */
  role?: RoleName;
  clientId?: string | null;
  /** Without one, the answer carries an invitation link for the user to set their own. */
  password?: string;
}

/** An admin adds a user: audited, and with an invitation link (token shown once) when no password was set. */
export async function addUser(trx: Db, actor: Actor, input: UserToAdd) {
  if (input.password !== undefined) assertStrongPassword(input.password, input);
  const role = input.userType === 'internal' ? input.role ?? 'Technician' : undefined;
  const user = await createUser(trx, actor.tenantId, { ...input, roleNames: role ? [role] : [] });
  await recordAudit(trx, { ...actor, action: 'user.created', targetType: 'user', targetId: user.id, details: { userType: user.user_type, role: role ?? null, clientId: user.client_id } });
  const invitation = input.password === undefined ? await issuePasswordLink(trx, { tenantId: actor.tenantId, userId: user.id, issuedBy: actor.actorUserId, purpose: 'invitation' }) : undefined;
  return { user: await getUser(trx, actor.tenantId, user.id), invitation };
}

export interface UserChange {
  displayName?: string;
  role?: RoleName;
  isActive?: boolean;
}

/**
 * Applies an admin's change to a user. Deactivation ends the user's sessions and unused links in
 * the same transaction. Losing the tenant's last active admin, by demotion or deactivation, is
 * refused with 409, also when two admins demote each other at the same moment (see lockActiveAdmins).
 */
export async function changeUser(trx: Transaction<Database>, actor: Actor, userId: string, change: UserChange): Promise<UserRecord> {
  const { tenantId } = actor;
  if (change.isActive === false && userId === actor.actorUserId) throw new Conflict(SELF_DEACTIVATION, { code: 'self_deactivation' });
  if (change.role !== undefined || change.isActive !== undefined) await lockActiveAdmins(trx, tenantId);
  const before = await forTenant(trx, tenantId)
    .selectFrom('users')
    .select(['id', 'user_type', 'is_active', 'display_name', roleNamesOfUser.as('roles')])
    .where('id', '=', userId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!before) throw new NotFound('User');
  if (change.role !== undefined && before.user_type !== 'internal') throw BadRequest.field('role', 'client-portal users have no role');

  const wasAdmin = before.is_active && (await isActiveAdmin(trx, tenantId, userId));
  const demoted = change.role !== undefined && !before.roles.includes(change.role) && !(await roleGrantsAdmin(trx, tenantId, change.role));
  const deactivated = change.isActive === false && before.is_active;
  if (wasAdmin && (demoted || deactivated) && (await activeAdmins(trx, tenantId).where('users.id', '<>', userId).execute()).length === 0) {
    throw new Conflict(deactivated ? LAST_ADMIN_DEACTIVATION : LAST_ADMIN_DEMOTION, { code: 'last_admin' });
  }

  const scope = forTenant(trx, tenantId);
  const audit = (action: string, details: Record<string, unknown>) => recordAudit(trx, { ...actor, action, targetType: 'user', targetId: userId, details });
  await scope
    .updateTable('users')
    .set({ display_name: change.displayName ?? before.display_name, is_active: change.isActive ?? before.is_active, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
  if (change.displayName !== undefined && change.displayName !== before.display_name) await audit('user.updated', { displayName: change.displayName });
  if (change.role !== undefined && (before.roles.length !== 1 || before.roles[0] !== change.role)) {
    const role = await scope.selectFrom('roles').select('id').where('name', '=', change.role).executeTakeFirstOrThrow();
    await scope.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    await scope.insertInto('user_roles', { user_id: userId, role_id: role.id }).execute();
    await audit('user.role_changed', { from: before.roles, to: change.role });
  }
  if (deactivated) {
    const sessionsEnded = await endSessionsOfUser(trx, { tenantId, userId });
    await retirePasswordLinks(trx, { tenantId, userId });
    await audit('user.deactivated', { sessionsEnded });
  }
  if (change.isActive === true && !before.is_active) await audit('user.reactivated', {});
  return getUser(trx, tenantId, userId);
}

export const NO_PASSWORD_YET = 'Your account has no password: you sign in with Microsoft. To set one, ask an admin for a reset link.';

/**
 * A signed-in user changes their own password. Their other sessions end (someone who knew the old
 * password may be using one); the session making the change stays.
 */
export async function changeOwnPassword(
  db: Db,
  who: { tenantId: string; userId: string; sessionId: string },
  passwords: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await forTenant(db, who.tenantId).selectFrom('users').select(['email', 'display_name', 'password_hash']).where('id', '=', who.userId).executeTakeFirst();
  if (!user) throw new NotFound('User');
  if (!user.password_hash) throw new BadRequest(NO_PASSWORD_YET, { fields: [{ field: 'currentPassword', message: NO_PASSWORD_YET }] });
  if (!(await verifyPassword(user.password_hash, passwords.currentPassword))) throw BadRequest.field('currentPassword', 'is not your current password');
  if (passwords.newPassword === passwords.currentPassword) throw BadRequest.field('newPassword', 'must be different from your current password');
  assertStrongPassword(passwords.newPassword, { email: user.email, displayName: user.display_name }, 'newPassword');
  const passwordHash = await hashPassword(passwords.newPassword);
  await db.transaction().execute(async (trx) => {
    await forTenant(trx, who.tenantId).updateTable('users').set({ password_hash: passwordHash, updated_at: sql`now()` }).where('id', '=', who.userId).execute();
    const sessionsEnded = await endSessionsOfUser(trx, { tenantId: who.tenantId, userId: who.userId, exceptSessionId: who.sessionId });
    await recordAudit(trx, { tenantId: who.tenantId, actorUserId: who.userId, action: 'user.password_changed', targetType: 'user', targetId: who.userId, details: { sessionsEnded } });
  });
}

const grantsAdmin = sql<boolean>`${ADMIN_PERMISSION} = any(roles.permissions)`;

/** Active internal users holding a role with the admin permission (a subquery, so only users rows are locked). */
function activeAdmins(db: Db, tenantId: string) {
  return forTenant(db, tenantId)
    .selectFrom('users')
    .select('users.id')
    .where('users.is_active', '=', true)
    .where('users.user_type', '=', 'internal')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('user_roles')
          .innerJoin('roles', 'roles.id', 'user_roles.role_id')
          .select(sql`1`.as('one'))
          .whereRef('user_roles.user_id', '=', 'users.id')
          .whereRef('user_roles.tenant_id', '=', 'users.tenant_id')
          .where(grantsAdmin),
      ),
    )
    .orderBy('users.id');
}

/**
 * Locks the tenant's active admins, in id order so two changes cannot deadlock. The caller's next
 * statement reads a fresh snapshot (READ COMMITTED) taken after any concurrent change that held
 * these locks has committed, so two admins demoting each other leave one admin. NO KEY UPDATE,
 * so sign-ins (which insert sessions referencing users) are not held up.
 */
async function lockActiveAdmins(trx: Transaction<Database>, tenantId: string): Promise<void> {
  await activeAdmins(trx, tenantId).forNoKeyUpdate().execute();
}

async function isActiveAdmin(db: Db, tenantId: string, userId: string): Promise<boolean> {
  return (await activeAdmins(db, tenantId).where('users.id', '=', userId).executeTakeFirst()) !== undefined;
}

async function roleGrantsAdmin(db: Db, tenantId: string, role: RoleName): Promise<boolean> {
  const row = await forTenant(db, tenantId).selectFrom('roles').select(grantsAdmin.as('admin')).where('name', '=', role).executeTakeFirst();
  if (!row) throw BadRequest.field('role', `unknown role ${role}`);
  return row.admin;
}
