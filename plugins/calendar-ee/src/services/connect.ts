// Connecting a calendar: a random state, stored hashed, bound to tenant + user + provider, single
// use, 10 minutes; PKCE S256. Google through the tenant's Google app, Microsoft through the profile
// bound to `calendar`. The callback exchanges the code and keeps the tokens in the secret store;
// they never reach the browser.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { CodeChallengeMethod } from 'google-auth-library';
import { CryptoProvider, ResponseMode } from '@azure/msal-node';
import { Conflict, Forbidden, forTenant, recordAudit } from '@switchboard/core';
import { refreshTokenFromCache } from '@switchboard/microsoft-bindings';
import { GOOGLE_SCOPES, googleOAuthClient, microsoftClient, MICROSOFT_SCOPES } from './identity-clients.js';
import { findProvider, type Viewer } from './providers.js';
import { googleApp, MICROSOFT_CALLBACK_PATH } from './settings.js';
import { saveTokens, type StoredTokens, type TokenDeps } from './tokens.js';

export const STATE_TTL_MS = 10 * 60_000;
const hash = (state: string) => createHash('sha256').update(state).digest('hex');

/** Why a callback was refused; the profile page shows a fixed message for each. */
export type ConnectRefusal = 'state_missing' | 'state_invalid' | 'state_used' | 'state_expired' | 'wrong_user' | 'cancelled' | 'provider_error' | 'token_failed' | 'not_configured';

export class ConnectRefused extends Error {
  constructor(readonly reason: ConnectRefusal) {
    super(`Calendar connection refused: ${reason}`);
  }
}

async function microsoftCredentials(deps: TokenDeps, tenantId: string) {
  const credentials = await deps.resolveMicrosoft(tenantId);
  if (!credentials) throw new Conflict('Bind a Microsoft profile to Calendar first (Settings → Integrations → Providers → Microsoft).');
  return credentials;
}

async function googleAppOrRefuse(deps: TokenDeps, tenantId: string) {
  const app = await googleApp(deps.db, deps.secrets, tenantId);
  if (!app) throw new Conflict('Google Calendar is not set up yet: an admin enters the Google app credentials in Settings → Integrations → Calendar.');
  return app;
}

/** Starts the OAuth flow for the viewer's own connection; returns where to send the browser. */
export async function startConnect(deps: TokenDeps, viewer: Viewer, providerId: string, loginHint: string): Promise<{ authorizeUrl: string }> {
  const provider = await findProvider(deps.db, viewer, providerId);
  if (provider.user_id !== viewer.userId) throw new Forbidden('Only the technician who owns a calendar connection can connect it.');
  const state = randomBytes(32).toString('base64url');
  let authorizeUrl: string;
  let verifier: string;
  if (provider.provider_type === 'google') {
    const client = googleOAuthClient(await googleAppOrRefuse(deps, viewer.tenantId), deps.providerUrls, deps.publicUrl);
    const pkce = await client.generateCodeVerifierAsync();
    verifier = pkce.codeVerifier;
    // prompt=consent: Google returns a refresh token only on consent, and a reconnect needs a new one.
    authorizeUrl = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: GOOGLE_SCOPES,
      state,
      code_challenge: pkce.codeChallenge!,
      code_challenge_method: CodeChallengeMethod.S256,
      login_hint: loginHint,
    });
  } else {
    const pkce = await new CryptoProvider().generatePkceCodes();
    verifier = pkce.verifier;
    authorizeUrl = await microsoftClient(await microsoftCredentials(deps, viewer.tenantId), deps.providerUrls).getAuthCodeUrl({
      scopes: MICROSOFT_SCOPES,
      redirectUri: `${deps.publicUrl}${MICROSOFT_CALLBACK_PATH}`,
      responseMode: ResponseMode.QUERY,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
      state,
      loginHint,
    });
  }
  await forTenant(deps.db, viewer.tenantId)
    .insertInto('calendar_oauth_states', {
      state_hash: hash(state),
      user_id: viewer.userId,
      provider_id: provider.id,
      provider_type: provider.provider_type,
      code_verifier: verifier,
      expires_at: new Date(Date.now() + STATE_TTL_MS),
    })
    .execute();
  return { authorizeUrl };
}

interface CallbackInput {
  state?: string;
  code?: string;
  error?: string;
}

/** Checks the state (ours, unused, fresh, this user's, this provider type's) and consumes it. */
async function consumeState(deps: TokenDeps, providerType: 'google' | 'microsoft', state: string | undefined, user: { tenantId: string; userId: string } | null) {
  if (!state) throw new ConnectRefused('state_missing');
  const row = await deps.db.selectFrom('calendar_oauth_states').selectAll().where('state_hash', '=', hash(state)).executeTakeFirst();
  if (!row || row.provider_type !== providerType) throw new ConnectRefused('state_invalid');
  if (!user || user.tenantId !== row.tenant_id || user.userId !== row.user_id) throw new ConnectRefused('wrong_user');
  if (row.consumed_at) throw new ConnectRefused('state_used');
  if (row.expires_at.getTime() <= Date.now()) throw new ConnectRefused('state_expired');
  const consumed = await deps.db
    .updateTable('calendar_oauth_states')
    .set({ consumed_at: sql`now()` })
    .where('state_hash', '=', row.state_hash)
    .where('consumed_at', 'is', null)
    .returning('provider_id')
    .executeTakeFirst();
  if (!consumed) throw new ConnectRefused('state_used');
  return row;
}

async function exchangeCode(deps: TokenDeps, providerType: 'google' | 'microsoft', tenantId: string, code: string, verifier: string) {
  if (providerType === 'google') {
    const app = await googleApp(deps.db, deps.secrets, tenantId);
    if (!app) throw new ConnectRefused('not_configured');
    const client = googleOAuthClient(app, deps.providerUrls, deps.publicUrl);
    const { tokens } = await client.getToken({ code, codeVerifier: verifier });
    const ticket = tokens.id_token ? await client.verifyIdToken({ idToken: tokens.id_token, audience: app.clientId }) : null;
    const stored: StoredTokens = { accessToken: tokens.access_token!, refreshToken: tokens.refresh_token ?? null, expiresAt: tokens.expiry_date ?? Date.now() + 3_000_000 };
    return { stored, email: ticket?.getPayload()?.email ?? null, clientId: app.clientId, calendarId: 'primary' };
  }
  const credentials = await deps.resolveMicrosoft(tenantId);
  if (!credentials) throw new ConnectRefused('not_configured');
  const client = microsoftClient(credentials, deps.providerUrls);
  const result = await client.acquireTokenByCode({ code, scopes: MICROSOFT_SCOPES, redirectUri: `${deps.publicUrl}${MICROSOFT_CALLBACK_PATH}`, codeVerifier: verifier });
  const stored: StoredTokens = { accessToken: result.accessToken, refreshToken: refreshTokenFromCache(client), expiresAt: result.expiresOn?.getTime() ?? Date.now() + 3_000_000 };
  return { stored, email: result.account?.username ?? null, clientId: credentials.clientId, calendarId: null };
}

const sameCalendar = (before: { account_email: string | null; calendar_id: string | null }, now: { email: string | null; calendarId: string | null }) =>
  (before.account_email === null || before.account_email.toLowerCase() === now.email?.toLowerCase()) && before.calendar_id === now.calendarId;

/**
 * A reconnect follows a lost grant, and the calendar may have lost its events too (a wiped or
 * restored mailbox), so nothing synced before is trusted. Another account or calendar shares no
 * events with this one: the mappings go and the next sync pushes every entry afresh. The same
 * calendar: each mapping turns `pending`, and the next sync reads its event before trusting it,
 * re-creating what is gone (push.ts). The cursor goes too (see the update below): the first
 * listing after a reconnect is not a reconcile, so events missing from it are not deletions.
 */
async function distrustMappings(trx: Transaction<Database>, tenantId: string, providerId: string, same: boolean) {
  const mappings = forTenant(trx, tenantId);
  if (!same) {
    await mappings.deleteFrom('calendar_event_mappings').where('provider_id', '=', providerId).execute();
    return;
  }
  await mappings
    .updateTable('calendar_event_mappings')
    .set({ status: 'pending', updated_at: sql`now()` })
    .where('provider_id', '=', providerId)
    .where('external_id', 'is not', null)
    .where('status', 'in', ['synced', 'error'])
    .execute();
}

/** Completes a connect callback for the signed-in `user`; returns the connected provider's id. */
export async function completeConnect(
  deps: TokenDeps,
  providerType: 'google' | 'microsoft',
  input: CallbackInput,
  user: { tenantId: string; userId: string } | null,
): Promise<string> {
  const state = await consumeState(deps, providerType, input.state, user);
  if (input.error) throw new ConnectRefused(input.error === 'access_denied' ? 'cancelled' : 'provider_error');
  if (!input.code) throw new ConnectRefused('provider_error');
  let exchanged: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    exchanged = await exchangeCode(deps, providerType, state.tenant_id, input.code, state.code_verifier);
  } catch (err) {
    if (err instanceof ConnectRefused) throw err;
    throw new ConnectRefused('token_failed');
  }
  await deps.db.transaction().execute(async (trx) => {
    await saveTokens(trx, deps.secrets, state.tenant_id, state.provider_id, exchanged.stored);
    const before = await forTenant(trx, state.tenant_id)
      .selectFrom('calendar_providers')
      .select(['account_email', 'calendar_id', 'connected_at'])
      .where('id', '=', state.provider_id)
      .forUpdate()
      .executeTakeFirst();
    if (before?.connected_at) await distrustMappings(trx, state.tenant_id, state.provider_id, sameCalendar(before, exchanged));
    await forTenant(trx, state.tenant_id)
      .updateTable('calendar_providers')
      .set({
        sync_cursor: null,
        status: 'connected',
        account_email: exchanged.email,
        calendar_id: exchanged.calendarId,
        authorized_client_id: exchanged.clientId,
        connected_at: sql`now()`,
        error_message: null,
        needs_reconnect: false,
        consecutive_failures: 0,
        updated_at: sql`now()`,
      })
      .where('id', '=', state.provider_id)
      .execute();
    await recordAudit(trx, {
      tenantId: state.tenant_id,
      actorUserId: state.user_id,
      action: 'calendar_provider.connected',
      targetType: 'calendar_provider',
      targetId: state.provider_id,
      details: { providerType, accountEmail: exchanged.email },
    });
  });
  return state.provider_id;
}
