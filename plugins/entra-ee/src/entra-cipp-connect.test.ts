// CIPP settings through the real clients (msal-node against the Microsoft emulator, the CIPP
// emulator): a configurable token scope (CIPP's API app may be exposed under its own application ID
// URI), and "Test connection" for unsaved settings and for the active connection, answering a
// readable sentence and never a secret.
import t from 'tap';
import { startCippEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import { entraApp, seedEntraTenant, seedPartnerFor, setFlags } from '@switchboard/testing/entra';

const CIPP_SECRET = 'Cipp~connect-test-secret-never-shown-58';
const CUSTOM_URI = 'https://cipp.contoso.test/api';
const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 4, usersPerCustomer: 3, seed: 58 });
const cippApp = ms.identity.addApp({ homeTenantId: partner.partner.id, clientSecrets: [CIPP_SECRET], displayName: 'CIPP-API', identifierUris: [CUSTOM_URI] });
const cipp = await startCippEmulator({ tokens: ms.tokens, store: ms.directory.store, apiClientId: cippApp.clientId });
t.teardown(cipp.close);
const ctx = await entraApp(t, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-cipp-connect');
const settings = { baseUrl: cipp.url, clientId: cippApp.clientId, clientSecret: CIPP_SECRET, tenantId: partner.partner.id };
const test = (body: object) => admin.request('POST', '/api/integrations/entra/connection/test', body);

t.test('Test connection with CIPP settings: each outcome is one readable sentence, nothing is saved', async (t) => {
  const ok = await test(settings);
  t.equal(ok.statusCode, 200, ok.body);
  t.same(ok.json(), { ok: true, message: 'CIPP answered: 4 customer tenants visible.', tenants: 4 });

  const badSecret = await test({ ...settings, clientSecret: 'Wrong~secret-value-1234567890' });
  t.equal(badSecret.statusCode, 200);
  t.equal(badSecret.json().ok, false);
  t.match(badSecret.json().message, /Microsoft refused a token for the CIPP API app \(invalid_client, AADSTS7000215\)/);
  t.notMatch(badSecret.body, /Wrong~secret/);

  const refused = await test({ ...settings, baseUrl: 'http://169.254.169.254' });
  t.equal(refused.json().ok, false);
  t.match(refused.json().message, /^CIPP was not called: its URL/);
  t.equal(cipp.controls.count('GET /api/ListTenants'), 1, 'only the good settings reached CIPP');

  cipp.controls.inject({ method: 'GET', path: '^/api/ListTenants$', kind: 'status', status: 500, times: 1 });
  t.same((await test(settings)).json(), { ok: false, message: 'CIPP ListTenants answered 500' });
  cipp.controls.inject({ method: 'GET', path: '^/api/ListTenants$', kind: 'status', status: 403, times: 1 });
  t.same((await test(settings)).json(), { ok: false, message: 'CIPP ListTenants answered 403' });

  const invalid = await test({ ...settings, clientSecret: '' });
  t.equal(invalid.statusCode, 400);
  t.match(invalid.json().fields, [{ field: 'clientSecret' }]);

  for (const res of [ok, badSecret, refused]) t.notOk(res.body.includes(CIPP_SECRET), 'no secret in any answer');
  t.equal((await admin.request('GET', '/api/integrations/entra/connection')).json().connection, null, 'nothing saved');
});

t.test('the CIPP token scope: a custom application ID URI connects; a wrong one is a readable 400', async (t) => {
  const malformed = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'cipp', ...settings, scope: CUSTOM_URI });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json().fields, [{ field: 'scope', message: /\/\.default/ }]);

  const unknown = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'cipp', ...settings, scope: 'api://00000000-0000-4000-8000-00000000dead/.default' });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().message, /CIPP did not accept these settings: Microsoft refused a token for the CIPP API app \(invalid_resource, AADSTS500011\)/);

  const scope = `${CUSTOM_URI}/.default`;
  const connected = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'cipp', ...settings, scope });
  t.equal(connected.statusCode, 201, connected.body);
  t.match(connected.json().connection, { kind: 'cipp', status: 'connected', cippScope: scope });
  const row = await ctx.db.selectFrom('entra_connections').select('cipp_scope').where('tenant_id', '=', seeded.tenantId).where('status', '=', 'connected').executeTakeFirstOrThrow();
  t.equal(row.cipp_scope, scope);

  // The stored scope is used by every later call: discovery and the active-connection test.
  const discovered = await admin.request('POST', '/api/integrations/entra/discover');
  t.equal(discovered.json().discovered, 4, discovered.body);
  t.same((await test({})).json(), { ok: true, message: 'CIPP answered: 4 customer tenants visible.', tenants: 4 });
  cipp.controls.inject({ method: 'GET', path: '^/api/ListTenants$', kind: 'status', status: 401, times: 1 });
  t.same((await test({})).json(), { ok: false, message: 'CIPP ListTenants answered 401' });
});

t.test('without a scope the default api://{clientId}/.default is used and shown', async (t) => {
  t.equal((await admin.request('DELETE', '/api/integrations/entra/connection')).statusCode, 204);
  const connected = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'cipp', ...settings });
  t.equal(connected.statusCode, 201, connected.body);
  t.equal(connected.json().connection.cippScope, `api://${cippApp.clientId}/.default`);
  t.equal((await test({})).json().ok, true);
});

t.test('Test connection with CIPP settings needs the CIPP flag', async (t) => {
  await setFlags(admin, ['entra-integration-cipp'], false);
  t.equal((await test(settings)).statusCode, 404);
  await setFlags(admin, ['entra-integration-cipp'], true);
});

t.test('no secret in the logs', async (t) => {
  t.notOk(ctx.logs.join('\n').includes(CIPP_SECRET));
});
