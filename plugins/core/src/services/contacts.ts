// PSA contacts: people at a client. Inactive contacts are kept, never deleted by sync.
import { sql, type Selectable } from 'kysely';
import type { ContactsTable } from '@switchboard/db';
import { containsPattern, forTenant, type Db } from '../tenancy.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { rethrowClientDeleted } from './clients.js';
import type { ContactInput, ContactListQuery, ContactPatch } from '../schemas/contacts.js';

export const toContact = (row: Selectable<ContactsTable>) => ({
  id: row.id,
  clientId: row.client_id,
  fullName: row.full_name,
  email: row.email,
  phone: row.phone,
  jobTitle: row.job_title,
  isInactive: row.is_inactive,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

async function assertClientExists(db: Db, tenantId: string, clientId: string) {
  const client = await forTenant(db, tenantId).selectFrom('clients').select('id').where('id', '=', clientId).executeTakeFirst();
  // The client id comes from the body, so it is a field error, not a missing resource.
  if (!client) throw BadRequest.field('clientId', 'no such client');
}

export async function listContacts(db: Db, tenantId: string, q: ContactListQuery) {
  let base = forTenant(db, tenantId).selectFrom('contacts');
  if (q.clientId) base = base.where('client_id', '=', q.clientId);
  if (!q.includeInactive) base = base.where('is_inactive', '=', false);
  if (q.search) {
    const like = containsPattern(q.search);
    base = base.where((eb) => eb.or([eb('full_name', 'ilike', like), eb('email', 'ilike', like)]));
  }
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy(sql`lower(full_name)`).orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toContact), total: Number(count.n) };
}

export async function getContact(db: Db, tenantId: string, id: string) {
  const row = await forTenant(db, tenantId).selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Contact');
  return toContact(row);
}

export async function createContact(db: Db, tenantId: string, input: ContactInput) {
  await assertClientExists(db, tenantId, input.clientId);
  const row = await forTenant(db, tenantId)
    .insertInto('contacts', {
      client_id: input.clientId,
      full_name: input.fullName,
      email: input.email ?? null,
      phone: input.phone ?? null,
      job_title: input.jobTitle ?? null,
      is_inactive: input.isInactive,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch(rethrowClientDeleted);
  return toContact(row);
}

export async function updateContact(db: Db, tenantId: string, id: string, patch: ContactPatch) {
  if (patch.clientId) await assertClientExists(db, tenantId, patch.clientId);
  const row = await forTenant(db, tenantId)
    .updateTable('contacts')
    .set({
      client_id: patch.clientId,
      full_name: patch.fullName,
      email: patch.email,
      phone: patch.phone,
      job_title: patch.jobTitle,
      is_inactive: patch.isInactive,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
    .catch(rethrowClientDeleted);
  if (!row) throw new NotFound('Contact');
  return toContact(row);
}

export interface SimilarContact {
  id: string;
  name: string;
  clientId: string;
  clientName: string;
  /** The contact list, searched for the email (there is no page per contact). */
  url: string;
}

/** Other contacts of the tenant with this email, whatever its case (served by contacts_tenant_email_idx). */
export async function findContactsWithEmail(db: Db, tenantId: string, email: string, exceptId?: string): Promise<SimilarContact[]> {
  let query = db
    .selectFrom('contacts as c')
    .innerJoin('clients as cl', (j) => j.onRef('cl.tenant_id', '=', 'c.tenant_id').onRef('cl.id', '=', 'c.client_id'))
    .select(['c.id', 'c.full_name', 'c.client_id', 'cl.name as client_name'])
    .where('c.tenant_id', '=', tenantId)
    .where(sql<string>`lower(c.email)`, '=', email.toLowerCase());
  if (exceptId) query = query.where('c.id', '<>', exceptId);
  const rows = await query.orderBy('c.is_inactive').orderBy(sql`lower(c.full_name)`).limit(5).execute();
  const url = `/contacts?${new URLSearchParams({ search: email, includeInactive: 'true' })}`;
  return rows.map((r) => ({ id: r.id, name: r.full_name, clientId: r.client_id, clientName: r.client_name, url }));
}

/**
 * Refuses a contact whose email another contact already uses (409 possible_duplicate naming them)
 * unless the admin confirmed; returns the ids it was confirmed past, for the audit. On a change
 * (`current`), only a new email is compared.
 */
export async function refuseUnconfirmedDuplicateContact(
  db: Db,
  tenantId: string,
  candidate: { email?: string | null },
  options: { confirmed: boolean; current?: { id: string; email: string | null } },
): Promise<string[]> {
  const email = candidate.email;
  if (!email || email.toLowerCase() === options.current?.email?.toLowerCase()) return [];
  const similar = await findContactsWithEmail(db, tenantId, email, options.current?.id);
  if (similar.length === 0 || options.confirmed) return similar.map((c) => c.id);
  const who = similar.map((c) => `${c.name} (${c.clientName})`).join(', ');
  const message = `${similar.length === 1 ? 'Another contact already uses' : 'Other contacts already use'} ${email}: ${who}. Open the existing contact, or save this one anyway.`;
  throw new Conflict(message, { code: 'possible_duplicate', existing: similar });
}

export async function deleteContact(db: Db, tenantId: string, id: string) {
  const res = await forTenant(db, tenantId).deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
  if (res.numDeletedRows === 0n) throw new NotFound('Contact');
}
