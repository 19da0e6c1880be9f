import t from 'tap';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { startMicrosoftEmulator } from '../microsoft/server.js';
import { emulatorMsalConfig } from '../microsoft/msal-emulator.js';
import { startCippEmulator } from './server.js';

const microsoft = await startMicrosoftEmulator();
t.teardown(microsoft.close);
const seeded = microsoft.directory.seedPartner({ customers: 5, usersPerCustomer: 30, seed: 3 });
// The CIPP-API app registration in the MSP tenant; CIPP's docs use its own id as client and scope.
const cippApp = microsoft.identity.addApp({ homeTenantId: seeded.partner.id, displayName: 'CIPP-API', clientSecrets: ['cipp-secret'] });
const cipp = await startCippEmulator({ tokens: microsoft.tokens, store: microsoft.identity.store, apiClientId: cippApp.clientId });
t.teardown(cipp.close);

const clientCredentials = (clientId: string, clientSecret: string, scope: string) =>
  new ConfidentialClientApplication(emulatorMsalConfig(microsoft.url, { clientId, clientSecret, tenant: seeded.partner.id })).acquireTokenByClientCredential({ scopes: [scope] });
const token = (await clientCredentials(cippApp.clientId, 'cipp-secret', `api://${cippApp.clientId}/.default`))!.accessToken;
const call = async (path: string, bearer?: string) => {
  const response = await fetch(`${cipp.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('[') || text.startsWith('{') ? JSON.parse(text) : text };
};

t.test('ListTenants lists the partner\'s customers as a bare array', async (t) => {
  const { status, body } = await call('/api/ListTenants', token);
  t.equal(status, 200);
  t.same(body.map((row: { customerId: string }) => row.customerId), seeded.customers.map((c) => c.id));
  t.match(body[0], { displayName: seeded.customers[0].displayName, defaultDomainName: seeded.customers[0].domains[0].id, initialDomainName: /\.onmicrosoft\.com$/, delegatedPrivilegeStatus: 'granularDelegatedAdminPrivileges', Excluded: false, GraphErrorCount: 0 });
  const withAll = await call('/api/ListTenants?AllTenantSelector=true', token);
  t.equal(withAll.body[0].customerId, 'AllTenants');
  t.equal((await call('/api/listtenants', token)).status, 404, 'function names are case-sensitive');
});

t.test('ListUsers answers for tenantFilter (domain or id), and for the MSP itself without it', async (t) => {
  const customer = seeded.customers[2];
  const byDomain = await call(`/api/ListUsers?tenantFilter=${customer.domains[0].id}`, token);
  t.equal(byDomain.status, 200);
  t.equal(byDomain.body.length, 30);
  t.same(byDomain.body.map((u: { id: string }) => u.id), microsoft.identity.store.users(customer.id).map((u) => u.id), 'the same users Graph serves');
  const user = byDomain.body.find((u: { proxyAddresses: string[] }) => u.proxyAddresses.length > 0);
  t.equal(user.Aliases, user.proxyAddresses.join(', '));
  t.equal(user.username, user.userPrincipalName.split('@')[0]);
  t.same((await call(`/api/ListUsers?tenantFilter=${customer.id}`, token)).body, byDomain.body);
  const noFilter = await call('/api/ListUsers', token);
  t.ok(noFilter.body.some((u: { id: string }) => u.id === seeded.admin.id), 'without tenantFilter CIPP returns the MSP staff');
  t.equal((await call('/api/ListUsers?tenantFilter=unknown.example', token)).status, 403);
});

t.test('ListGraphRequest pages users on request: manualPagination, Metadata.nextLink, nextLink back', async (t) => {
  const customer = seeded.customers[1];
  const base = `/api/ListGraphRequest?Endpoint=users&TenantFilter=${customer.id}&$top=12&$select=id,userPrincipalName`;
  const all = await call(base, token);
  t.equal(all.status, 200);
  t.equal(all.body.Results.length, 30, 'without paging options CIPP follows every nextLink: $top is a page size');
  t.notOk(all.body.Metadata.nextLink);

  const ids: string[] = [];
  let page = await call(`${base}&manualPagination=true`, token);
  t.match(page.body.Results[0], { id: String, userPrincipalName: String, Tenant: customer.id, CippStatus: 'Good' });
  t.match(page.body.Metadata, { Endpoint: 'users', TenantFilter: customer.id, ManualPagination: true, nextLink: /^https:\/\/graph\.microsoft\.com\/beta\/users\?/ });
  for (;;) {
    ids.push(...page.body.Results.map((u: { id: string }) => u.id));
    if (!page.body.Metadata.nextLink) break;
    page = await call(`/api/ListGraphRequest?Endpoint=users&tenantFilter=${customer.id}&manualPagination=true&nextLink=${encodeURIComponent(page.body.Metadata.nextLink)}`, token);
    t.equal(page.status, 200);
  }
  t.equal(ids.length, 30, 'three pages of at most 12');
  t.same(ids, microsoft.identity.store.users(customer.id).map((u) => u.id));

  const foreign = await call(`${base}&manualPagination=true&nextLink=${encodeURIComponent('https://evil.example/beta/users?$skiptoken=x')}`, token);
  t.equal(foreign.status, 400);
  t.match(foreign.body, /^Graph Error: Invalid nextLink URL: .* - Endpoint: users$/);
  const otherTenantsLink = (await call(`/api/ListGraphRequest?Endpoint=users&TenantFilter=${seeded.customers[0].id}&$top=5&manualPagination=true`, token)).body.Metadata.nextLink;
  const crossed = await call(`${base}&manualPagination=true&nextLink=${encodeURIComponent(otherTenantsLink)}`, token);
  t.equal(crossed.status, 400, 'a page token of another tenant is refused by Graph');
  t.match((await call(`/api/ListGraphRequest?Endpoint=contacts&TenantFilter=${customer.id}`, token)).body, /^Graph Error: /);
});

t.test('the Functions host refuses requests beyond maxOutstandingRequests with 429 "Too Busy"', async (t) => {
  cipp.setMaxOutstandingRequests(1);
  cipp.controls.setLatency(500);
  t.teardown(() => {
    cipp.setMaxOutstandingRequests(200);
    cipp.controls.setLatency(0);
  });
  const answers = await Promise.all([call('/api/ListTenants', token), call('/api/ListTenants', token)]);
  t.same(answers.map((a) => a.status).sort(), [200, 429]);
  t.equal(answers.find((a) => a.status === 429)!.body, 'Too Busy');
});

t.test('401 without or with a bad token, 403 for a token of another audience', async (t) => {
  t.equal((await call('/api/ListTenants')).status, 401);
  t.equal((await call('/api/ListTenants', 'forged')).status, 401);
  const graphToken = (await clientCredentials(seeded.app.clientId, seeded.app.clientSecrets[0], 'https://graph.microsoft.com/.default'))!.accessToken;
  t.equal((await call('/api/ListTenants', graphToken)).status, 403);
  microsoft.identity.expireAccessTokens();
  t.equal((await call('/api/ListTenants', token)).status, 401, 'expired tokens are refused');
  await t.rejects(clientCredentials(cippApp.clientId, 'cipp-secret', 'api://00000000-0000-0000-0000-00000000dead/.default'), { message: /AADSTS500011/ });
});

t.test('faults and counts through the controls', async (t) => {
  const fresh = (await clientCredentials(cippApp.clientId, 'cipp-secret', `api://${cippApp.clientId}/.default`))!.accessToken;
  cipp.controls.inject({ path: '^/api/ListTenants$', kind: 'status', status: 500 });
  t.equal((await call('/api/ListTenants', fresh)).status, 500);
  t.equal((await call('/api/ListTenants', fresh)).status, 200);
  t.ok(cipp.controls.count('GET /api/ListTenants') >= 2);
});
