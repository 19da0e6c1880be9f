import t from 'tap';
import { buildTestApp, createTestDatabase, seedTenant } from '@switchboard/testing';
import type { Db } from '@switchboard/core';
import { materializeBindings } from './materialize.js';

const database = await createTestDatabase();
t.teardown(database.close);
const db: Db = database.db;

async function profile(tenantId: string, name: string, clientId: string, archived = false) {
  const row = await db
    .insertInto('microsoft_profiles')
    .values({ tenant_id: tenantId, display_name: name, client_id: clientId, is_archived: archived, archived_at: archived ? new Date() : null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const loginDomain = (tenantId: string, domain: string, status: 'pending' | 'verified' | 'disabled' = 'verified') =>
  db.insertInto('msp_sso_login_domains').values({ tenant_id: tenantId, domain, status, verification_token: 'sb-verify' }).execute();

const bindingOf = async (tenantId: string, consumer: 'msp_sso' | 'email' | 'calendar') =>
  (await db.selectFrom('microsoft_profile_consumer_bindings').select('profile_id').where('tenant_id', '=', tenantId).where('consumer', '=', consumer).executeTakeFirst())
    ?.profile_id ?? null;

const ALL = ['msp_sso', 'email', 'calendar', 'teams'] as const;
const outcomesFor = (results: Awaited<ReturnType<typeof materializeBindings>>, tenantId: string) =>
  Object.fromEntries(results.filter((r) => r.tenantId === tenantId).map((r) => [r.consumer, r.outcome]));

t.test('zero, one and two candidate profiles', async (t) => {
  const none = await seedTenant(db, 'mat-zero');
  await loginDomain(none.tenantId, 'zero.test');
  const one = await seedTenant(db, 'mat-one');
  await loginDomain(one.tenantId, 'one.test');
  const onlyProfile = await profile(one.tenantId, 'The only one', '10000000-0000-0000-0000-000000000001');
  await profile(one.tenantId, 'Archived', '10000000-0000-0000-0000-000000000002', true);
  const two = await seedTenant(db, 'mat-two');
  await loginDomain(two.tenantId, 'two.test', 'pending');
  await profile(two.tenantId, 'First', '20000000-0000-0000-0000-000000000001');
  await profile(two.tenantId, 'Second', '20000000-0000-0000-0000-000000000002');
  const quiet = await seedTenant(db, 'mat-quiet');
  await profile(quiet.tenantId, 'Unused', '30000000-0000-0000-0000-000000000001');

  const results = await materializeBindings(db, ALL);
  t.same(outcomesFor(results, none.tenantId), { msp_sso: 'no_candidate', email: 'no_signal', calendar: 'no_signal' });
  t.same(outcomesFor(results, one.tenantId), { msp_sso: 'bound', email: 'no_signal', calendar: 'no_signal' });
  t.same(outcomesFor(results, two.tenantId), { msp_sso: 'ambiguous', email: 'no_signal', calendar: 'no_signal' });
  t.same(outcomesFor(results, quiet.tenantId), { msp_sso: 'no_signal', email: 'no_signal', calendar: 'no_signal' }, 'a profile alone is not a signal');
  t.equal(await bindingOf(one.tenantId, 'msp_sso'), onlyProfile, 'the archived profile is not a candidate');
  t.equal(await bindingOf(none.tenantId, 'msp_sso'), null);
  t.equal(await bindingOf(two.tenantId, 'msp_sso'), null);
  t.equal(await bindingOf(quiet.tenantId, 'msp_sso'), null);
  const audit = await db.selectFrom('audit_log').select('action').where('tenant_id', '=', one.tenantId).where('target_type', '=', 'microsoft_binding').execute();
  t.same(audit.map((a) => a.action), ['microsoft_binding.materialized']);
});

t.test('the credentials the connections were authorized with pick the profile among several', async (t) => {
  const tenant = await seedTenant(db, 'mat-creds');
  const mail = await profile(tenant.tenantId, 'Mail app', '40000000-0000-0000-0000-0000000000aa');
  const cal = await profile(tenant.tenantId, 'Calendar app', '40000000-0000-0000-0000-0000000000bb');
  await db.insertInto('email_providers').values({ tenant_id: tenant.tenantId, provider_type: 'microsoft', mailbox: 'help@creds.test', authorized_client_id: '40000000-0000-0000-0000-0000000000AA' }).execute();
  await db.insertInto('email_providers').values({ tenant_id: tenant.tenantId, provider_type: 'google', mailbox: 'g@creds.test', authorized_client_id: '40000000-0000-0000-0000-0000000000bb' }).execute();
  await db.insertInto('calendar_providers').values({ tenant_id: tenant.tenantId, user_id: tenant.technician.id, provider_type: 'microsoft', display_name: 'Cal', authorized_client_id: '40000000-0000-0000-0000-0000000000bb' }).execute();
  const results = await materializeBindings(db, ALL);
  t.same(outcomesFor(results, tenant.tenantId), { msp_sso: 'no_signal', email: 'bound', calendar: 'bound' });
  t.equal(await bindingOf(tenant.tenantId, 'email'), mail);
  t.equal(await bindingOf(tenant.tenantId, 'calendar'), cal);
});

t.test('credentials that match no profile leave the consumer unbound', async (t) => {
  const tenant = await seedTenant(db, 'mat-nomatch');
  await profile(tenant.tenantId, 'Some app', '50000000-0000-0000-0000-000000000001');
  await db.insertInto('calendar_providers').values({ tenant_id: tenant.tenantId, user_id: tenant.technician.id, provider_type: 'microsoft', display_name: 'Cal', authorized_client_id: '59999999-0000-0000-0000-000000000000' }).execute();
  t.same(outcomesFor(await materializeBindings(db, ALL), tenant.tenantId), { msp_sso: 'no_signal', email: 'no_signal', calendar: 'no_candidate' });
});

t.test('runs once: a binding cleared later is not brought back, and later signals bind nothing', async (t) => {
  const tenant = await seedTenant(db, 'mat-once');
  await loginDomain(tenant.tenantId, 'once.test');
  await profile(tenant.tenantId, 'SSO', '60000000-0000-0000-0000-000000000001');
  t.equal(outcomesFor(await materializeBindings(db, ALL), tenant.tenantId).msp_sso, 'bound');
  await db.deleteFrom('microsoft_profile_consumer_bindings').where('tenant_id', '=', tenant.tenantId).execute();
  await db.insertInto('calendar_providers').values({ tenant_id: tenant.tenantId, user_id: tenant.technician.id, provider_type: 'microsoft', display_name: 'Cal' }).execute();
  t.same(outcomesFor(await materializeBindings(db, ALL), tenant.tenantId), {}, 'nothing decided twice');
  t.equal(await bindingOf(tenant.tenantId, 'msp_sso'), null);
  t.equal(await bindingOf(tenant.tenantId, 'calendar'), null);
});

t.test('an existing binding is left alone, and CE decides only MSP SSO', async (t) => {
  const tenant = await seedTenant(db, 'mat-ce');
  await loginDomain(tenant.tenantId, 'ce.test');
  const chosen = await profile(tenant.tenantId, 'Chosen', '70000000-0000-0000-0000-000000000001');
  await profile(tenant.tenantId, 'Other', '70000000-0000-0000-0000-000000000002');
  await db.insertInto('microsoft_profile_consumer_bindings').values({ tenant_id: tenant.tenantId, consumer: 'msp_sso', profile_id: chosen, bound_by: tenant.admin.id }).execute();
  await db.insertInto('email_providers').values({ tenant_id: tenant.tenantId, provider_type: 'microsoft', mailbox: 'x@ce.test' }).execute();
  t.same(outcomesFor(await materializeBindings(db, ['msp_sso']), tenant.tenantId), { msp_sso: 'already_bound' });
  t.same(outcomesFor(await materializeBindings(db, ALL), tenant.tenantId), { email: 'ambiguous', calendar: 'no_signal' }, 'EE consumers are decided when EE first runs');
  t.equal(await bindingOf(tenant.tenantId, 'msp_sso'), chosen);
});

t.test('two processes materializing at once bind once', async (t) => {
  const tenant = await seedTenant(db, 'mat-race');
  await loginDomain(tenant.tenantId, 'race.test');
  await profile(tenant.tenantId, 'Only', '80000000-0000-0000-0000-000000000001');
  const [x, y] = await Promise.all([materializeBindings(db, ALL), materializeBindings(db, ALL)]);
  const decided = [...x, ...y].filter((r) => r.tenantId === tenant.tenantId && r.consumer === 'msp_sso');
  t.equal(decided.length, 1);
  t.equal(decided[0].outcome, 'bound');
});

t.test('the server materializes on start', async (t) => {
  const tenant = await seedTenant(db, 'mat-start');
  await loginDomain(tenant.tenantId, 'start.test');
  const p = await profile(tenant.tenantId, 'Start', '90000000-0000-0000-0000-000000000001');
  const ctx = await buildTestApp({ database, edition: 'ce' });
  await ctx.close();
  t.equal(await bindingOf(tenant.tenantId, 'msp_sso'), p);
});
