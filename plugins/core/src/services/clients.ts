// PSA clients: the MSP's customers, with the email domains they own.
import { sql, type Expression, type RawBuilder, type Selectable } from 'kysely';
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

// Possible duplicates. Company names compare by a key that ignores case, accents, spacing,
// punctuation and trailing legal suffixes ("ACME, Inc." = "Acme Incorporated" = "acme"). The key is
// one SQL expression, applied to the typed name and to every client's name in the same query, so
// there is one definition of it and no client list is loaded into memory.
const LEGAL_SUFFIXES = [
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'plc', 'pty', 'gmbh',
  'mbh', 'ag', 'kg', 'se', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'bvba', 'nv', 'oy', 'oyj', 'ab', 'as', 'aps', 'pc', 'pllc',
];

/** `regexp_replace(text, pattern, replacement, 'g')` with PostgreSQL's regular expressions. */
const replaceAll = (text: Expression<string>, pattern: string, replacement: string) =>
  sql<string>`regexp_replace(${text}, ${sql.lit(pattern)}, ${sql.lit(replacement)}, 'g')`;

/** The comparable form of a company name, as SQL. */
export function companyNameKey(name: Expression<string>): RawBuilder<string> {
  const unaccented = replaceAll(sql<string>`lower(normalize(${name}, NFKD))`, String.raw`[\u0300-\u036f]`, '');
  // Dots and apostrophes go before words are split, so "B.V." is "bv" and "O'Neil" is "oneil".
  const joined = replaceAll(replaceAll(unaccented, '&', ' and '), `['’.]`, '');
  const words = sql<string>`btrim(${replaceAll(joined, '[^a-z0-9]+', ' ')})`;
  // Suffixes come off the end only, and never the whole name ("Co Op Foods" keeps its "Co").
  const withoutSuffixes = replaceAll(words, `^(.+?)(?: (?:${LEGAL_SUFFIXES.join('|')}))+$`, String.raw`\1`);
  return replaceAll(withoutSuffixes, ' ', '');
}

export interface SimilarClient {
  id: string;
  name: string;
  url: string;
  /** Why it looks the same: the name, and/or domains both claim. */
  sameName: boolean;
  sharedDomains: string[];
}

/**
 * Other clients of the tenant with the same name key or one of `domains`. On a change (`current`),
 * only what changes is compared: a name whose key stays the same and domains the client already
 * had were accepted before.
 */
export async function findSimilarClients(
  db: Db,
  tenantId: string,
  candidate: { name?: string; domains?: string[] },
  current?: { id: string; name: string; domains: string[] },
): Promise<SimilarClient[]> {
  const name = candidate.name;
  const domains = (candidate.domains ?? []).filter((d) => !current?.domains.includes(d));
  const key = name === undefined ? null : companyNameKey(sql.val(name));
  const nameChanges = key && (current ? sql<boolean>`${key} <> ${companyNameKey(sql.val(current.name))}` : sql<boolean>`true`);
  if (!nameChanges && domains.length === 0) return [];
  const sameName = nameChanges ? sql<boolean>`(${nameChanges} and ${key} <> '' and ${companyNameKey(sql.ref('name'))} = ${key})` : sql<boolean>`false`;
  const sharesDomain = domains.length ? sql<boolean>`domains && ${sql.val(domains)}::text[]` : sql<boolean>`false`;
  let query = forTenant(db, tenantId)
    .selectFrom('clients')
    .select(['id', 'name', 'domains', sameName.as('same_name')])
    .where(sql<boolean>`(${sameName} or ${sharesDomain})`);
  if (current) query = query.where('id', '<>', current.id);
  const rows = await query.orderBy('same_name', 'desc').orderBy(sql`lower(name)`).limit(5).execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    url: `/clients/${r.id}`,
    sameName: r.same_name,
    sharedDomains: r.domains.filter((d) => domains.includes(d)),
  }));
}

function whySimilar(c: SimilarClient): string {
  const reasons = [...(c.sameName ? ['same name'] : []), ...(c.sharedDomains.length ? [`also has ${c.sharedDomains.join(', ')}`] : [])];
  return `"${c.name}" (${reasons.join('; ')})`;
}

/**
 * Refuses a client that looks like an existing one (409 possible_duplicate naming them) unless the
 * admin confirmed; returns the ids it was confirmed past, for the audit.
 */
export async function refuseUnconfirmedDuplicateClient(
  db: Db,
  tenantId: string,
  candidate: { name?: string; domains?: string[] },
  options: { confirmed: boolean; current?: { id: string; name: string; domains: string[] } },
): Promise<string[]> {
  const similar = await findSimilarClients(db, tenantId, candidate, options.current);
  if (similar.length === 0 || options.confirmed) return similar.map((c) => c.id);
  const message =
    similar.length === 1
      ? `A client like this already exists: ${whySimilar(similar[0])}. Open it, or save this one anyway.`
      : `Clients like this already exist: ${similar.map(whySimilar).join(', ')}. Open one of them, or save this one anyway.`;
  throw new Conflict(message, { code: 'possible_duplicate', existing: similar.map(({ id, name, url }) => ({ id, name, url })) });
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
