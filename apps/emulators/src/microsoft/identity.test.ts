import t from 'tap';
import { createPublicKey, createVerify } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider, ResponseMode, type AuthenticationResult } from '@azure/msal-node';
import { startMicrosoftEmulator } from './server.js';
import { seedPartner } from './directory-seed.js';
import { emulatorAuthority, emulatorMsalConfig } from './msal-emulator.js';
import { completeConsent } from './identity-consent-client.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const store = emulator.identity.store;
const seeded = seedPartner(store, { customers: 3, usersPerCustomer: 5, seed: 7 });
const redirectUri = seeded.app.redirectUris[0];
const clientSecret = seeded.app.clientSecrets[0];
const crypto = new CryptoProvider();
const scopes = ['https://graph.microsoft.com/.default'];

const newClient = () => new ConfidentialClientApplication(emulatorMsalConfig(emulator.url, { clientId: seeded.app.clientId, clientSecret }));

/** Sign in through the consent page with PKCE, as the product's connect flow does. */
async function signIn(cca: ConfidentialClientApplication, login: string) {
  const pkce = await crypto.generatePkceCodes();
  const nonce = crypto.createNewGuid();
  const url = await cca.getAuthCodeUrl({ scopes, redirectUri, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', state: 'st-1', nonce, loginHint: login });
  const consent = await completeConsent(url);
  return { url, pkce, nonce, consent, code: consent.params.get('code') ?? '' };
}

/** Refresh tokens live in msal's cache only; read them back the way a cache plugin would. */
function cachedRefreshTokens(cca: ConfidentialClientApplication): string[] {
  const cache = JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
  return Object.values(cache.RefreshToken).map((r) => r.secret);
}

function verifyJwt(jwt: string, jwks: { keys: Record<string, unknown>[] }): Record<string, unknown> {
  const [header, payload, signature] = jwt.split('.');
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString());
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk || alg !== 'RS256') throw new Error('unknown key');
  const ok = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(createPublicKey({ key: jwk as never, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('bad signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

t.test('auth code + PKCE through the consent page, signed id token, refresh rotation, revocation', async (t) => {
  const cca = newClient();
  const { url, pkce, nonce, consent, code } = await signIn(cca, seeded.admin.userPrincipalName);
  t.match(url, new RegExp(`^${emulator.url}/common/oauth2/v2.0/authorize\\?`), 'the browser is sent to the emulator itself');
  t.equal(consent.params.get('state'), 'st-1');
  t.ok(code);

  // msal 7 checks the id token's nonce against the one passed here.
  const result = (await cca.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: pkce.verifier, nonce })) as AuthenticationResult;
  t.equal(result.tenantId, seeded.partner.id);
  t.match(result.idTokenClaims, { tid: seeded.partner.id, oid: seeded.admin.id, preferred_username: seeded.admin.userPrincipalName, nonce, ver: '2.0', aud: seeded.app.clientId });
  t.equal(result.account?.homeAccountId, `${seeded.admin.id}.${seeded.partner.id}`, 'client_info gives msal the home account id');
  const claims = emulator.tokens.verify(`Bearer ${result.accessToken}`);
  t.match(claims, { tenantId: seeded.partner.id, userId: seeded.admin.id, clientId: seeded.app.clientId });

  const jwks = await (await fetch(`${emulator.url}/${seeded.partner.id}/discovery/v2.0/keys`)).json();
  const verified = verifyJwt(result.idToken, jwks);
  t.equal(verified.iss, `https://login.emulator.test/${seeded.partner.id}/v2.0`);

  t.test('the code is single use', async (t) => {
    await t.rejects(cca.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: pkce.verifier, nonce }), { errorCode: 'invalid_grant', message: /AADSTS54005/ });
  });

  const first = cachedRefreshTokens(cca);
  t.equal(first.length, 1);
  const refreshed = await cca.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true });
  t.not(refreshed.accessToken, result.accessToken);
  const second = cachedRefreshTokens(cca);
  t.not(second[0], first[0], 'each refresh returns a new refresh token');
  const byRefresh = await cca.acquireTokenByRefreshToken({ refreshToken: second[0], scopes });
  t.ok(byRefresh?.accessToken);
  t.not(cachedRefreshTokens(cca)[0], second[0]);

  t.equal(emulator.identity.revokeRefreshTokens(seeded.admin.id) >= 2, true);
  await t.rejects(cca.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true }), { errorCode: 'invalid_grant', message: /AADSTS50173/ });
});

t.test('a disabled user is refused on the consent page and at refresh', async (t) => {
  const user = store.users(seeded.partner.id)[1];
  const cca = newClient();
  const { code, pkce, nonce } = await signIn(cca, user.userPrincipalName);
  const result = await cca.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: pkce.verifier, nonce });
  emulator.identity.setUserEnabled(user.id, false);
  t.teardown(() => emulator.identity.setUserEnabled(user.id, true));
  await t.rejects(cca.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true }), { errorCode: 'invalid_grant', message: /AADSTS50057/ });
  const again = await signIn(cca, user.userPrincipalName);
  t.equal(again.consent.status, 400);
  t.match(again.consent.html, /id="login-error"[^>]*>AADSTS50057/);
});

t.test('wrong PKCE verifier, wrong redirect_uri, Cancel', async (t) => {
  const cca = newClient();
  const wrongVerifier = await signIn(cca, seeded.admin.userPrincipalName);
  await t.rejects(cca.acquireTokenByCode({ code: wrongVerifier.code, scopes, redirectUri, codeVerifier: 'x'.repeat(43) }), { errorCode: 'invalid_grant', message: /AADSTS501481/ });

  const wrongRedirect = await signIn(cca, seeded.admin.userPrincipalName);
  seeded.app.redirectUris.push('http://localhost:9/other');
  t.teardown(() => seeded.app.redirectUris.pop());
  await t.rejects(cca.acquireTokenByCode({ code: wrongRedirect.code, scopes, redirectUri: 'http://localhost:9/other', codeVerifier: wrongRedirect.pkce.verifier }), { message: /^invalid_grant/ });

  const unregistered = await cca.getAuthCodeUrl({ scopes, redirectUri: 'http://evil.example/cb' });
  const page = await fetch(unregistered);
  t.equal(page.status, 400);
  t.match(await page.text(), /AADSTS50011/);

  const url = await cca.getAuthCodeUrl({ scopes, redirectUri, state: 'st-2' });
  const cancelled = await completeConsent(url, { login: seeded.admin.userPrincipalName, action: 'cancel' });
  t.equal(cancelled.params.get('error'), 'access_denied');
  t.equal(cancelled.params.get('state'), 'st-2');
  t.match(cancelled.location, /^http:\/\/localhost:3000\/api\/integrations\/microsoft\/callback\?/);
});

t.test('a tenant-specific authority only signs in that tenant\'s users', async (t) => {
  const cca = newClient();
  const url = await cca.getAuthCodeUrl({ scopes, redirectUri, authority: emulatorAuthority(seeded.customers[0].id) });
  const refused = await completeConsent(url, { login: seeded.admin.userPrincipalName });
  t.equal(refused.status, 400);
  t.match(refused.html, /AADSTS50034/);
  const customerUser = store.users(seeded.customers[0].id).find((u) => u.accountEnabled && u.userType === 'Member')!;
  const accepted = await completeConsent(url, { login: customerUser.userPrincipalName });
  t.ok(accepted.params.get('code'));
});

t.test('client credentials, and per-customer tokens from the partner refresh token', async (t) => {
  const cca = newClient();
  const appToken = await new ConfidentialClientApplication(
    emulatorMsalConfig(emulator.url, { clientId: seeded.app.clientId, clientSecret, tenant: seeded.partner.id }),
  ).acquireTokenByClientCredential({ scopes });
  t.match(emulator.tokens.verify(`Bearer ${appToken?.accessToken}`), { tenantId: seeded.partner.id, clientId: seeded.app.clientId, userId: undefined });

  const { code, pkce, nonce } = await signIn(cca, seeded.admin.userPrincipalName);
  await cca.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: pkce.verifier, nonce });
  const partnerRefreshToken = cachedRefreshTokens(cca)[0];
  const customer = seeded.customers[1];
  const customerToken = await cca.acquireTokenByRefreshToken({ refreshToken: partnerRefreshToken, scopes, authority: emulatorAuthority(customer.id) });
  t.match(emulator.tokens.verify(`Bearer ${customerToken?.accessToken}`), { tenantId: customer.id, userId: seeded.admin.id });
  t.equal(customerToken?.tenantId, customer.id);

  const stranger = store.addTenant({ displayName: 'No Relationship Ltd', domains: ['norelationship.com'] });
  await t.rejects(cca.acquireTokenByRefreshToken({ refreshToken: partnerRefreshToken, scopes, authority: emulatorAuthority(stranger.id) }), { errorCode: 'invalid_grant', message: /AADSTS50020/ });
  await t.rejects(
    new ConfidentialClientApplication(emulatorMsalConfig(emulator.url, { clientId: seeded.app.clientId, clientSecret: 'wrong', tenant: seeded.partner.id })).acquireTokenByClientCredential({ scopes }),
    { errorCode: 'invalid_client', message: /AADSTS7000215/ },
  );
});

t.test('expired codes and form_post', async (t) => {
  const cca = newClient();
  const flow = await signIn(cca, seeded.admin.userPrincipalName);
  emulator.identity.expireCodes();
  await t.rejects(cca.acquireTokenByCode({ code: flow.code, scopes, redirectUri, codeVerifier: flow.pkce.verifier, nonce: flow.nonce }), { message: /AADSTS70008/ });
  const url = await cca.getAuthCodeUrl({ scopes, redirectUri, responseMode: ResponseMode.FORM_POST, state: 'fp' });
  const page = await fetch(url);
  const form = new URLSearchParams([...(await page.text()).matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [m[1], m[2].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))]));
  form.set('login', seeded.admin.userPrincipalName);
  form.set('action', 'accept');
  const posted = await fetch(url.split('?')[0], { method: 'POST', body: form });
  const html = await posted.text();
  t.match(html, new RegExp(`<form method="post" action="${redirectUri}">`));
  t.match(html, /name="code" value="[^"]+"/);
  t.match(html, /name="state" value="fp"/);
});
