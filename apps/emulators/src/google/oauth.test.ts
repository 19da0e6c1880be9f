import t from 'tap';
import { calendar } from '@googleapis/calendar';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { startGoogleEmulator } from './server.js';
import { connectAccount, submitConsent } from './testing.js';

const client = { clientId: 'switchboard-test.apps.googleusercontent.com', clientSecret: 'GOCSPX-secret', redirectUri: 'http://127.0.0.1:9/callback' };
const emulator = await startGoogleEmulator({
  seed: { clients: [{ ...client, redirectUris: [client.redirectUri], name: 'Switchboard' }], accounts: [{ email: 'ada@example.com', name: 'Ada' }, { email: 'bob@example.com' }] },
});
t.teardown(emulator.close);

const newClient = () => new OAuth2Client({ ...client, endpoints: emulator.endpoints });
const CALENDAR = 'https://www.googleapis.com/auth/calendar';

t.test('the consent page lists accounts and scopes with clickable ids, Allow redirects with code and state', async (t) => {
  const auth = newClient();
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
  const url = auth.generateAuthUrl({ access_type: 'offline', scope: [CALENDAR], state: 'xyz', code_challenge: codeChallenge!, code_challenge_method: CodeChallengeMethod.S256, login_hint: 'bob@example.com' });
  t.ok(url.startsWith(`${emulator.url}/o/oauth2/v2/auth?`));
  const html = await (await fetch(url)).text();
  for (const id of ['allow-button', 'deny-button', 'email-input', 'account-0', 'account-1', 'consent-form']) t.match(html, `id="${id}"`, id);
  t.match(html, /id="account-1" name="account" value="bob@example.com" checked/, 'login_hint preselects the account');

  const redirect = await submitConsent(url);
  t.equal(`${redirect.origin}${redirect.pathname}`, client.redirectUri);
  t.equal(redirect.searchParams.get('state'), 'xyz');
  const code = redirect.searchParams.get('code')!;
  t.match(code, /^4\//);

  const { tokens } = await auth.getToken({ code, codeVerifier });
  t.match(tokens, { token_type: 'Bearer', scope: CALENDAR, access_token: /^ya29\./, refresh_token: /^1\/\// });
  t.ok(tokens.expiry_date! > Date.now() + 3500_000, 'expires_in is about an hour');

  const reused = await auth.getToken({ code, codeVerifier }).catch((e) => e);
  t.equal(reused.status, 400, 'codes are single-use');
  t.same(reused.response.data, { error: 'invalid_grant', error_description: 'Bad Request' });
});

t.test('Deny redirects with error=access_denied', async (t) => {
  const url = newClient().generateAuthUrl({ scope: [CALENDAR], state: 's1' });
  const redirect = await submitConsent(url, { decision: 'deny' });
  t.equal(redirect.searchParams.get('error'), 'access_denied');
  t.equal(redirect.searchParams.get('state'), 's1');
  t.notOk(redirect.searchParams.get('code'));
});

t.test('unknown clients and unregistered redirect URIs get a readable error page, not a redirect', async (t) => {
  const badClient = new OAuth2Client({ clientId: 'nobody', redirectUri: client.redirectUri, endpoints: emulator.endpoints }).generateAuthUrl({ scope: [CALENDAR] });
  const r1 = await fetch(badClient, { redirect: 'manual' });
  t.equal(r1.status, 401);
  t.match(await r1.text(), /invalid_client/);
  const badRedirect = new OAuth2Client({ clientId: client.clientId, redirectUri: 'http://evil.example/cb', endpoints: emulator.endpoints }).generateAuthUrl({ scope: [CALENDAR] });
  const r2 = await fetch(badRedirect, { redirect: 'manual' });
  t.equal(r2.status, 400);
  t.match(await r2.text(), /redirect_uri_mismatch/);
});

t.test('PKCE: a wrong or missing verifier is invalid_grant; a plain challenge works', async (t) => {
  const auth = newClient();
  const { codeChallenge } = await auth.generateCodeVerifierAsync();
  const url = auth.generateAuthUrl({ scope: [CALENDAR], code_challenge: codeChallenge!, code_challenge_method: CodeChallengeMethod.S256 });
  const code = (await submitConsent(url)).searchParams.get('code')!;
  const wrong = await auth.getToken({ code, codeVerifier: 'x'.repeat(64) }).catch((e) => e);
  t.same(wrong.response.data, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });

  const code2 = (await submitConsent(url)).searchParams.get('code')!;
  const missing = await auth.getToken({ code: code2 }).catch((e) => e);
  t.same(missing.response.data, { error: 'invalid_grant', error_description: 'Missing code verifier.' });

  const plainUrl = auth.generateAuthUrl({ scope: [CALENDAR], code_challenge: 'plain-verifier-'.repeat(4), code_challenge_method: CodeChallengeMethod.Plain });
  const code3 = (await submitConsent(plainUrl)).searchParams.get('code')!;
  const { tokens } = await auth.getToken({ code: code3, codeVerifier: 'plain-verifier-'.repeat(4) });
  t.ok(tokens.access_token);
  t.notOk(tokens.refresh_token, 'online access (the default) gets no refresh token');
});

t.test('a wrong client secret is invalid_client; Basic client authentication works', async (t) => {
  const url = newClient().generateAuthUrl({ scope: [CALENDAR] });
  const code = (await submitConsent(url, { email: 'carol@example.com' })).searchParams.get('code')!;
  const wrong = new OAuth2Client({ ...client, clientSecret: 'nope', endpoints: emulator.endpoints });
  const failed = await wrong.getToken(code).catch((e) => e);
  t.equal(failed.status, 401);
  t.equal(failed.response.data.error, 'invalid_client');

  const code2 = (await submitConsent(url, { email: 'carol@example.com' })).searchParams.get('code')!;
  // ClientSecretBasic = 'ClientSecretBasic'
  const basic = new OAuth2Client({ ...client, endpoints: emulator.endpoints, clientAuthentication: 'ClientSecretBasic' as never });
  const { tokens } = await basic.getToken(code2);
  t.ok(tokens.access_token);
  t.ok(emulator.events('carol@example.com') !== undefined && emulator.context.store.calendars.has('carol@example.com'), 'a typed-in account gets a primary calendar');
});

t.test('a refresh token is issued on first consent only, unless prompt=consent', async (t) => {
  const first = await connectAccount(emulator, { email: 'dora@example.com', client });
  t.ok(first.tokens.refresh_token);
  const second = await connectAccount(emulator, { email: 'dora@example.com', client }).catch((e) => e);
  // connectAccount succeeds; the library just gets no refresh token back.
  t.notOk(second.tokens.refresh_token);
  const forced = await connectAccount(emulator, { email: 'dora@example.com', client, prompt: 'consent' });
  t.ok(forced.tokens.refresh_token);
});

t.test('an expired access token answers 401 and the library refreshes and replays; after revocation refresh is invalid_grant', async (t) => {
  const { auth, tokens } = await connectAccount(emulator, { email: 'ada@example.com', client, prompt: 'consent' });
  // Credentials stored without expiry_date (as products persist them), so a 401 triggers the refresh.
  auth.setCredentials({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
  const api = calendar({ version: 'v3', auth, rootUrl: emulator.rootUrl });
  t.equal((await api.calendarList.list()).status, 200);
  const before = emulator.controls.count('POST /token');
  emulator.expireAccessTokens({ email: 'ada@example.com' });
  const list = await api.calendarList.list();
  t.equal(list.status, 200);
  t.equal(emulator.controls.count('POST /token'), before + 1, 'one refresh');
  t.not(auth.credentials.access_token, tokens.access_token);
  t.equal(auth.credentials.refresh_token, tokens.refresh_token, 'Google does not rotate refresh tokens');

  t.same((await fetch(`${emulator.url}/_emulator/google/revoke-refresh-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com' }) })).status, 200);
  const failed = await auth.refreshAccessToken().catch((e) => e);
  t.equal(failed.status, 400);
  t.same(failed.response.data, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  const unauthorized = await api.calendarList.list().catch((e) => e);
  // Revoking the grant kills its access tokens too; the credentials now carry an expiry_date, so no refresh.
  t.equal(unauthorized.status, 401);
  t.equal(unauthorized.response.data.error.errors[0].reason, 'authError');
});

t.test('revoke by access token revokes the grant; an unknown token is invalid_token', async (t) => {
  const { auth, tokens } = await connectAccount(emulator, { email: 'bob@example.com', client, prompt: 'consent' });
  const revoked = await auth.revokeToken(tokens.access_token!);
  t.equal(revoked.status, 200);
  const failed = await auth.refreshAccessToken().catch((e) => e);
  t.equal(failed.response.data.error, 'invalid_grant');
  const again = await auth.revokeToken(tokens.access_token!).catch((e) => e);
  t.same(again.response.data, { error: 'invalid_token', error_description: 'Token expired or revoked' });
});

t.test('openid email scopes: id_token verifies with the library, userinfo and tokeninfo name the account', async (t) => {
  const { auth, tokens } = await connectAccount(emulator, { email: 'ada@example.com', client, prompt: 'consent' });
  const ticket = await auth.verifyIdToken({ idToken: tokens.id_token!, audience: client.clientId });
  t.match(ticket.getPayload(), { email: 'ada@example.com', email_verified: true, aud: client.clientId, iss: 'https://accounts.google.com' });
  const info = await auth.getTokenInfo(tokens.access_token!);
  t.equal(info.email, 'ada@example.com');
  t.ok(info.scopes.includes(CALENDAR));
  const me = await auth.request<{ email: string; sub: string }>({ url: `${emulator.url}/oauth2/v3/userinfo` });
  t.equal(me.data.email, 'ada@example.com');
  t.equal(me.data.sub, ticket.getPayload()!.sub);
});

t.test('prompt=none succeeds for a granted account and answers consent_required otherwise', async (t) => {
  await connectAccount(emulator, { email: 'erin@example.com', client });
  const auth = newClient();
  const ok = await fetch(auth.generateAuthUrl({ scope: ['openid', 'email', CALENDAR], prompt: 'none', login_hint: 'erin@example.com' }), { redirect: 'manual' });
  t.equal(ok.status, 302);
  t.ok(new URL(ok.headers.get('location')!).searchParams.get('code'));
  const refused = await fetch(auth.generateAuthUrl({ scope: [CALENDAR], prompt: 'none', login_hint: 'frank@example.com' }), { redirect: 'manual' });
  t.equal(new URL(refused.headers.get('location')!).searchParams.get('error'), 'consent_required');
});

t.test('a refresh token unused for six months (emulator clock) answers invalid_grant with Google’s body; a used one lives on', async (t) => {
  const kept = await connectAccount(emulator, { email: 'ada@example.com', client, prompt: 'consent' });
  const idle = await connectAccount(emulator, { email: 'bob@example.com', client, prompt: 'consent' });
  const refresh = (tokens: typeof kept.tokens) => {
    const auth = newClient();
    auth.setCredentials({ refresh_token: tokens.refresh_token });
    return auth.refreshAccessToken();
  };
  const bad = await fetch(`${emulator.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: -5 }) });
  t.equal(bad.status, 400, 'the clock only moves forward');

  for (let month = 0; month < 7; month++) {
    await fetch(`${emulator.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 30 * 86_400 }) });
    if (month < 5) {
      const { credentials } = await refresh(kept.tokens);
      t.notOk(credentials.refresh_token !== kept.tokens.refresh_token, 'Google keeps the refresh token (no rotation)');
    }
  }
  // Ada's token was used five months in; two months later it is still alive. Bob's was never used.
  t.ok((await refresh(kept.tokens)).credentials.access_token);
  const expired = await refresh(idle.tokens).catch((e) => e);
  t.equal(expired.status, 400);
  t.same(expired.response.data, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  emulator.controls.reset();
});
