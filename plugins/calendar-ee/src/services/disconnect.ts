// Removing a calendar connection: stop its push channel, revoke the Google grant (Microsoft has no
// per-app revocation endpoint; the grant lapses unused), then delete mappings, tokens and the row.
// The events already in the calendar stay there.
import type { FastifyBaseLogger } from 'fastify';
import type { Db, SecretStore } from '@switchboard/core';
import type { AdapterFactory } from './adapter-factory.js';
import { googleOAuthClient } from './identity-clients.js';
import { deleteProviderRecords, findProvider, type Viewer } from './providers.js';
import { googleApp } from './settings.js';
import { loadTokens, type TokenDeps } from './tokens.js';

export async function disconnectProvider(deps: TokenDeps & { adapterFor: AdapterFactory; log: FastifyBaseLogger }, viewer: Viewer, id: string) {
  const provider = await findProvider(deps.db, viewer, id);
  const context = { tenantId: provider.tenant_id, providerId: provider.id };
  // Best effort outside any transaction: the connection is removed even if the provider is unreachable.
  if (provider.channel_id && provider.channel_resource_id && provider.channel_expires_at) {
    await deps
      .adapterFor(provider)
      .stopWatch({ id: provider.channel_id, resourceId: provider.channel_resource_id, expiresAt: provider.channel_expires_at })
      .catch((err: Error) => deps.log.warn({ ...context, err: err.name }, 'could not stop the calendar channel'));
  }
  if (provider.provider_type === 'google') {
    const [tokens, app] = await Promise.all([loadTokens(deps.db, deps.secrets, provider.tenant_id, provider.id), googleApp(deps.db, deps.secrets, provider.tenant_id)]);
    const token = tokens?.refreshToken ?? tokens?.accessToken;
    if (token && app) {
      await googleOAuthClient(app, deps.providerUrls, deps.publicUrl)
        .revokeToken(token)
        .catch((err: Error) => deps.log.warn({ ...context, err: err.name }, 'could not revoke the Google grant'));
    }
  }
  await deps.db.transaction().execute((trx: Db) => deleteProviderRecords(trx, deps.secrets as SecretStore, viewer, provider));
}
