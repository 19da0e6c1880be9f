import t from 'tap';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { startMicrosoftEmulator } from './server.js';
import { emulatorAuthority, emulatorMsalConfig } from './msal-emulator.js';
import { completeConsent } from './identity-consent-client.js';
import { DirectoryStore } from './directory-store.js';
import { seedPartner } from './directory-seed.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const seeded = emulator.directory.seedPartner({ customers: 4, usersPerCustomer: 250, seed: 42 });
const scopes = ['https://graph.microsoft.com/.default'];
const redirectUri = seeded.app.redirectUris[0];
const cca = new ConfidentialClientApplication(emulatorMsalConfig(emulator.url, { clientId: seeded.app.clientId, clientSecret: seeded.app.clientSecrets[0] }));

// The partner admin signs in once; its refresh token then yields one token per customer tenant.
const signIn = await completeConsent(await cca.getAuthCodeUrl({ scopes, redirectUri, loginHint: seeded.admin.userPrincipalName }));
const partnerResult = await cca.acquireTokenByCode({ code: signIn.params.get('code')!, scopes, redirectUri });
const partnerToken = partnerResult.accessToken;
const refreshToken = Object.values(JSON.parse(cca.getTokenCache().serialize()).RefreshToken as Record<string, { secret: string }>)[0].secret;
const customer = seeded.customers[0];
const customerToken = (await cca.acquireTokenByRefreshToken({ refreshToken, scopes, authority: emulatorAuthority(customer.id) }))!.accessToken;

const graph = async (url: string, token: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url.startsWith('http') ? url : `${emulator.url}/v1.0${url}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
};

t.test('partner discovery: contracts and delegatedAdminCustomers list the customers', async (t) => {
  const contracts = await graph('/contracts', partnerToken);
  t.equal(contracts.status, 200);
  t.equal(contracts.body.value.length, 4);
  t.same(Object.keys(contracts.body.value[0]).sort(), ['contractType', 'customerId', 'defaultDomainName', 'displayName', 'id']);
  t.match(contracts.body.value[0], { customerId: customer.id, displayName: customer.displayName, defaultDomainName: customer.domains[0].id });
  const gdap = await graph('/tenantRelationships/delegatedAdminCustomers', partnerToken);
  t.same(gdap.body.value.map((c: { tenantId: string }) => c.tenantId), seeded.customers.map((c) => c.id));
  t.equal((await graph('/contracts', customerToken)).body.value.length, 0, 'a customer tenant has no customers');
  t.equal((await graph('/contracts', 'not-a-token')).status, 401);
});

t.test('domains of the customer tenant', async (t) => {
  const domains = await graph('/domains', customerToken);
  t.same(domains.body.value.map((d: { id: string }) => d.id), customer.domains.map((d) => d.id));
  t.ok(domains.body.value.some((d: { isInitial: boolean; isVerified: boolean }) => d.isInitial && d.isVerified));
});

t.test('users: $select, $top paging by nextLink, $filter', async (t) => {
  const seen: Record<string, unknown>[] = [];
  let url: string | undefined = '/users?$select=id,displayName,mail,userPrincipalName,accountEnabled,proxyAddresses&$top=100';
  let pages = 0;
  while (url) {
    const page = await graph(url, customerToken);
    t.equal(page.status, 200);
    seen.push(...page.body.value);
    url = page.body['@odata.nextLink'];
    pages++;
  }
  t.equal(pages, 3);
  t.equal(seen.length, 250);
  t.equal(new Set(seen.map((u) => u.id)).size, 250);
  t.same(Object.keys(seen[0]).sort(), ['accountEnabled', 'displayName', 'id', 'mail', 'proxyAddresses', 'userPrincipalName']);
  const plain = await graph('/users', customerToken);
  t.equal(plain.body.value.length, 100, 'default page size');
  t.notOk('accountEnabled' in plain.body.value[0], 'accountEnabled only when selected');
  const enabled = await graph('/users?$filter=accountEnabled eq true&$top=999&$select=accountEnabled', customerToken);
  t.ok(enabled.body.value.length > 200 && enabled.body.value.length < 250);
  t.ok(enabled.body.value.every((u: { accountEnabled: boolean }) => u.accountEnabled));
  t.equal((await graph('/users?$top=1000', customerToken)).status, 400);
});

t.test('users/delta: initial round, then changes, disables and deletions', async (t) => {
  let url: string | undefined = '/users/delta?$select=displayName,mail,accountEnabled';
  let deltaLink = '';
  let count = 0;
  while (url) {
    const page = await graph(url, customerToken, { prefer: 'odata.maxpagesize=100' });
    count += page.body.value.length;
    url = page.body['@odata.nextLink'];
    if (page.body['@odata.deltaLink']) deltaLink = page.body['@odata.deltaLink'];
  }
  t.equal(count, 250);
  t.match(deltaLink, /\/v1\.0\/users\/delta\?\$deltatoken=/);

  const [changed, disabled, softDeleted, hardDeleted] = emulator.directory.store.users(customer.id).slice(10, 14);
  emulator.directory.updateUser(changed.id, { displayName: 'Renamed Person' });
  emulator.directory.disableUser(disabled.id);
  emulator.directory.deleteUser(softDeleted.id);
  emulator.directory.deleteUser(hardDeleted.id, true);
  const changes = await graph(deltaLink, customerToken);
  t.same(changes.body.value, [
    { id: changed.id, displayName: 'Renamed Person', mail: changed.mail, accountEnabled: changed.accountEnabled },
    { id: disabled.id, displayName: disabled.displayName, mail: disabled.mail, accountEnabled: false },
    { id: softDeleted.id, '@removed': { reason: 'changed' } },
    { id: hardDeleted.id, '@removed': { reason: 'deleted' } },
  ]);
  const next = changes.body['@odata.deltaLink'];
  t.same((await graph(next, customerToken)).body.value, [], 'nothing changed since');

  emulator.directory.expireDeltaTokens();
  const gone = await graph(next, customerToken);
  t.equal(gone.status, 410);
  t.equal(gone.body.error.code, 'resyncRequired');
  t.equal(gone.headers.get('location'), `${emulator.url}/v1.0/users/delta`);
});

t.test('expired delta link: 400 syncStateNotFound', async (t) => {
  const first = await graph('/users/delta', customerToken, { prefer: 'odata.maxpagesize=999' });
  emulator.directory.expireDeltaTokens('expired');
  const expired = await graph(first.body['@odata.deltaLink'], customerToken);
  t.equal(expired.status, 400);
  t.equal(expired.body.error.code, 'syncStateNotFound');
});

t.test('429 with Retry-After through the shared faults', async (t) => {
  emulator.controls.inject({ path: '^/v1\\.0/users$', kind: 'status', status: 429, retryAfterSeconds: 3, times: 1 });
  const throttled = await graph('/users', customerToken);
  t.equal(throttled.status, 429);
  t.equal(throttled.headers.get('retry-after'), '3');
  t.equal(throttled.body.error.code, 'TooManyRequests');
  t.equal((await graph('/users', customerToken)).status, 200);
});

t.test('seeding 200 customers × 250 users', async (t) => {
  const started = Date.now();
  const big = emulator.directory.seedPartner({ customers: 200, usersPerCustomer: 250, seed: 9 });
  t.comment(`seeded 50,000 users in ${Date.now() - started} ms`);
  t.equal(big.customers.length, 200);
  t.equal(big.customers.reduce((n, c) => n + emulator.directory.store.users(c.id).length, 0), 50_000);
  t.equal(new Set(big.customers.map((c) => c.displayName)).size, 200, 'company names are unique');
  t.ok(big.customers.every((c) => c.domains.filter((d) => d.isVerified && !d.isInitial).length >= 1));
  const again = seedPartner(new DirectoryStore(), { customers: 2, usersPerCustomer: 3, seed: 9 });
  t.same([again.partner.id, again.customers[0].id, again.customers[0].displayName], [big.partner.id, big.customers[0].id, big.customers[0].displayName], 'same seed, same data');
  t.throws(() => emulator.directory.seedPartner({ seed: 9 }), /already exists/);
});
