import t from 'tap';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, seedTenant } from '@switchboard/testing';
import { createSecretStore } from './secrets.js';
import { keyringFromEnv, loadOrCreateKeyFile } from './keyring.js';
import { rotateSecretKey } from './key-rotation.js';

const database = await createTestDatabase();
t.teardown(database.close);
const { db } = database;
const a = await seedTenant(db, 'sa');
const b = await seedTenant(db, 'sb');

t.test('a secret round-trips and is stored encrypted with the current key id', async (t) => {
  const ring = keyringFromEnv(randomBytes(32).toString('base64'));
  const store = createSecretStore(ring);
  const value = 'client-secret-value-1234567890';
  await store.put(db, a.tenantId, 'test:roundtrip', value);
  t.equal(await store.get(db, a.tenantId, 'test:roundtrip'), value);
  t.equal(await store.has(db, a.tenantId, 'test:roundtrip'), true);
  const row = await db.selectFrom('tenant_secrets').selectAll().where('name', '=', 'test:roundtrip').executeTakeFirstOrThrow();
  t.equal(row.key_id, ring.currentKeyId);
  t.notOk(row.ciphertext.toString('utf8').includes(value), 'ciphertext does not contain the value');
  t.equal(row.iv.length, 12);
  t.equal(row.auth_tag.length, 16);
});

t.test('put replaces the value; delete removes it', async (t) => {
  const store = createSecretStore(keyringFromEnv(randomBytes(32).toString('base64')));
  await store.put(db, a.tenantId, 'test:replace', 'first');
  await store.put(db, a.tenantId, 'test:replace', 'second');
  t.equal(await store.get(db, a.tenantId, 'test:replace'), 'second');
  await store.delete(db, a.tenantId, 'test:replace');
  t.equal(await store.get(db, a.tenantId, 'test:replace'), null);
  t.equal(await store.has(db, a.tenantId, 'test:replace'), false);
});

t.test('secrets are per tenant, and a ciphertext moved to another tenant does not decrypt', async (t) => {
  const store = createSecretStore(keyringFromEnv(randomBytes(32).toString('base64')));
  await store.put(db, a.tenantId, 'test:isolated', 'tenant-a-only');
  t.equal(await store.get(db, b.tenantId, 'test:isolated'), null);
  const row = await db.selectFrom('tenant_secrets').selectAll().where('tenant_id', '=', a.tenantId).where('name', '=', 'test:isolated').executeTakeFirstOrThrow();
  await db.insertInto('tenant_secrets').values({ ...row, tenant_id: b.tenantId }).execute();
  await t.rejects(store.get(db, b.tenantId, 'test:isolated'));
});

t.test('a value under an unknown key fails with a message naming the key, not the value', async (t) => {
  const store = createSecretStore(keyringFromEnv(randomBytes(32).toString('base64')));
  await store.put(db, a.tenantId, 'test:lost-key', 'precious');
  const other = createSecretStore(keyringFromEnv(randomBytes(32).toString('base64')));
  const err = await other.get(db, a.tenantId, 'test:lost-key').catch((e: Error) => e);
  t.match((err as Error).message, /encrypted with key k[0-9a-f]{12}, which is not configured/);
  t.notMatch((err as Error).message, /precious/);
});

t.test('the key file is created once with mode 0600 and reused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-keys-'));
  const file = join(dir, 'nested', 'secret.key');
  const first = loadOrCreateKeyFile(file);
  t.equal(statSync(file).mode & 0o777, 0o600);
  const second = loadOrCreateKeyFile(file);
  t.equal(second.currentKeyId, first.currentKeyId);
  t.same(second.keys.get(second.currentKeyId), first.keys.get(first.currentKeyId));
});

t.test('rotating the key file re-encrypts every secret and drops the old key', async (t) => {
  const fresh = await createTestDatabase();
  t.teardown(fresh.close);
  const tenant = await seedTenant(fresh.db, 'rot');
  const file = join(mkdtempSync(join(tmpdir(), 'sb-rot-')), 'secret.key');
  const before = loadOrCreateKeyFile(file);
  const store = createSecretStore(before);
  for (let i = 0; i < 5; i++) await store.put(fresh.db, tenant.tenantId, `test:rot:${i}`, `value-${i}`);

  const result = await rotateSecretKey(fresh.db, before, file);
  t.equal(result.reencrypted, 5);
  t.not(result.currentKeyId, before.currentKeyId);
  t.same(result.removedKeyIds, [before.currentKeyId]);
  t.same(result.keysStillInUse, []);

  const after = loadOrCreateKeyFile(file);
  t.equal(after.currentKeyId, result.currentKeyId);
  t.same([...after.keys.keys()], [result.currentKeyId]);
  t.equal(statSync(file).mode & 0o777, 0o600);
  t.notOk(readFileSync(file, 'utf8').includes(before.keys.get(before.currentKeyId)!.toString('base64')));
  const rows = await fresh.db.selectFrom('tenant_secrets').select('key_id').execute();
  t.same([...new Set(rows.map((r) => r.key_id))], [result.currentKeyId]);
  const reader = createSecretStore(after);
  for (let i = 0; i < 5; i++) t.equal(await reader.get(fresh.db, tenant.tenantId, `test:rot:${i}`), `value-${i}`);
});

t.test('with env keys, rotation re-encrypts under the new key using the previous one to read', async (t) => {
  const fresh = await createTestDatabase();
  t.teardown(fresh.close);
  const tenant = await seedTenant(fresh.db, 'envrot');
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  await createSecretStore(keyringFromEnv(oldKey)).put(fresh.db, tenant.tenantId, 'test:env', 'env-value');
  const ring = keyringFromEnv(newKey, [oldKey]);
  const result = await rotateSecretKey(fresh.db, ring);
  t.equal(result.reencrypted, 1);
  t.equal(await createSecretStore(keyringFromEnv(newKey)).get(fresh.db, tenant.tenantId, 'test:env'), 'env-value');
});
