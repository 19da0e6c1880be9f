// Identity throttling per app + tenant pair (throttling-limits doc, identity and access service limits).
import t from 'tap';
import { startMicrosoftEmulator } from './server.js';
import { requestCost, tenantQuota } from './directory-throttle.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const seeded = emulator.directory.seedPartner({ customers: 2, usersPerCustomer: 30, seed: 11 });
const [first, second] = seeded.customers;
const tokenFor = (tenantId: string, clientId = seeded.app.clientId) => emulator.tokens.issue({ tenantId, clientId, scopes: ['.default'] }).token;
const get = (path: string, token: string) => fetch(`${emulator.url}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } });

t.test('the documented quotas and costs', async (t) => {
  t.same([tenantQuota(49), tenantQuota(50), tenantQuota(500), tenantQuota(501)], [3_500, 5_000, 5_000, 8_000]);
  t.equal(requestCost('/users', {}), 2);
  t.equal(requestCost('/users', { $select: 'id' }), 1, '$select takes one off');
  t.equal(requestCost('/contracts', { $top: '5' }), 2, '$top under 20 takes one off');
  t.equal(requestCost('/users/delta', { $select: 'id', $top: '5' }), 1, 'never under 1');
  t.equal(requestCost('/tenantRelationships/delegatedAdminCustomers', {}), null, 'not an identity path');
});

t.test('over the quota: 429 with Retry-After for that app and tenant only; the bucket refills with time', async (t) => {
  emulator.directory.setThrottling({ quota: 6 });
  t.teardown(() => emulator.directory.setThrottling({ quota: undefined }));
  const token = tokenFor(first.id);
  for (let i = 0; i < 3; i++) {
    const ok = await get('/users', token);
    t.equal(ok.status, 200);
    t.equal(ok.headers.get('x-ms-resource-unit'), '2');
  }
  const refused = await get('/users', token);
  t.equal(refused.status, 429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  t.equal(emulator.directory.retriedEarly, 0);
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 4, 'whole seconds until 2 units are back at 6 per 10 s');
  t.equal(refused.headers.get('x-ms-throttle-scope'), `Tenant_Application/Read/${seeded.app.clientId}/${first.id}`);
  t.equal(refused.headers.get('x-ms-throttle-information'), 'ResourceUnitLimitExceeded');
  t.match(await refused.json(), { error: { code: 'TooManyRequests' } });
  t.equal(emulator.directory.throttled, 1);

  t.equal((await get('/users', tokenFor(second.id))).status, 200, 'another tenant has its own bucket');
  const otherApp = emulator.directory.store.addApp({ homeTenantId: seeded.partner.id, multiTenant: true });
  t.equal((await get('/users', tokenFor(first.id, otherApp.clientId))).status, 200, 'another app has its own bucket');

  t.equal((await get('/users', token)).status, 429, 'still refused within Retry-After');
  t.equal(emulator.directory.retriedEarly, 1, 'and counted as a retry that did not wait');
  emulator.controls.advanceClock(4);
  t.equal((await get('/users', token)).status, 200, 'served again after Retry-After');
});

t.test('off: never throttled', async (t) => {
  emulator.directory.setThrottling({ enabled: false, quota: 1 });
  t.teardown(() => emulator.directory.setThrottling({ enabled: true, quota: undefined }));
  for (let i = 0; i < 5; i++) t.equal((await get('/users', tokenFor(first.id))).status, 200);
});
