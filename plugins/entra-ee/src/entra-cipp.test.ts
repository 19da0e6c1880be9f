// The CIPP flow against the CIPP emulator (sharing the Microsoft emulator's directory and tokens):
// settings checked by a real call before saving, discovery, mapping, sync, deletions seen by a full
// listing, a no-change run with zero contact writes; users paged through ListGraphRequest, CIPP's
// throttling retried through the shared provider client, and the deployment's own token scope.
import t from 'tap';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { emulatorMsalConfig, startCippEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import { cippDirectory } from './services/cipp-directory.js';
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
  cipp.controls.inject({ method: 'GET', path: '^/api/ListGraphRequest$', kind: 'status', status: 403, times: 1 });
  const run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.equal(run.status, 'failed');
  t.match(run.tenants[0].error, /CIPP ListGraphRequest answered 403/);
  t.notMatch(JSON.stringify(run), CIPP_SECRET);
});

/** A customer tenant of `count` members on one domain, with the partner's GDAP relationship. */
function bigTenant(name: string, domain: string, count: number) {
  const tenant = store.addTenant({ displayName: name, domains: [domain] });
  store.addRelationship(partner.partner.id, tenant.id);
  for (let i = 0; i < count; i++) store.addUser(tenant.id, { displayName: `Person ${i}`, userPrincipalName: `person${i}@${domain}` });
  return tenant;
}

async function mapToNewClient(entraTenantId: string, name: string, domain: string) {
  await admin.request('POST', '/api/integrations/entra/discover');
  const client = (await admin.request('POST', '/api/clients', { name, domains: [domain] })).json();
  const item = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items.find((p: { entraTenantId: string }) => p.entraTenantId === entraTenantId);
  await admin.request('POST', '/api/integrations/entra/mappings', { mappings: [{ managedTenantId: item.managedTenantId, action: 'map', clientId: client.id }] });
  return client;
}

/** One client's sync, so the other mapped tenants (and their outcomes) stay out of it. */
const syncClient = async (clientId: string) => waitForRun(admin, (await admin.request('POST', `/api/integrations/entra/clients/${clientId}/sync`, {})).json().run.id);

t.test('a tenant of 2,500 users is read in pages of at most 999 through ListGraphRequest', async (t) => {
  const big = bigTenant('Paged Holdings', 'paged.example', 2_500);
  const client = await mapToNewClient(big.id, 'Paged Holdings', 'paged.example');
  const pagesBefore = cipp.controls.count('GET /api/ListGraphRequest');
  const run = await syncClient(client.id);
  t.equal(run.status, 'succeeded', JSON.stringify(run.tenants.map((x: { error: string | null }) => x.error)));
  t.equal(run.counts.created, 2_500);
  t.equal(cipp.controls.count('GET /api/ListGraphRequest') - pagesBefore, 3, 'three pages: 999 + 999 + 502');
  const contacts = await ctx.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).where('client_id', '=', client.id).executeTakeFirstOrThrow();
  t.equal(Number(contacts.n), 2_500, 'every page reached the client');
});

t.test('429 from CIPP: Retry-After is waited for and the page retried through the shared client', async (t) => {
  const tenant = bigTenant('Throttled Traders', 'throttled.example', 30);
  const client = await mapToNewClient(tenant.id, 'Throttled Traders', 'throttled.example');
  cipp.controls.inject({ method: 'GET', path: '^/api/ListGraphRequest$', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
  const before = cipp.controls.count('GET /api/ListGraphRequest');
  const run = await syncClient(client.id);
  t.equal(run.status, 'succeeded', JSON.stringify(run.tenants.map((x: { error: string | null }) => x.error)));
  t.equal(cipp.controls.count('GET /api/ListGraphRequest') - before, 3, 'the one page, asked for again after each refusal');
  t.equal(run.counts.created, 30);
});

t.test('the foreign-tenant check holds on every page, not just the first', async (t) => {
  const tenant = bigTenant('Leaky Logistics', 'leaky.example', 1_200);
  // A user of another customer slipped into the second page (CIPP answering for the wrong tenant).
  const stranger = store.users(partner.customers[1].id)[0];
  store.addUser(tenant.id, { displayName: stranger.displayName, userPrincipalName: stranger.userPrincipalName });
  const client = await mapToNewClient(tenant.id, 'Leaky Logistics', 'leaky.example');
  const run = await syncClient(client.id);
  t.equal(run.status, 'failed');
  t.match(JSON.stringify(run.tenants.map((x: { error: string | null }) => x.error)), /CIPP returned 1 users that do not belong to tenant/);
  const written = await ctx.db.selectFrom('contacts').select('email').where('client_id', '=', client.id).execute();
  t.notOk(written.some((c) => c.email?.toLowerCase() === stranger.userPrincipalName.toLowerCase()), 'the stranger never became a contact of this client');
});

t.test('a custom token scope is what the token is asked for (and CIPP checks its audience)', async (t) => {
  const customApp = ms.identity.addApp({ homeTenantId: partner.partner.id, clientSecrets: ['custom-scope-secret'], displayName: 'CIPP-API (custom id URI)' });
  const custom = await startCippEmulator({ tokens: ms.tokens, store, apiClientId: customApp.clientId });
  t.teardown(custom.close);
  const msal = () => new ConfidentialClientApplication(emulatorMsalConfig(ms.url, { clientId: cippApp.clientId, clientSecret: CIPP_SECRET, tenant: partner.partner.id }));
  const outbound = { allowLoopback: true };
  // The CIPP app registration of this deployment is another app than the one whose credentials we use.
  const scoped = cippDirectory({ msal: msal(), baseUrl: custom.url, clientId: cippApp.clientId, scope: `api://${customApp.clientId}/.default`, outbound });
  t.ok((await scoped.listTenants()).length >= 3, 'the token for the configured scope is accepted');
  const defaulted = cippDirectory({ msal: msal(), baseUrl: custom.url, clientId: cippApp.clientId, outbound });
  await t.rejects(defaulted.listTenants(), { message: /CIPP ListTenants answered 403/ }, 'the default scope api://{clientId}/.default is not this deployment\'s');
});
