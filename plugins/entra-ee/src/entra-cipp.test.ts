// The CIPP flow against the CIPP emulator (sharing the Microsoft emulator's directory and tokens):
// settings checked by a real call before saving, discovery, mapping, sync, deletions seen by a full
// listing, and a no-change run with zero contact writes.
import t from 'tap';
import { startCippEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import { entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';

const CIPP_SECRET = 'Cipp~api-client-secret-never-logged-31';
const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 3, usersPerCustomer: 25, seed: 5 });
const cippApp = ms.identity.addApp({ homeTenantId: partner.partner.id, clientSecrets: [CIPP_SECRET], displayName: 'CIPP-API' });
const cipp = await startCippEmulator({ tokens: ms.tokens, store: ms.directory.store, apiClientId: cippApp.clientId });
t.teardown(cipp.close);
const ctx = await entraApp(t, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-cipp');
const store = ms.directory.store;
const connectBody = { kind: 'cipp', baseUrl: cipp.url, clientId: cippApp.clientId, clientSecret: CIPP_SECRET, tenantId: partner.partner.id };

t.test('connect: wrong credentials are refused by the test call and nothing is stored', async (t) => {
  const bad = await admin.request('POST', '/api/integrations/entra/connection', { ...connectBody, clientSecret: 'wrong' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /CIPP did not accept these settings/);
  t.notMatch(bad.body, /wrong/);
  t.equal((await admin.request('GET', '/api/integrations/entra/connection')).json().connection, null);
  const unreachable = await admin.request('POST', '/api/integrations/entra/connection', { ...connectBody, baseUrl: 'http://127.0.0.1:9' });
  t.equal(unreachable.statusCode, 400);

  const ok = await admin.request('POST', '/api/integrations/entra/connection', connectBody);
  t.equal(ok.statusCode, 201, ok.body);
  t.match(ok.json().connection, { kind: 'cipp', status: 'connected', cippClientId: cippApp.clientId });
  t.notMatch(ok.body, CIPP_SECRET);
  t.notOk(ctx.logs.join('\n').includes(CIPP_SECRET));
});

t.test('discover, map by domain, sync; deletions and a no-change re-run', async (t) => {
  const discovered = await admin.request('POST', '/api/integrations/entra/discover');
  t.equal(discovered.json().discovered, 3, discovered.body);
  t.ok(cipp.controls.count('GET /api/ListDomains') >= 3, 'domains read per tenant with tenantFilter');
  const [customer] = partner.customers;
  const client = (await admin.request('POST', '/api/clients', { name: 'Via CIPP', domains: [store.defaultDomain(customer)] })).json();
  const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items;
  const item = preview.find((p: { entraTenantId: string }) => p.entraTenantId === customer.id);
  t.match(item, { state: 'auto_matched', clientId: client.id });
  await admin.request('POST', '/api/integrations/entra/mappings', { mappings: [{ managedTenantId: item.managedTenantId, action: 'map', clientId: client.id }] });

  let run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' })).json().run.id);
  t.equal(run.status, 'succeeded', JSON.stringify(run.tenants.map((x: { error: string | null }) => x.error)));
  const enabled = store.users(customer.id).filter((u) => u.userType === 'Member' && u.accountEnabled);
  t.equal(run.counts.created, enabled.length);

  const before = await ctx.db.selectFrom('contacts').select(['id', 'updated_at']).where('tenant_id', '=', seeded.tenantId).orderBy('id').execute();
  run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.match(run.counts, { created: 0, linked: 0, updated: 0, inactivated: 0 });
  t.same(await ctx.db.selectFrom('contacts').select(['id', 'updated_at']).where('tenant_id', '=', seeded.tenantId).orderBy('id').execute(), before, 'zero contact writes');

  ms.directory.deleteUser(enabled[0].id);
  run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.equal(run.counts.inactivated, 1, 'a user missing from the full listing is treated as deleted');
  const contact = await ctx.db.selectFrom('entra_contact_links').innerJoin('contacts', 'contacts.id', 'entra_contact_links.contact_id').select('contacts.is_inactive').where('entra_user_id', '=', enabled[0].id).executeTakeFirstOrThrow();
  t.equal(contact.is_inactive, true);
});

t.test('a CIPP failure fails that tenant run with a readable error, not the others', async (t) => {
  cipp.controls.inject({ method: 'GET', path: '^/api/ListUsers$', kind: 'status', status: 403, times: 1 });
  const run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.equal(run.status, 'failed');
  t.match(run.tenants[0].error, /CIPP ListUsers answered 403/);
  t.notMatch(JSON.stringify(run), CIPP_SECRET);
});
