// Settings → Feature flags: every declared flag with what it does, its default and this tenant's
// value; admins change it for their tenant (audited), settings viewers only read, others are refused.
import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import { FEATURE_FLAGS } from '../services/feature-flags.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'flags-a');
const tenantB = await seedTenant(db, 'flags-b');
const admin = await signIn(app, tenantA.admin.email);

t.test('the list has every declared flag, in order, with a title, a description of what it does, its default and the tenant value', async (t) => {
  const res = await admin.request('GET', '/api/feature-flags');
  t.equal(res.statusCode, 200);
  const items = res.json().items as { key: string; title: string; description: string; edition: string; dependsOn: string[]; enabled: boolean; defaultEnabled: boolean; tenantOverride: boolean | null }[];
  t.same(
    items.map((f) => f.key),
    FEATURE_FLAGS.map((f) => f.key),
  );
  for (const flag of items) {
    t.ok(flag.title.length > 5, `${flag.key} has a title`);
    t.ok(flag.description.length > 60, `${flag.key} says what it does`);
    t.match(flag, { edition: 'ee', enabled: false, defaultEnabled: false, tenantOverride: null });
  }
  t.same(items.find((f) => f.key === 'entra-integration-cipp')!.dependsOn, ['entra-integration-ui']);
});

t.test('an admin turns a flag on and back to the default for the own tenant only; each change is audited', async (t) => {
  const on = await admin.request('PUT', '/api/feature-flags/entra-integration-cipp', { enabled: true });
  t.equal(on.statusCode, 200);
  t.match(on.json(), { key: 'entra-integration-cipp', title: 'CIPP as an Entra connection', enabled: true, defaultEnabled: false, tenantOverride: true });
  const listed = (await admin.request('GET', '/api/feature-flags')).json().items.find((f: { key: string }) => f.key === 'entra-integration-cipp');
  t.match(listed, { enabled: true, tenantOverride: true }, 'the list shows the saved value');

  const otherAdmin = await signIn(app, tenantB.admin.email);
  const other = (await otherAdmin.request('GET', '/api/feature-flags')).json().items.find((f: { key: string }) => f.key === 'entra-integration-cipp');
  t.match(other, { enabled: false, tenantOverride: null }, 'another tenant is untouched');

  const back = await admin.request('PUT', '/api/feature-flags/entra-integration-cipp', { enabled: null });
  t.match(back.json(), { enabled: false, tenantOverride: null });

  const audit = await db
    .selectFrom('audit_log')
    .select(['actor_user_id', 'details'])
    .where('tenant_id', '=', tenantA.tenantId)
    .where('action', '=', 'feature_flag.set')
    .where('target_id', '=', 'entra-integration-cipp')
    .orderBy('id')
    .execute();
  t.same(audit, [
    { actor_user_id: tenantA.admin.id, details: { enabled: true, effective: true } },
    { actor_user_id: tenantA.admin.id, details: { enabled: null, effective: false } },
  ]);
});

t.test('an override wins over the default, and "default" follows it', async (t) => {
  await db.updateTable('feature_flags').set({ default_enabled: true }).where('key', '=', 'entra-integration-field-sync').execute();
  t.teardown(() => db.updateTable('feature_flags').set({ default_enabled: false }).where('key', '=', 'entra-integration-field-sync').execute());
  const off = await admin.request('PUT', '/api/feature-flags/entra-integration-field-sync', { enabled: false });
  t.match(off.json(), { enabled: false, defaultEnabled: true, tenantOverride: false });
  const followed = await admin.request('PUT', '/api/feature-flags/entra-integration-field-sync', { enabled: null });
  t.match(followed.json(), { enabled: true, defaultEnabled: true, tenantOverride: null });
});

t.test('an unknown flag or a value other than true, false or null is a 400 that says why, and changes nothing', async (t) => {
  const before = await db.selectFrom('feature_flag_tenants').selectAll().where('tenant_id', '=', tenantA.tenantId).execute();
  const unknown = await admin.request('PUT', '/api/feature-flags/no-such-flag', { enabled: true });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().code, 'unknown_flag');
  t.match(unknown.json().message, /^There is no feature flag "no-such-flag"\. Flags: entra-integration-ui, /);
  // A row an older version left in the table is not a flag the code knows.
  await db.insertInto('feature_flags').values({ key: 'retired-flag', description: 'gone', default_enabled: false }).execute();
  t.teardown(() => db.deleteFrom('feature_flags').where('key', '=', 'retired-flag').execute());
  t.equal((await admin.request('PUT', '/api/feature-flags/retired-flag', { enabled: true })).statusCode, 400);
  t.notOk(
    (await admin.request('GET', '/api/feature-flags')).json().items.some((f: { key: string }) => f.key === 'retired-flag'),
    'and it is not listed',
  );

  const bad = await admin.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: 'yes' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /enabled/);
  t.equal((await admin.request('PUT', '/api/feature-flags/Bad Key', { enabled: true })).statusCode, 400);
  t.same(await db.selectFrom('feature_flag_tenants').selectAll().where('tenant_id', '=', tenantA.tenantId).execute(), before);
});

t.test('a settings viewer reads the flags but may not change them; technicians and the client portal get 403', async (t) => {
  const viewer = await signIn(app, tenantA.viewer.email);
  t.equal((await viewer.request('GET', '/api/feature-flags')).statusCode, 200);
  const change = await viewer.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: true });
  t.equal(change.statusCode, 403);
  t.equal(change.json().message, 'You need the system_settings.update permission to do this.');
  for (const email of [tenantA.technician.email, tenantA.clientUser.email]) {
    const s = await signIn(app, email);
    t.equal((await s.request('GET', '/api/feature-flags')).statusCode, 403, `${email} may not read`);
    t.equal((await s.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: true })).statusCode, 403, `${email} may not change`);
  }
  const stored = await db.selectFrom('feature_flag_tenants').select('enabled').where('tenant_id', '=', tenantA.tenantId).where('flag_key', '=', 'entra-integration-ui').executeTakeFirst();
  t.equal(stored, undefined, 'nothing was stored');
});
