// Graph directory responses have the fields and types of the Graph documentation examples.
import t from 'tap';
import { startMicrosoftEmulator } from './server.js';
import { fixture, shapeMismatches } from './directory-fixture-shape.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const seeded = emulator.directory.seedPartner({ customers: 3, usersPerCustomer: 12, seed: 5 });
const customer = seeded.customers[0];
const partnerToken = emulator.tokens.issue({ tenantId: seeded.partner.id, clientId: seeded.app.clientId, userId: seeded.admin.id, scopes: ['Directory.Read.All'] }).token;
const customerToken = emulator.tokens.issue({ tenantId: customer.id, clientId: seeded.app.clientId, userId: seeded.admin.id, scopes: ['Directory.Read.All'] }).token;

const get = async (url: string, token: string) => {
  const response = await fetch(url.startsWith('http') ? url : `${emulator.url}/v1.0${url}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as Record<string, any>;
};

t.test('contracts and delegatedAdminCustomers', async (t) => {
  const contracts = await get('/contracts', partnerToken);
  t.same(shapeMismatches(contracts.value, fixture('graph-directory/contracts-list.json').value, { exact: true }), []);
  const customers = await get('/tenantRelationships/delegatedAdminCustomers', partnerToken);
  t.same(shapeMismatches(customers, fixture('graph-directory/delegatedAdminCustomers-list.json'), { exact: true }), []);
});

t.test('domains', async (t) => {
  const domains = await get('/domains', customerToken);
  t.same(shapeMismatches(domains.value, fixture('graph-directory/domains-list.json').value), []);
  t.ok(domains.value.every((d: { isVerified: unknown }) => typeof d.isVerified === 'boolean'));
});

t.test('users list and paging', async (t) => {
  const example = fixture('graph-directory/users-list.json');
  const select = Object.keys(example.value[0]).join(',');
  const users = await get(`/users?$select=${select}`, customerToken);
  t.same(shapeMismatches(users.value, example.value), []);
  t.same(Object.keys(users.value[0]).sort(), ['id', ...Object.keys(example.value[0])].sort(), 'only the selected properties and id');
  const paged = await get('/users?$top=5', customerToken);
  t.same(shapeMismatches(paged, fixture('graph-directory/users-paging.json')), []);
  t.match(paged['@odata.nextLink'], /\/v1\.0\/users\?\$top=5&\$skiptoken=/);
});

t.test('users/delta pages, final page and changes', async (t) => {
  const first = await fetch(`${emulator.url}/v1.0/users/delta?$select=displayName,jobTitle,mobilePhone`, { headers: { authorization: `Bearer ${customerToken}`, prefer: 'odata.maxpagesize=5' } }).then((r) => r.json());
  t.same(shapeMismatches(first, fixture('graph-directory/users-delta-select.json')), []);
  let page = first;
  while (page['@odata.nextLink']) page = await get(page['@odata.nextLink'], customerToken);
  const selectExample = await get(`/users/delta?$select=displayName,givenName,surname`, customerToken);
  t.same(shapeMismatches(selectExample, fixture('graph-directory/users-delta-final-page.json')), []);
  const [renamed, removed] = emulator.directory.store.users(customer.id);
  emulator.directory.updateUser(renamed.id, { displayName: 'Testuser7' });
  emulator.directory.deleteUser(removed.id);
  const changes = await get(selectExample['@odata.deltaLink'], customerToken);
  const example = fixture('graph-directory/users-delta-changes.json');
  t.same(shapeMismatches(changes, { ...example, value: [] }), []);
  t.same(shapeMismatches(changes.value[0], example.value[0], { exact: true }), []);
  t.same(shapeMismatches(changes.value[1], example.value[1], { exact: true }), []);
});
