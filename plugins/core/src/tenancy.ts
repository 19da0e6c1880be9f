// Tenant scoping: every query on a tenant-owned table starts here, so the tenant filter cannot be
// forgotten. `forTenant(db, tenantId).selectFrom('clients')` is `db.selectFrom('clients')` plus
// `where clients.tenant_id = tenantId`; inserts get tenant_id filled in.
import type { DeleteQueryBuilder, Insertable, Kysely, SelectQueryBuilder, UpdateQueryBuilder, DeleteResult, UpdateResult, InsertQueryBuilder, InsertResult } from 'kysely';
import type { Database, TenantTable } from '@switchboard/db';

export type Db = Kysely<Database>;

export interface TenantScope {
  readonly tenantId: string;
  selectFrom<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, {}>;
  updateTable<T extends TenantTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult>;
  deleteFrom<T extends TenantTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult>;
  insertInto<T extends TenantTable>(
    table: T,
    values: Omit<Insertable<Database[T]>, 'tenant_id'> | Omit<Insertable<Database[T]>, 'tenant_id'>[],
  ): InsertQueryBuilder<Database, T, InsertResult>;
}

export function forTenant(db: Db, tenantId: string): TenantScope {
  // Kysely cannot type a column reference on a generic table; the casts stay inside this helper.
  const any = db as Kysely<any>;
  return {
    tenantId,
    selectFrom: (table) => any.selectFrom(table as string).where(`${table as string}.tenant_id`, '=', tenantId) as any,
    updateTable: (table) => any.updateTable(table as string).where(`${table as string}.tenant_id`, '=', tenantId) as any,
    deleteFrom: (table) => any.deleteFrom(table as string).where(`${table as string}.tenant_id`, '=', tenantId) as any,
    insertInto: (table, values) =>
      any.insertInto(table).values(
        Array.isArray(values) ? values.map((v) => ({ ...v, tenant_id: tenantId })) : { ...values, tenant_id: tenantId },
      ) as any,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An ILIKE pattern matching `search` anywhere, with its own % and _ taken literally. */
export function containsPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, '\\$&')}%`;
}
