// The tenant's one active Entra connection: Direct (partner delegated auth code + PKCE through the
// Microsoft profile the admin picks; its refresh token in the secret store) or CIPP (API client
// credentials, checked with a real call before anything is saved). Disconnect keeps discovered
// tenants and mappings, so reconnecting picks up where the MSP left off.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { CryptoProvider, ResponseMode } from '@azure/msal-node';
import type { EntraConnectionsTable } from '@switchboard/db';
import { BadRequest, Conflict, NotFound, OutboundUrlRefused, checkOutboundUrl, forTenant, recordAudit, type Db, type SecretStore } from '@switchboard/core';
import { confidentialClient, type MicrosoftCredentials } from '@switchboard/microsoft-bindings';
import { cippDirectory } from './cipp-directory.js';
import { directDirectory } from './direct-directory.js';
import type { EntraDirectory } from './directory.js';

export const CALLBACK_PATH = '/api/integrations/entra/callback';
const STATE_TTL_MS = 10 * 60_000;
const CONNECT_SCOPES = ['https://graph.microsoft.com/.default'];

export interface ConnectionDeps {
  db: Db;
  secrets: SecretStore;
  loginUrl: string;
  graphUrl: string;
  publicUrl: string;
  /** SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS (dev, demo, tests): a CIPP URL may be http(s) to loopback. */
  allowLoopbackProviders?: boolean;
}

export interface Actor {
  tenantId: string;
  userId: string;
}

const refreshTokenName = (connectionId: string) => `entra_connection:${connectionId}:refresh_token`;
const cippSecretName = (connectionId: string) => `entra_connection:${connectionId}:cipp_client_secret`;
// The name microsoft-bindings stores a profile's client secret under (services/consumers.ts).
const profileSecretName = (profileId: string) => `microsoft_profile:${profileId}:client_secret`;
const hashOf = (value: string) => createHash('sha256').update(value).digest('hex');

export type ConnectionRow = Selectable<EntraConnectionsTable>;

export const toConnection = (row: ConnectionRow, profileName: string | null) => ({
  id: row.id,
  kind: row.kind,
  status: row.status,
  profileId: row.profile_id,
  profileName,
  partnerTenantId: row.partner_tenant_id,
  partnerUser: row.partner_user,
  cippBaseUrl: row.cipp_base_url,
  cippClientId: row.cipp_client_id,
  cippTenantId: row.cipp_authority_tenant,
  lastError: row.last_error,
  connectedAt: row.connected_at.toISOString(),
});

export async function activeConnection(db: Db, tenantId: string): Promise<ConnectionRow | null> {
  return (await forTenant(db, tenantId).selectFrom('entra_connections').selectAll().where('status', '<>', 'disconnected').executeTakeFirst()) ?? null;
}

export async function describeConnection(db: Db, tenantId: string) {
  const row = await activeConnection(db, tenantId);
  if (!row) return null;
  const profile = row.profile_id
    ? await forTenant(db, tenantId).selectFrom('microsoft_profiles').select('display_name').where('id', '=', row.profile_id).executeTakeFirst()
    : undefined;
  return toConnection(row, profile?.display_name ?? null);
}

async function profileCredentials(deps: ConnectionDeps, tenantId: string, profileId: string): Promise<MicrosoftCredentials | null> {
  const profile = await forTenant(deps.db, tenantId)
    .selectFrom('microsoft_profiles')
    .select(['id', 'display_name', 'client_id', 'authority_tenant'])
    .where('id', '=', profileId)
    .where('is_archived', '=', false)
    .executeTakeFirst();
  if (!profile) return null;
  const clientSecret = await deps.secrets.get(deps.db, tenantId, profileSecretName(profile.id));
  if (!clientSecret) return null;
  return { profileId: profile.id, displayName: profile.display_name, clientId: profile.client_id, clientSecret, authorityTenant: profile.authority_tenant };
}

async function assertNoActiveConnection(db: Db, tenantId: string) {
  if (await activeConnection(db, tenantId)) throw new Conflict('Entra is already connected. Disconnect the current connection first.');
}

/** Stores a single-use state and returns the Microsoft authorize URL for the partner admin. */
export async function startDirectConnect(deps: ConnectionDeps, actor: Actor, profileId: string): Promise<{ redirectUrl: string }> {
  await assertNoActiveConnection(deps.db, actor.tenantId);
  const credentials = await profileCredentials(deps, actor.tenantId, profileId);
  if (!credentials) throw BadRequest.field('profileId', 'no active Microsoft profile with a client secret has this id');
  const state = randomBytes(32).toString('base64url');
  const pkce = await new CryptoProvider().generatePkceCodes();
  await forTenant(deps.db, actor.tenantId)
    .insertInto('entra_oauth_states', {
      state_hash: hashOf(state),
      user_id: actor.userId,
      profile_id: profileId,
      code_verifier: pkce.verifier,
      expires_at: new Date(Date.now() + STATE_TTL_MS),
    })
    .execute();
  const redirectUrl = await confidentialClient(credentials, deps.loginUrl).getAuthCodeUrl({
    scopes: CONNECT_SCOPES,
    redirectUri: `${deps.publicUrl}${CALLBACK_PATH}`,
    responseMode: ResponseMode.QUERY,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    state,
  });
  return { redirectUrl };
}

/** Why a Direct connect did not complete; the settings page shows a fixed message for each. */
export type ConnectRefusal = 'state_invalid' | 'state_expired' | 'cancelled' | 'provider_error' | 'profile_changed' | 'token_failed' | 'already_connected';

export class ConnectRefused extends Error {
  constructor(readonly reason: ConnectRefusal) {
    super(`Entra connect refused: ${reason}`);
  }
}

export async function completeDirectConnect(deps: ConnectionDeps, actor: Actor, input: { state?: string; code?: string; error?: string }) {
  if (!input.state) throw new ConnectRefused('state_invalid');
  // Bound to the tenant and the admin who started it; consumed whatever happens next.
  const row = await forTenant(deps.db, actor.tenantId)
    .updateTable('entra_oauth_states')
    .set({ consumed_at: sql`now()` })
    .where('state_hash', '=', hashOf(input.state))
    .where('user_id', '=', actor.userId)
    .where('consumed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new ConnectRefused('state_invalid');
  if (row.expires_at.getTime() <= Date.now()) throw new ConnectRefused('state_expired');
  if (input.error) throw new ConnectRefused(input.error === 'access_denied' ? 'cancelled' : 'provider_error');
  if (!input.code) throw new ConnectRefused('provider_error');
  const credentials = await profileCredentials(deps, actor.tenantId, row.profile_id);
  if (!credentials) throw new ConnectRefused('profile_changed');

  const msal = confidentialClient(credentials, deps.loginUrl);
  let partnerTenantId: string;
  let partnerUser: string | null;
  let refreshToken: string | undefined;
  try {
    const result = await msal.acquireTokenByCode({ code: input.code, scopes: CONNECT_SCOPES, redirectUri: `${deps.publicUrl}${CALLBACK_PATH}`, codeVerifier: row.code_verifier });
    partnerTenantId = result.tenantId || String((result.idTokenClaims as { tid?: string })?.tid ?? '');
    partnerUser = result.account?.username ?? null;
    // msal-node keeps refresh tokens to itself; the serialized cache is where it puts them.
    const cache = JSON.parse(msal.getTokenCache().serialize()) as { RefreshToken?: Record<string, { secret: string }> };
    refreshToken = Object.values(cache.RefreshToken ?? {})[0]?.secret;
  } catch {
    throw new ConnectRefused('token_failed');
  }
  if (!refreshToken || !partnerTenantId) throw new ConnectRefused('token_failed');

  return deps.db.transaction().execute(async (trx) => {
    if (await activeConnection(trx, actor.tenantId)) throw new ConnectRefused('already_connected');
    const connection = await forTenant(trx, actor.tenantId)
      .insertInto('entra_connections', { kind: 'direct', profile_id: row.profile_id, partner_tenant_id: partnerTenantId, partner_user: partnerUser, connected_by: actor.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await deps.secrets.put(trx, actor.tenantId, refreshTokenName(connection.id), refreshToken!);
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.connected', targetType: 'entra_connection', targetId: connection.id, details: { kind: 'direct', profileId: row.profile_id, partnerTenantId } });
    return toConnection(connection, credentials.displayName);
  });
}

export interface CippInput {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
}

const outboundPolicy = (deps: ConnectionDeps) => ({ allowLoopback: deps.allowLoopbackProviders === true });

function cippClient(deps: ConnectionDeps, input: Omit<CippInput, 'clientSecret'>, clientSecret: string) {
  const msal = confidentialClient({ profileId: 'cipp', displayName: 'CIPP', clientId: input.clientId, clientSecret, authorityTenant: input.tenantId }, deps.loginUrl);
  return cippDirectory({ msal, baseUrl: input.baseUrl, clientId: input.clientId, outbound: outboundPolicy(deps) });
}

export async function connectCipp(deps: ConnectionDeps, actor: Actor, input: CippInput) {
  await assertNoActiveConnection(deps.db, actor.tenantId);
  // The URL before anything is sent anywhere: no token is requested for a refused target.
  try {
    await checkOutboundUrl(input.baseUrl, outboundPolicy(deps));
  } catch (err) {
    if (err instanceof OutboundUrlRefused) throw BadRequest.field('baseUrl', err.message);
    throw err;
  }
  // The test call: a token and a tenant list, before anything is stored.
  try {
    await cippClient(deps, input, input.clientSecret).listTenants();
  } catch (err) {
    throw new BadRequest(`CIPP did not accept these settings: ${(err as Error).message}`);
  }
  return deps.db.transaction().execute(async (trx) => {
    await assertNoActiveConnection(trx, actor.tenantId);
    const connection = await forTenant(trx, actor.tenantId)
      .insertInto('entra_connections', { kind: 'cipp', cipp_base_url: input.baseUrl.replace(/\/+$/, ''), cipp_client_id: input.clientId, cipp_authority_tenant: input.tenantId, connected_by: actor.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await deps.secrets.put(trx, actor.tenantId, cippSecretName(connection.id), input.clientSecret);
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.connected', targetType: 'entra_connection', targetId: connection.id, details: { kind: 'cipp', baseUrl: connection.cipp_base_url, clientId: input.clientId } });
    return toConnection(connection, null);
  });
}

export async function disconnect(deps: ConnectionDeps, actor: Actor): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await activeConnection(trx, actor.tenantId);
    if (!row) throw new NotFound('Entra connection');
    await forTenant(trx, actor.tenantId).updateTable('entra_connections').set({ status: 'disconnected', disconnected_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', row.id).execute();
    await deps.secrets.delete(trx, actor.tenantId, refreshTokenName(row.id));
    await deps.secrets.delete(trx, actor.tenantId, cippSecretName(row.id));
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.disconnected', targetType: 'entra_connection', targetId: row.id, details: { kind: row.kind } });
  });
}

/** The directory of the active connection; throws a readable error when it cannot be used. */
export async function directoryFor(deps: ConnectionDeps, tenantId: string): Promise<EntraDirectory> {
  const row = await activeConnection(deps.db, tenantId);
  if (!row) throw new Conflict('Entra is not connected. Connect it first.');
  if (row.kind === 'cipp') {
    const secret = await deps.secrets.get(deps.db, tenantId, cippSecretName(row.id));
    if (!secret) throw new Conflict('The CIPP client secret is missing. Disconnect and connect CIPP again.');
    return cippClient(deps, { baseUrl: row.cipp_base_url!, clientId: row.cipp_client_id!, tenantId: row.cipp_authority_tenant! }, secret);
  }
  const [credentials, refreshToken] = await Promise.all([
    profileCredentials(deps, tenantId, row.profile_id!),
    deps.secrets.get(deps.db, tenantId, refreshTokenName(row.id)),
  ]);
  if (!credentials || !refreshToken) throw new Conflict('The Entra connection cannot be used: its Microsoft profile or token is missing. Disconnect and connect again.');
  return directDirectory({
    msal: confidentialClient({ ...credentials, authorityTenant: row.partner_tenant_id! }, deps.loginUrl),
    refreshToken,
    partnerTenantId: row.partner_tenant_id!,
    loginUrl: deps.loginUrl,
    graphUrl: deps.graphUrl,
  });
}
