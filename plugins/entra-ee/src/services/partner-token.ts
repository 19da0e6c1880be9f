// The partner refresh token of a Direct connection. Every redemption returns a rotated refresh token
// (the old one stays valid until its own 90 idle days end); we keep the newest, encrypted, with the
// time it was received, and never let an older one overwrite it (parallel lanes, two workers). A
// refusal (invalid_grant) that the partner's own tenant confirms means the sign-in is gone: the
// connection becomes needs_reconnect and the admins are told once.
// https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-lifetime
import { sql } from 'kysely';
import { Conflict, ENTRA_RECONNECT_KEY, forTenant, notifyAdmins, type Db, type SecretStore } from '@switchboard/core';
import { authorityUrl, clientSecretName, confidentialClient, refreshTokenFromCache, type MicrosoftCredentials } from '@switchboard/microsoft-bindings';
import { ProviderError } from './http.js';

/** Graph, for every tenant: a refresh token is bound to user and client, not to a resource or tenant. */
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** Connections whose token is older than this are refreshed by the proactive job. */
export const REFRESH_AFTER_MS = 24 * 3_600_000;
/** One open "reconnect" notification per tenant (shared with core's integration health); a reconnect resolves it. */
export const RECONNECT_NOTICE_KEY = ENTRA_RECONNECT_KEY;
export const RECONNECT_MESSAGE = 'Microsoft no longer accepts the partner sign-in of the Entra connection. An admin must reconnect it (Settings → Microsoft Entra → Reconnect).';

export const refreshTokenName = (connectionId: string) => `entra_connection:${connectionId}:refresh_token`;

export interface PartnerTokenDeps {
  db: Db;
  secrets: SecretStore;
  loginUrl: string;
}

/** The connection must be reconnected before it can be used again (409: a state an admin fixes). */
export class NeedsReconnect extends Conflict {
  constructor() {
    super(RECONNECT_MESSAGE);
  }
}

export interface PartnerConnection {
  tenantId: string;
  connectionId: string;
  partnerTenantId: string;
  credentials: MicrosoftCredentials;
}

export interface PartnerTokens {
  /** A Graph access token for `entraTenantId`: the partner's own tenant or a customer's (Secure Application Model). */
  graphToken(entraTenantId: string): Promise<{ token: string; expiresAt: number }>;
}

/** The profile a Direct connection signs in with, when it still exists with a client secret. */
export async function profileCredentials(deps: Pick<PartnerTokenDeps, 'db' | 'secrets'>, tenantId: string, profileId: string): Promise<MicrosoftCredentials | null> {
  const profile = await forTenant(deps.db, tenantId)
    .selectFrom('microsoft_profiles')
    .select(['id', 'display_name', 'client_id', 'authority_tenant'])
    .where('id', '=', profileId)
    .where('is_archived', '=', false)
    .executeTakeFirst();
  if (!profile) return null;
  const clientSecret = await deps.secrets.get(deps.db, tenantId, clientSecretName(profile.id));
  if (!clientSecret) return null;
  return { profileId: profile.id, displayName: profile.display_name, clientId: profile.client_id, clientSecret, authorityTenant: profile.authority_tenant };
}

/**
 * Stores `refreshToken` received at `receivedAt` unless a newer one is stored already. The conditional
 * update locks the row, so concurrent callers queue and each re-checks against the winner's time.
 */
export async function storeRefreshToken(deps: Pick<PartnerTokenDeps, 'db' | 'secrets'>, connection: { tenantId: string; connectionId: string }, refreshToken: string, receivedAt: Date): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const newer = await forTenant(trx, connection.tenantId)
      .updateTable('entra_connections')
      .set({ token_refreshed_at: receivedAt, updated_at: sql`now()` })
      .where('id', '=', connection.connectionId)
      .where('status', '=', 'connected')
      .where((eb) => eb.or([eb('token_refreshed_at', 'is', null), eb('token_refreshed_at', '<', receivedAt)]))
      .returning('id')
      .executeTakeFirst();
    if (!newer) return false;
    await deps.secrets.put(trx, connection.tenantId, refreshTokenName(connection.connectionId), refreshToken);
    return true;
  });
}

/** needs_reconnect with a readable reason, and one notification to the admins (only the first caller changes the row). */
export async function markNeedsReconnect(db: Db, connection: { tenantId: string; connectionId: string }, aadsts: string | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const marked = await forTenant(trx, connection.tenantId)
      .updateTable('entra_connections')
      .set({ status: 'needs_reconnect', last_error: `${RECONNECT_MESSAGE}${aadsts ? ` (${aadsts})` : ''}`, updated_at: sql`now()` })
      .where('id', '=', connection.connectionId)
      .where('status', '=', 'connected')
      .returning('id')
      .executeTakeFirst();
    if (!marked) return;
    await notifyAdmins(trx, connection.tenantId, {
      kind: 'entra.needs_reconnect',
      severity: 'error',
      title: 'Microsoft Entra needs to be reconnected',
      body: `Microsoft no longer accepts the partner sign-in${aadsts ? ` (${aadsts})` : ''}, so Entra sync is stopped. Reconnect it on Settings → Microsoft Entra.`,
      link: '/settings?category=entra',
      dedupeKey: RECONNECT_NOTICE_KEY,
    });
  });
}

const isInvalidGrant = (err: unknown) => (err as { errorCode?: unknown }).errorCode === 'invalid_grant';

/** msal's error code and the AADSTS number (`invalid_grant, AADSTS700082`); never its message, which can quote the request. */
export function tokenErrorCode(err: unknown): string | null {
  const { errorCode, errorNo } = err as { errorCode?: unknown; errorNo?: unknown };
  const parts = [typeof errorCode === 'string' && /^[a-z_]{1,60}$/i.test(errorCode) ? errorCode : null, /^\d{1,9}$/.test(String(errorNo ?? '')) ? `AADSTS${String(errorNo)}` : null];
  return parts.filter(Boolean).join(', ') || null;
}
const aadstsOf = (err: unknown) => tokenErrorCode(err)?.match(/AADSTS\d+/)?.[0] ?? null;

/** Tokens through the partner refresh token `initial`; every rotated token is kept, here and in the store. */
export function partnerTokens(deps: PartnerTokenDeps, connection: PartnerConnection, initial: string): PartnerTokens {
  const msal = confidentialClient({ ...connection.credentials, authorityTenant: connection.partnerTenantId }, deps.loginUrl);
  let current = initial;
  let refused: NeedsReconnect | null = null;

  async function keepRotated() {
    // msal keeps the rotated token in its cache only (forceCache below); with parallel redemptions the
    // cache holds the latest one received, so reading it now and timing it now keeps the order.
    const rotated = refreshTokenFromCache(msal);
    if (!rotated || rotated === current) return;
    current = rotated;
    await storeRefreshToken(deps, connection, rotated, new Date());
  }

  async function graphToken(entraTenantId: string): Promise<{ token: string; expiresAt: number }> {
    if (refused) throw refused; // once refused, no more requests to Microsoft from this run
    let result;
    try {
      // forceCache: without it msal drops a refresh response for an account not yet in its cache (see calendar-ee tokens.ts).
      result = await msal.acquireTokenByRefreshToken({ refreshToken: current, scopes: [GRAPH_SCOPE], authority: authorityUrl(deps.loginUrl, entraTenantId), forceCache: true });
    } catch (err) {
      const refusal = new ProviderError(401, `Microsoft refused a token for tenant ${entraTenantId}${tokenErrorCode(err) ? ` (${tokenErrorCode(err)})` : ''}. Reconnect Entra or check the GDAP relationship.`);
      if (!isInvalidGrant(err)) throw refusal; // network, 5xx, throttling: the sign-in itself may be fine
      // A customer tenant refuses for its own reasons (no GDAP, conditional access); only the partner's tenant speaks for the sign-in.
      if (entraTenantId !== connection.partnerTenantId) {
        await graphToken(connection.partnerTenantId);
        throw refusal;
      }
      refused ??= new NeedsReconnect();
      await markNeedsReconnect(deps.db, connection, aadstsOf(err));
      throw refused;
    }
    if (!result?.accessToken) throw new ProviderError(401, `Microsoft returned no token for tenant ${entraTenantId}.`);
    await keepRotated();
    return { token: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? Date.now() + 300_000 };
  }

  return { graphToken };
}

interface DirectRow {
  id: string;
  tenant_id: string;
  status: string;
  profile_id: string | null;
  partner_tenant_id: string | null;
}

/** The tokens of a Direct connection row; refuses without a request when it already needs a reconnect. */
export async function openPartnerTokens(deps: PartnerTokenDeps, row: DirectRow): Promise<PartnerTokens> {
  if (row.status === 'needs_reconnect') throw new NeedsReconnect();
  const [credentials, refreshToken] = await Promise.all([
    row.profile_id ? profileCredentials(deps, row.tenant_id, row.profile_id) : null,
    deps.secrets.get(deps.db, row.tenant_id, refreshTokenName(row.id)),
  ]);
  if (!credentials || !refreshToken || !row.partner_tenant_id) throw new Conflict('The Entra connection cannot be used: its Microsoft profile or token is missing. Disconnect and connect again.');
  return partnerTokens(deps, { tenantId: row.tenant_id, connectionId: row.id, partnerTenantId: row.partner_tenant_id, credentials }, refreshToken);
}

/**
 * The proactive refresh: every connected Direct connection whose token was last refreshed more than
 * `olderThanMs` ago redeems it at the partner's tenant and stores the rotated one, so a connection
 * that rarely syncs never reaches the 90-day inactivity expiry.
 */
export async function refreshDuePartnerTokens(deps: PartnerTokenDeps, options: { olderThanMs?: number } = {}) {
  const olderThan = new Date(Date.now() - (options.olderThanMs ?? REFRESH_AFTER_MS));
  const due = await deps.db
    .selectFrom('entra_connections')
    .select(['id', 'tenant_id', 'status', 'profile_id', 'partner_tenant_id'])
    .where('kind', '=', 'direct')
    .where('status', '=', 'connected')
    .where((eb) => eb.or([eb('token_refreshed_at', 'is', null), eb('token_refreshed_at', '<=', olderThan)]))
    .execute();
  const outcome = { refreshed: 0, needsReconnect: 0, failed: 0 };
  for (const row of due) {
    try {
      await (await openPartnerTokens(deps, row)).graphToken(row.partner_tenant_id!);
      outcome.refreshed++;
    } catch (err) {
      // Other failures (network, Microsoft down) are tried again at the next tick.
      if (err instanceof NeedsReconnect) outcome.needsReconnect++;
      else outcome.failed++;
    }
  }
  return outcome;
}
