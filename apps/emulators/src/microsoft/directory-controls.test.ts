import t from 'tap';
import { startMicrosoftEmulator } from './server.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const control = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${emulator.url}/_emulator${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: await response.json() };
};

t.test('seed, change and delete over HTTP; reset clears the directory', async (t) => {
  const seeded = (await control('POST', '/directory/seed-partner', { customers: 2, usersPerCustomer: 4, seed: 2 })).body;
  t.equal(seeded.customers.length, 2);
  t.equal(seeded.customers[0].users, 4);
  t.ok(seeded.app.clientSecret);
  const user = emulator.directory.store.users(seeded.customers[0].id)[0];
  t.equal((await control('PATCH', `/directory/users/${user.id}`, { jobTitle: 'Chief Tester' })).body.jobTitle, 'Chief Tester');
  t.equal((await control('POST', `/directory/users/${user.id}/disable`, {})).body.accountEnabled, false);
  t.equal((await control('POST', `/identity/users/${user.id}/enabled`, { enabled: true })).status, 200);
  t.equal(emulator.directory.store.user(user.id)?.accountEnabled, true);
  t.same((await control('POST', `/identity/users/${user.id}/revoke`, {})).body, { revoked: 0 });
  t.equal((await control('DELETE', `/directory/users/${user.id}?permanent=true`)).status, 200);
  t.same(emulator.directory.store.removedUsers(seeded.customers[0].id).map((r) => r.reason), ['deleted']);
  t.equal((await control('DELETE', `/directory/users/${user.id}`)).status, 404);

  const tenant = (await control('POST', '/identity/tenants', { displayName: 'Manual Co', domains: ['manual.example'] })).body;
  t.match(tenant.domains, [{ id: 'manual.example', isDefault: true }, { id: 'manual.onmicrosoft.com', isInitial: true }]);
  const added = (await control('POST', '/identity/users', { tenantId: tenant.id, displayName: 'Ada Lovelace', userPrincipalName: 'ada@manual.example' })).body;
  t.match(added, { givenName: 'Ada', surname: 'Lovelace', mail: 'ada@manual.example', accountEnabled: true });

  await control('POST', '/reset', {});
  t.equal(emulator.directory.store.tenants.size, 0);
  const discovery = await fetch(`${emulator.url}/${seeded.partnerTenantId}/v2.0/.well-known/openid-configuration`);
  t.equal(discovery.status, 400, 'the tenant is gone after a reset');
});
