// Tenants and users: creating a tenant with its default roles and first admin, creating users,
// and reading what a signed-in user is allowed to do.
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import { forTenant } from '../tenancy.js';
import { DEFAULT_ROLES, type Permission } from '../permissions.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import type { UserType } from '@switchboard/db';
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

export async function listUsers(db: Db, tenantId: string) {
  return forTenant(db, tenantId)
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'user_type', 'client_id', 'is_active', 'created_at'])
    .orderBy('display_name')
    .execute();
}

export async function getUser(db: Db, tenantId: string, userId: string) {
  const user = await forTenant(db, tenantId)
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'user_type', 'client_id', 'is_active', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new NotFound('User');
  return user;
}

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
