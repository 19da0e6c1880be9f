// Helpers for tests (ours and the product's) that need a connected Google account: they click through
// the emulator's consent page over plain HTTP, as a browser would, and use the real client libraries.
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { CodeChallengeMethod, OAuth2Client, type Credentials } from 'google-auth-library';
import type { GoogleEmulator } from './server.js';

/** Fill and submit the consent page at `authUrl`; returns the redirect the browser would follow. */
export async function submitConsent(authUrl: string, choice: { email?: string; decision?: 'allow' | 'deny' } = {}): Promise<URL> {
  const page = await fetch(authUrl);
  if (page.status !== 200) throw new Error(`Consent page answered ${page.status}: ${await page.text()}`);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" id="[^"]*" name="([^"]*)" value="([^"]*)">/g)) {
    form.set(match[1], match[2].replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>'));
  }
  if (choice.email) form.set('email', choice.email);
  else {
    const checked = /<input type="radio" id="account-\d+" name="account" value="([^"]*)" checked>/.exec(html);
    if (checked) form.set('account', checked[1]);
  }
  form.set('decision', choice.decision ?? 'allow');
  const action = new URL('/o/oauth2/v2/auth/decision', authUrl);
  const response = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`Consent decision answered ${response.status}: ${await response.text()}`);
  return new URL(location);
}

export interface ConnectedAccount {
  auth: OAuth2Client;
  calendar: calendar_v3.Calendar;
  tokens: Credentials;
}

/**
 * The whole web-server flow with PKCE and offline access: generateAuthUrl → consent → getToken.
 * The emulator must already know `client` (see `addClient`).
 */
export async function connectAccount(
  emulator: GoogleEmulator,
  options: { email: string; client: { clientId: string; clientSecret: string; redirectUri: string }; scopes?: string[]; prompt?: string },
): Promise<ConnectedAccount> {
  const auth = new OAuth2Client({
    clientId: options.client.clientId,
    clientSecret: options.client.clientSecret,
    redirectUri: options.client.redirectUri,
    endpoints: emulator.endpoints,
  });
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
  const url = auth.generateAuthUrl({
    access_type: 'offline',
    scope: options.scopes ?? ['openid', 'email', 'https://www.googleapis.com/auth/calendar'],
    state: 'connect',
    code_challenge: codeChallenge!,
    code_challenge_method: CodeChallengeMethod.S256,
    login_hint: options.email,
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  const redirect = await submitConsent(url, { email: options.email });
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`Consent failed: ${redirect}`);
  const { tokens } = await auth.getToken({ code, codeVerifier });
  auth.setCredentials(tokens);
  return { auth, tokens, calendar: calendar({ version: 'v3', auth, rootUrl: emulator.rootUrl }) };
}
