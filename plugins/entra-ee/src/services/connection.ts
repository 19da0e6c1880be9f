// The tenant's one active Entra connection: Direct (partner delegated auth code + PKCE through the
// Microsoft profile the admin picks; its refresh token in the secret store, kept current by
// partner-token.ts) or CIPP (API client credentials, checked with a real call before anything is
// saved). Disconnect keeps discovered tenants and mappings, so reconnecting picks up where the MSP
// left off; a Direct connection that needs a reconnect is replaced by the next Direct connect.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { CryptoProvider, ResponseMode } from '@azure/msal-node';
import type { EntraConnectionsTable } from '@switchboard/db';
import { BadRequest, Conflict, NotFound, OutboundUrlRefused, checkOutboundUrl, forTenant, recordAudit, resolveNotifications, type Db, type SecretStore } from '@switchboard/core';
import { confidentialClient, refreshTokenFromCache } from '@switchboard/microsoft-bindings';
import { cippDirectory } from './cipp-directory.js';
import { directDirectory } from './direct-directory.js';
import type { EntraDirectory } from './directory.js';
import { openPartnerTokens, profileCredentials, RECONNECT_NOTICE_KEY, refreshTokenName } from './partner-token.js';

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

const cippSecretName = (connectionId: string) => `entra_connection:${connectionId}:cipp_client_secret`;
/** What CIPP tokens are requested for when the connection names no scope. */
export const defaultCippScope = (clientId: string) => `api://${clientId}/.default`;
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
  cippScope: row.kind === 'cipp' ? (row.cipp_scope ?? defaultCippScope(row.cipp_client_id!)) : null,
  tokenRefreshedAt: row.token_refreshed_at?.toISOString() ?? null,
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

/** One active connection per tenant; only a Direct connect may replace a connection Microsoft stopped accepting. */
async function assertCanConnect(db: Db, tenantId: string, kind: 'direct' | 'cipp') {
  const active = await activeConnection(db, tenantId);
  if (active && !(kind === 'direct' && active.status === 'needs_reconnect')) throw new Conflict('Entra is already connected. Disconnect the current connection first.');
}

/** Disconnected, its secrets gone; tenants, mappings and links stay (they belong to the tenant). */
async function retireConnection(trx: Db, deps: ConnectionDeps, tenantId: string, row: ConnectionRow) {
  await forTenant(trx, tenantId).updateTable('entra_connections').set({ status: 'disconnected', disconnected_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', row.id).execute();
  await deps.secrets.delete(trx, tenantId, refreshTokenName(row.id));
  await deps.secrets.delete(trx, tenantId, cippSecretName(row.id));
  await resolveNotifications(trx, tenantId, RECONNECT_NOTICE_KEY);
}

/** Stores a single-use state and returns the Microsoft authorize URL for the partner admin. */
export async function startDirectConnect(deps: ConnectionDeps, actor: Actor, profileId: string): Promise<{ redirectUrl: string }> {
  await assertCanConnect(deps.db, actor.tenantId, 'direct');
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
    refreshToken = refreshTokenFromCache(msal) ?? undefined;
  } catch {
    throw new ConnectRefused('token_failed');
  }
  if (!refreshToken || !partnerTenantId) throw new ConnectRefused('token_failed');

  return deps.db.transaction().execute(async (trx) => {
    const replaced = await activeConnection(trx, actor.tenantId);
    if (replaced && !(replaced.kind === 'direct' && replaced.status === 'needs_reconnect')) throw new ConnectRefused('already_connected');
    if (replaced) await retireConnection(trx, deps, actor.tenantId, replaced);
    const connection = await forTenant(trx, actor.tenantId)
      .insertInto('entra_connections', { kind: 'direct', profile_id: row.profile_id, partner_tenant_id: partnerTenantId, partner_user: partnerUser, connected_by: actor.userId, token_refreshed_at: new Date() })
      .returningAll()
      .executeTakeFirstOrThrow();
    await deps.secrets.put(trx, actor.tenantId, refreshTokenName(connection.id), refreshToken!);
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.connected', targetType: 'entra_connection', targetId: connection.id, details: { kind: 'direct', profileId: row.profile_id, partnerTenantId, ...(replaced ? { replacedConnectionId: replaced.id } : {}) } });
    return toConnection(connection, credentials.displayName);
  });
}

export interface CippInput {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  /** The token scope of CIPP's API app; default `api://{clientId}/.default`. */
  scope?: string | null;
}

export const outboundPolicy = (deps: ConnectionDeps) => ({ allowLoopback: deps.allowLoopbackProviders === true });

export function cippClient(deps: ConnectionDeps, input: Omit<CippInput, 'clientSecret'>, clientSecret: string) {
  const msal = confidentialClient({ profileId: 'cipp', displayName: 'CIPP', clientId: input.clientId, clientSecret, authorityTenant: input.tenantId }, deps.loginUrl);
  return cippDirectory({ msal, baseUrl: input.baseUrl, clientId: input.clientId, scope: input.scope ?? defaultCippScope(input.clientId), outbound: outboundPolicy(deps) });
}

export async function connectCipp(deps: ConnectionDeps, actor: Actor, input: CippInput) {
  await assertCanConnect(deps.db, actor.tenantId, 'cipp');
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
    await assertCanConnect(trx, actor.tenantId, 'cipp');
    const connection = await forTenant(trx, actor.tenantId)
      .insertInto('entra_connections', { kind: 'cipp', cipp_base_url: input.baseUrl.replace(/\/+$/, ''), cipp_client_id: input.clientId, cipp_authority_tenant: input.tenantId, cipp_scope: input.scope ?? null, connected_by: actor.userId })
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
    await retireConnection(trx, deps, actor.tenantId, row);
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.disconnected', targetType: 'entra_connection', targetId: row.id, details: { kind: row.kind } });
  });
}

/** A directory that can also list its customer tenants (what "Test connection" counts). */
export type ConnectionDirectory = EntraDirectory & { listTenants(signal?: AbortSignal): Promise<unknown[]> };

/** The directory of the active connection; throws a readable error when it cannot be used (NeedsReconnect without asking Microsoft). */
export async function directoryFor(deps: ConnectionDeps, tenantId: string): Promise<ConnectionDirectory> {
  const row = await activeConnection(deps.db, tenantId);
  if (!row) throw new Conflict('Entra is not connected. Connect it first.');
  if (row.kind === 'cipp') {
    const secret = await deps.secrets.get(deps.db, tenantId, cippSecretName(row.id));
    if (!secret) throw new Conflict('The CIPP client secret is missing. Disconnect and connect CIPP again.');
    return cippClient(deps, { baseUrl: row.cipp_base_url!, clientId: row.cipp_client_id!, tenantId: row.cipp_authority_tenant!, scope: row.cipp_scope }, secret);
  }
  return directDirectory({ tokens: await openPartnerTokens(deps, row), partnerTenantId: row.partner_tenant_id!, graphUrl: deps.graphUrl });
}
