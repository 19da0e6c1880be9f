// The identity emulator's responses have the fields and types of the identity platform's documented examples.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { startMicrosoftEmulator } from './server.js';
import { seedPartner } from './directory-seed.js';
import { completeConsent } from './identity-consent-client.js';
import { fixture, shapeMismatches } from './directory-fixture-shape.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const seeded = seedPartner(emulator.identity.store, { customers: 1, usersPerCustomer: 2, seed: 11 });
const { clientId, redirectUris: [redirectUri], clientSecrets: [clientSecret] } = seeded.app;

const token = async (tenant: string, form: Record<string, string>) => {
  const response = await fetch(`${emulator.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, ...form }) });
  return { status: response.status, body: await response.json() };
};

t.test('openid-configuration matches the published document', async (t) => {
  const body = await (await fetch(`${emulator.url}/common/v2.0/.well-known/openid-configuration`)).json();
  t.same(shapeMismatches(body, fixture('microsoft-identity/openid-configuration-common.json'), { exact: true }), []);
  t.equal(body.issuer, `${emulator.url}/{tenantid}/v2.0`);
  const byDomain = await (await fetch(`${emulator.url}/${seeded.partner.domains[0].id}/v2.0/.well-known/openid-configuration`)).json();
  t.equal(byDomain.issuer, `${emulator.url}/${seeded.partner.id}/v2.0`, 'a domain authority resolves to the tenant id');
  t.equal((await fetch(`${emulator.url}/nope.example/v2.0/.well-known/openid-configuration`)).status, 400);
});

t.test('auth-code token response and refresh response', async (t) => {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${emulator.url}/organizations/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid offline_access https://graph.microsoft.com/User.Read',
    state: 'abc', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', login_hint: seeded.admin.userPrincipalName,
  }).toString();
  const consent = await completeConsent(authorize.toString());
  const issued = await token('organizations', { grant_type: 'authorization_code', code: consent.params.get('code')!, redirect_uri: redirectUri, code_verifier: verifier, scope: 'openid offline_access https://graph.microsoft.com/User.Read' });
  t.equal(issued.status, 200);
  t.same(shapeMismatches(issued.body, fixture('microsoft-identity/token-response-auth-code.json')), []);
  t.equal(issued.body.scope, 'https://graph.microsoft.com/User.Read openid');
  const refreshed = await token('organizations', { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token, scope: 'openid offline_access https://graph.microsoft.com/User.Read' });
  t.same(shapeMismatches(refreshed.body, fixture('microsoft-identity/token-response-auth-code.json')), []);
  const noOffline = await completeConsent(authorize.toString().replace('offline_access+', ''));
  const withoutRefresh = await token('organizations', { grant_type: 'authorization_code', code: noOffline.params.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
  t.notOk('refresh_token' in withoutRefresh.body, 'refresh tokens only with offline_access');
});

t.test('client-credentials response', async (t) => {
  const issued = await token(seeded.partner.id, { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
  t.same(shapeMismatches(issued.body, fixture('microsoft-identity/token-response-client-credentials.json'), { exact: true }), []);
  const common = await token('common', { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' });
  t.equal(common.status, 400, 'client credentials need a tenant');
  const noDefault = await token(seeded.partner.id, { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/User.Read' });
  t.equal(noDefault.body.error, 'invalid_scope');
});

t.test('error responses', async (t) => {
  const example = fixture('microsoft-identity/token-error.json');
  const badCode = await token('common', { grant_type: 'authorization_code', code: 'nope', redirect_uri: redirectUri });
  t.equal(badCode.status, 400);
  t.same(shapeMismatches(badCode.body, example), []);
  t.match(badCode.body, { error: 'invalid_grant', error_description: /^AADSTS9002313: .*Trace ID: .*Correlation ID: .*Timestamp: /, error_codes: [9002313] });
  const unsupported = await token('common', { grant_type: 'password' });
  t.match(unsupported.body, { error: 'unsupported_grant_type' });
  const badClient = await fetch(`${emulator.url}/common/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ client_id: 'unknown', client_secret: 'x', grant_type: 'client_credentials' }) });
  t.match(await badClient.json(), { error: 'unauthorized_client', error_codes: [700016] });

  const cancel = await completeConsent(`${emulator.url}/common/oauth2/v2.0/authorize?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(redirectUri)}&scope=openid&state=s`, { action: 'cancel' });
  t.same(shapeMismatches(Object.fromEntries(cancel.params), fixture('microsoft-identity/authorize-error-redirect.json')), []);
  t.equal(cancel.params.get('error'), 'access_denied');
});
