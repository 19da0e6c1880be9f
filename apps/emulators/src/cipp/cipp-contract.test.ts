// CIPP responses have the fields and types of the shapes taken from CIPP's own code (fixtures/cipp).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { startMicrosoftEmulator } from '../microsoft/server.js';
import { fixture, shapeMismatches } from '../microsoft/directory-fixture-shape.js';
import { startCippEmulator } from './server.js';

const microsoft = await startMicrosoftEmulator();
t.teardown(microsoft.close);
const seeded = microsoft.directory.seedPartner({ customers: 2, usersPerCustomer: 10, seed: 8 });
const apiClientId = seeded.app.clientId;
const cipp = await startCippEmulator({ tokens: microsoft.tokens, store: microsoft.identity.store, apiClientId });
t.teardown(cipp.close);
const token = microsoft.tokens.issue({ tenantId: seeded.partner.id, clientId: apiClientId, scopes: ['.default'], audience: `api://${apiClientId}` }).token;
const get = (path: string) => fetch(`${cipp.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());

t.test('ListTenants rows', async (t) => {
  t.same(shapeMismatches(await get('/api/ListTenants'), fixture('cipp/ListTenants.json'), { exact: true }), []);
  const allTenantsRow = JSON.parse(readFileSync(new URL('../../test/fixtures/cipp/ListTenants.json', import.meta.url), 'utf8')).AllTenantSelector_first_row;
  t.same((await get('/api/ListTenants?AllTenantSelector=true'))[0], allTenantsRow);
});

t.test('ListUsers rows', async (t) => {
  const users = await get(`/api/ListUsers?tenantFilter=${seeded.customers[0].domains[0].id}`);
  t.equal(users.length, 10);
  t.same(shapeMismatches(users.filter((u: { mail: string | null }) => u.mail), fixture('cipp/ListUsers.json')), []);
});

t.test('ListGraphRequest (Endpoint=users, manualPagination) body', async (t) => {
  const page = await get(`/api/ListGraphRequest?Endpoint=users&TenantFilter=${seeded.customers[0].domains[0].id}&manualPagination=true&$top=4&$select=id,userPrincipalName`);
  t.same(shapeMismatches(page, fixture('cipp/ListGraphRequest-users.json'), { exact: true }), []);
});
