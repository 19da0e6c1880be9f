// users/delta over a user's life: soft delete, restore, permanent delete from deleted items, and
// delta links that fail the way real tenants have answered (not only 410 / syncStateNotFound).
import t from 'tap';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { startMicrosoftEmulator } from './server.js';
import { emulatorAuthority, emulatorMsalConfig } from './msal-emulator.js';
import { completeConsent } from './identity-consent-client.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const seeded = emulator.directory.seedPartner({ customers: 1, usersPerCustomer: 12, seed: 77 });
const scopes = ['https://graph.microsoft.com/.default'];
const redirectUri = seeded.app.redirectUris[0];
const cca = new ConfidentialClientApplication(emulatorMsalConfig(emulator.url, { clientId: seeded.app.clientId, clientSecret: seeded.app.clientSecrets[0] }));
const signIn = await completeConsent(await cca.getAuthCodeUrl({ scopes, redirectUri, loginHint: seeded.admin.userPrincipalName }));
await cca.acquireTokenByCode({ code: signIn.params.get('code')!, scopes, redirectUri });
const refreshToken = Object.values(JSON.parse(cca.getTokenCache().serialize()).RefreshToken as Record<string, { secret: string }>)[0].secret;
const customer = seeded.customers[0];
const token = (await cca.acquireTokenByRefreshToken({ refreshToken, scopes, authority: emulatorAuthority(customer.id) }))!.accessToken;

const graph = async (url: string) => {
  const response = await fetch(url.startsWith('http') ? url : `${emulator.url}/v1.0${url}`, { headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=999' } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const control = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${emulator.url}/_emulator/directory${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
/** A fresh delta link (a complete initial round). */
const baseline = async () => (await graph('/users/delta?$select=displayName,accountEnabled')).body['@odata.deltaLink'] as string;

t.test('soft delete → @removed changed; restore → the user is back in the next round and in /users', async (t) => {
  const user = emulator.directory.store.users(customer.id)[3];
  let link = await baseline();
  t.equal((await control('DELETE', `/users/${user.id}`)).status, 200);
  let round = await graph(link);
  t.same(round.body.value, [{ id: user.id, '@removed': { reason: 'changed' } }]);
  t.notOk((await graph('/users?$top=999')).body.value.some((u: { id: string }) => u.id === user.id), 'not listed while deleted');
  link = round.body['@odata.deltaLink'];

  const restored = await control('POST', `/users/${user.id}/restore`);
  t.equal(restored.status, 200);
  t.equal(restored.body.id, user.id);
  round = await graph(link);
  t.same(round.body.value, [{ id: user.id, displayName: user.displayName, accountEnabled: user.accountEnabled }], 'returns as an ordinary user');
  t.ok((await graph('/users?$top=999')).body.value.some((u: { id: string }) => u.id === user.id));
  t.equal((await control('POST', `/users/${user.id}/restore`)).status, 404, 'nothing left to restore');
});

t.test('deleted and restored between two rounds: only the user shows, no removal', async (t) => {
  const user = emulator.directory.store.users(customer.id)[4];
  const link = await baseline();
  emulator.directory.deleteUser(user.id);
  emulator.directory.restoreUser(user.id);
  t.same((await graph(link)).body.value.map((u: { id: string; '@removed'?: unknown }) => [u.id, '@removed' in u]), [[user.id, false]]);
});

t.test('permanently deleting a soft-deleted user reports reason deleted; it cannot be restored', async (t) => {
  const user = emulator.directory.store.users(customer.id)[5];
  emulator.directory.deleteUser(user.id);
  const link = await baseline();
  t.equal((await control('DELETE', `/users/${user.id}`)).status, 404, 'a soft delete of a deleted user: unknown');
  t.equal((await control('DELETE', `/users/${user.id}?permanent=true`)).status, 200);
  t.same((await graph(link)).body.value, [{ id: user.id, '@removed': { reason: 'deleted' } }]);
  t.equal((await control('POST', `/users/${user.id}/restore`)).status, 404);
});

t.test('an expired delta link can answer an unexpected error (status + code)', async (t) => {
  const link = await baseline();
  const refused = await control('POST', '/expire-delta-tokens', { status: 'x', code: 'UnknownError' });
  t.equal(refused.status, 400);
  t.match(refused.body.error, /status/);
  t.equal((await control('POST', '/expire-delta-tokens', { status: 404, code: 'UnknownError' })).status, 200);
  const answer = await graph(link);
  t.equal(answer.status, 404);
  t.equal(answer.body.error.code, 'UnknownError');
  const fresh = await graph('/users/delta');
  t.equal(fresh.status, 200, 'a new round (no token) still works');
  t.ok(fresh.body['@odata.deltaLink']);
  t.equal((await graph(fresh.body['@odata.deltaLink'])).status, 200, 'links issued afterwards work');
});
