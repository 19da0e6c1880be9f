// PSA clients: the MSP's customers, with the email domains they own.
import { sql, type Selectable } from 'kysely';
import type { ClientsTable } from '@switchboard/db';
import { containsPattern, forTenant, type Db } from '../tenancy.js';
import { Conflict, NotFound } from '../errors.js';
import { isForeignKeyViolation } from '../database-errors.js';
import type { ClientInput, ClientListQuery, ClientPatch } from '../schemas/clients.js';

export const toClient = (row: Selectable<ClientsTable>) => ({
  id: row.id,
  name: row.name,
  domains: row.domains,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function listClients(db: Db, tenantId: string, q: ClientListQuery) {
  let base = forTenant(db, tenantId).selectFrom('clients');
  if (q.search) {
    const like = containsPattern(q.search);
    base = base.where((eb) => eb.or([eb('name', 'ilike', like), sql<boolean>`array_to_string(domains, ' ') ilike ${like}`]));
  }
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy(sql`lower(name)`).orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toClient), total: Number(count.n) };
}

export async function getClient(db: Db, tenantId: string, id: string) {
  const row = await forTenant(db, tenantId).selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Client');
  return toClient(row);
}

export async function createClient(db: Db, tenantId: string, input: ClientInput) {
  const row = await forTenant(db, tenantId)
    .insertInto('clients', { name: input.name, domains: input.domains })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toClient(row);
}

export async function updateClient(db: Db, tenantId: string, id: string, patch: ClientPatch) {
  const row = await forTenant(db, tenantId)
    .updateTable('clients')
    .set({ ...patch, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFound('Client');
  return toClient(row);
}

/**
 * For `.catch()` on a write naming a client: its foreign-key failure becomes a readable 409. The
 * writer checked the client first (an unknown id is a 400), so this is a delete committed since.
 */
export function rethrowClientDeleted(err: unknown): never {
  if (isForeignKeyViolation(err, 'users_tenant_id_client_id_fkey') || isForeignKeyViolation(err, 'contacts_tenant_id_client_id_fkey')) {
    throw new Conflict('This client was deleted.');
  }
  throw err;
}

export async function deleteClient(db: Db, tenantId: string, id: string) {
  // One statement: portal users reference the client without a cascade (deleting people is never
  // a side effect), so the foreign key refuses the delete while any exist, including one created
  // by a request still in flight; a check before the delete could not see that one.
  const res = await forTenant(db, tenantId)
    .deleteFrom('clients')
    .where('id', '=', id)
    .executeTakeFirst()
    .catch((err: unknown) => {
      if (isForeignKeyViolation(err, 'users_tenant_id_client_id_fkey')) {
        throw new Conflict('This client still has client-portal users. Remove or move them before deleting the client.');
      }
      throw err;
    });
  if (res.numDeletedRows === 0n) throw new NotFound('Client');
}
