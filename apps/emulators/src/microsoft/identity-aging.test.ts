// Refresh tokens age on the emulator clock like the identity platform's: a new one on every
// redemption, and one left unused for 90 days answers invalid_grant AADSTS700082 (msal-node's part
// is covered through the product in plugins/calendar-ee/src/services/grants.test.ts).
// https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-lifetime
import t from 'tap';
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { startMicrosoftEmulator } from './server.js';
import { emulatorMsalConfig } from './msal-emulator.js';
import { completeConsent } from './identity-consent-client.js';

const emulator = await startMicrosoftEmulator();
t.teardown(emulator.close);
const directory = emulator.identity.addTenant({ displayName: 'Aging', domains: ['aging.test'] });
emulator.identity.addUser(directory.id, { displayName: 'Ada', userPrincipalName: 'ada@aging.test' });
const secret = 'Ms~aging-secret-value-1234567890';
const registration = emulator.identity.addApp({ homeTenantId: directory.id, clientSecrets: [secret], redirectUris: ['http://127.0.0.1:9/cb'], multiTenant: true, permissions: ['Calendars.ReadWrite', 'User.Read'] });
const scopes = ['Calendars.ReadWrite', 'offline_access'];
const DAY = 86_400;

const newClient = () => new ConfidentialClientApplication(emulatorMsalConfig(emulator.url, { clientId: registration.clientId, clientSecret: secret }));
const refreshTokenOf = (cca: ConfidentialClientApplication) =>
  Object.values((JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> }).RefreshToken)[0].secret;

async function signIn() {
  const cca = newClient();
  const pkce = await new CryptoProvider().generatePkceCodes();
  const url = await cca.getAuthCodeUrl({ scopes, redirectUri: 'http://127.0.0.1:9/cb', codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', loginHint: 'ada@aging.test' });
  const code = (await completeConsent(url, { login: 'ada@aging.test' })).params.get('code')!;
  await cca.acquireTokenByCode({ code, scopes, redirectUri: 'http://127.0.0.1:9/cb', codeVerifier: pkce.verifier });
  return refreshTokenOf(cca);
}

/** The refresh grant as msal-node posts it; answers the new refresh token, or the AAD error body. */
async function redeem(refreshToken: string): Promise<{ refreshToken?: string; error?: { error: string; error_description: string; error_codes: number[] } }> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: registration.clientId, client_secret: secret, refresh_token: refreshToken, scope: 'Calendars.ReadWrite offline_access openid profile' });
  const res = await fetch(`${emulator.url}/common/oauth2/v2.0/token`, { method: 'POST', body: form });
  const body = await res.json();
  return res.ok ? { refreshToken: body.refresh_token } : { error: body };
}

t.test('every redemption rotates; a token inactive for 90 days is AADSTS700082', async (t) => {
  let token = await signIn();
  const first = token;
  for (const days of [80, 80]) {
    emulator.controls.advanceClock(days * DAY);
    const next = (await redeem(token)).refreshToken;
    t.ok(next && next !== token, 'a new refresh token on every redemption');
    token = next!;
  }
  emulator.controls.advanceClock(91 * DAY);
  const { error } = await redeem(token);
  t.equal(error?.error, 'invalid_grant');
  t.same(error?.error_codes, [700082]);
  t.match(error?.error_description, /^AADSTS700082: The refresh token has expired due to inactivity\. The token was issued on \d{4}-\d\d-\d\dT[\d:.]+Z and was inactive for 91\.00:00:\d\d\./);
  t.same((await redeem(first)).error?.error_codes, [700082], 'the first token, unused since, is long expired');
});
