// A provider's OAuth tokens: encrypted in the secret store, refreshed shortly before they expire
// (or after a 401), the refresh token replaced when the provider rotates it. A refused refresh
// (invalid_grant) means the grant is gone: AuthorizationRevoked, and the technician must reconnect.
import type { Db, SecretStore, ProviderUrls } from '@switchboard/core';
import { AuthorizationRevoked, type TokenSource } from '../adapters/types.js';
import { refreshTokenFromCache, type MicrosoftCredentials } from '@switchboard/microsoft-bindings';
import { googleOAuthClient, microsoftClient, MICROSOFT_SCOPES } from './identity-clients.js';
import { googleApp } from './settings.js';
import { tokensSecretName, type ProviderRow } from './providers.js';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** The connection cannot work until an admin fixes the tenant's settings (no Google app, no Calendar binding). */
export class ConnectionMisconfigured extends Error {
  override name = 'ConnectionMisconfigured';
}

export interface TokenDeps {
  db: Db;
  secrets: SecretStore;
  providerUrls: ProviderUrls;
  publicUrl: string;
  resolveMicrosoft(tenantId: string): Promise<MicrosoftCredentials | null>;
}

const EARLY_REFRESH_MS = 5 * 60_000;

export async function saveTokens(db: Db, secrets: SecretStore, tenantId: string, providerId: string, tokens: StoredTokens): Promise<void> {
  await secrets.put(db, tenantId, tokensSecretName(providerId), JSON.stringify(tokens));
}

export async function loadTokens(db: Db, secrets: SecretStore, tenantId: string, providerId: string): Promise<StoredTokens | null> {
  const raw = await secrets.get(db, tenantId, tokensSecretName(providerId));
  return raw ? (JSON.parse(raw) as StoredTokens) : null;
}

const isInvalidGrant = (err: unknown) => {
  const e = err as { errorCode?: string; response?: { data?: { error?: string } }; message?: string };
  return e.errorCode === 'invalid_grant' || e.response?.data?.error === 'invalid_grant' || e.message === 'invalid_grant';
};

async function refresh(deps: TokenDeps, provider: ProviderRow, current: StoredTokens): Promise<StoredTokens> {
  if (!current.refreshToken) throw new AuthorizationRevoked('No refresh token was granted.');
  try {
    if (provider.provider_type === 'google') {
      const app = await googleApp(deps.db, deps.secrets, provider.tenant_id);
      if (!app) throw new ConnectionMisconfigured('The Google app for calendar sync is not configured (Settings → Integrations → Calendar).');
      const client = googleOAuthClient(app, deps.providerUrls, deps.publicUrl);
      client.setCredentials({ refresh_token: current.refreshToken });
      const { credentials } = await client.refreshAccessToken();
      return {
        accessToken: credentials.access_token!,
        refreshToken: credentials.refresh_token ?? current.refreshToken,
        expiresAt: credentials.expiry_date ?? Date.now() + 3_000_000,
      };
    }
    const credentials = await deps.resolveMicrosoft(provider.tenant_id);
    if (!credentials) throw new ConnectionMisconfigured('No Microsoft profile is bound to Calendar (Settings → Integrations → Providers → Microsoft).');
    const client = microsoftClient(credentials, deps.providerUrls);
    // forceCache: msal stores a refresh response only for an account already in its cache, and this
    // client's cache starts empty; without it the rotated refresh token would be dropped
    // (msal-common ResponseHandler.handleServerTokenResponse) and the old one kept for ever.
    const result = await client.acquireTokenByRefreshToken({ refreshToken: current.refreshToken, scopes: MICROSOFT_SCOPES.filter((s) => s !== 'offline_access'), forceCache: true });
    if (!result) throw new AuthorizationRevoked('Microsoft returned no token.');
    return {
      accessToken: result.accessToken,
      refreshToken: refreshTokenFromCache(client) ?? current.refreshToken,
      expiresAt: result.expiresOn?.getTime() ?? Date.now() + 3_000_000,
    };
  } catch (err) {
    if (isInvalidGrant(err)) throw new AuthorizationRevoked('The calendar account no longer grants access.');
    throw err;
  }
}

/** Access tokens for one provider, refreshed on demand; the stored tokens follow every refresh. */
export function providerTokenSource(deps: TokenDeps, provider: ProviderRow): TokenSource {
  let cached: StoredTokens | null = null;
  return {
    async accessToken() {
      cached ??= await loadTokens(deps.db, deps.secrets, provider.tenant_id, provider.id);
      if (!cached) throw new AuthorizationRevoked('The calendar connection has no tokens; connect it first.');
      if (cached.expiresAt - EARLY_REFRESH_MS <= Date.now()) {
        cached = await refresh(deps, provider, cached);
        await saveTokens(deps.db, deps.secrets, provider.tenant_id, provider.id, cached);
      }
      return cached.accessToken;
    },
    invalidate() {
      if (cached) cached = { ...cached, expiresAt: 0 };
    },
  };
}
