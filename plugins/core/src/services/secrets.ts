// The tenant secret store: AES-256-GCM per value, the (tenant, name) pair bound in as associated
// data so a ciphertext cannot be moved to another tenant or name. Values never leave through
// responses or logs: callers get them only to use them (e.g. a token request).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import type { Keyring } from './keyring.js';

export interface SecretStore {
  put(db: Db, tenantId: string, name: string, value: string): Promise<void>;
  get(db: Db, tenantId: string, name: string): Promise<string | null>;
  has(db: Db, tenantId: string, name: string): Promise<boolean>;
  delete(db: Db, tenantId: string, name: string): Promise<void>;
  /** Re-encrypts every value not under the current key; returns how many rows changed. */
  reencryptAll(db: Db, batchSize?: number): Promise<number>;
  /** Key ids still used by stored values. */
  keyIdsInUse(db: Db): Promise<string[]>;
}

function aad(tenantId: string, name: string): Buffer {
  return Buffer.from(`${tenantId}\u0000${name}`, 'utf8');
}

export function createSecretStore(keyring: Keyring): SecretStore {
  const encrypt = (tenantId: string, name: string, value: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyring.keys.get(keyring.currentKeyId)!, iv);
    cipher.setAAD(aad(tenantId, name));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { key_id: keyring.currentKeyId, iv, ciphertext, auth_tag: cipher.getAuthTag() };
  };

  const decrypt = (row: { tenant_id: string; name: string; key_id: string; iv: Buffer; ciphertext: Buffer; auth_tag: Buffer }) => {
    const key = keyring.keys.get(row.key_id);
    // Never include the value or key material: only which key is missing.
    if (!key) throw new Error(`Secret ${row.name} is encrypted with key ${row.key_id}, which is not configured.`);
    const decipher = createDecipheriv('aes-256-gcm', key, row.iv);
    decipher.setAAD(aad(row.tenant_id, row.name));
    decipher.setAuthTag(row.auth_tag);
    return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
  };

  return {
    async put(db, tenantId, name, value) {
      const enc = encrypt(tenantId, name, value);
      await db
        .insertInto('tenant_secrets')
        .values({ tenant_id: tenantId, name, ...enc })
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ ...enc, updated_at: sql`now()` }))
        .execute();
    },
    async get(db, tenantId, name) {
      const row = await db
        .selectFrom('tenant_secrets')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row ? decrypt(row) : null;
    },
    async has(db, tenantId, name) {
      const row = await db
        .selectFrom('tenant_secrets')
        .select('name')
        .where('tenant_id', '=', tenantId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row !== undefined;
    },
    async delete(db, tenantId, name) {
      await db.deleteFrom('tenant_secrets').where('tenant_id', '=', tenantId).where('name', '=', name).execute();
    },
    async reencryptAll(db, batchSize = 200) {
      let changed = 0;
      for (;;) {
        const done = await db.transaction().execute(async (trx) => {
          const rows = await trx
            .selectFrom('tenant_secrets')
            .selectAll()
            .where('key_id', '<>', keyring.currentKeyId)
            .limit(batchSize)
            .forUpdate()
            .skipLocked()
            .execute();
          for (const row of rows) {
            const enc = encrypt(row.tenant_id, row.name, decrypt(row));
            await trx
              .updateTable('tenant_secrets')
              .set({ ...enc, updated_at: sql`now()` })
              .where('tenant_id', '=', row.tenant_id)
              .where('name', '=', row.name)
              .execute();
          }
          changed += rows.length;
          return rows.length < batchSize;
        });
        if (done) return changed;
      }
    },
    async keyIdsInUse(db) {
      const rows = await db.selectFrom('tenant_secrets').select('key_id').distinct().execute();
      return rows.map((r) => r.key_id);
    },
  };
}
