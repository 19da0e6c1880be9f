// Removing a calendar connection: delete the row (its mappings cascade) and audit it, stop its push
// channel, revoke the Google grant (Microsoft has no per-app revocation endpoint; the grant lapses
// unused), then forget the tokens. The events already in the calendar stay there.
// The delete comes first and is the claim: of concurrent removals one gets the row and does all of
// this once, the others get 404. The provider calls come after the commit (no transaction waits on
// the network) and are best effort; they still read the tokens, which are forgotten last.
import type { FastifyBaseLogger } from 'fastify';
import type { Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { NotFound, forTenant, recordAudit } from '@switchboard/core';
import type { AdapterFactory } from './adapter-factory.js';
import { googleOAuthClient } from './identity-clients.js';
import { tokensSecretName, webhookSecretName, type ProviderRow, type Viewer } from './providers.js';
import { googleApp } from './settings.js';
import { loadTokens, type TokenDeps } from './tokens.js';

type DisconnectDeps = TokenDeps & { adapterFor: AdapterFactory; log: FastifyBaseLogger };

export async function disconnectProvider(deps: DisconnectDeps, viewer: Viewer, id: string): Promise<void> {
  const provider = await deps.db.transaction().execute((trx) => deleteProviderRow(trx, deps, viewer, id));
  try {
    await stopChannel(deps, provider);
    await revokeGoogleGrant(deps, provider);
  } finally {
    await deps.secrets.delete(deps.db, provider.tenant_id, tokensSecretName(provider.id));
  }
}

/** Deletes the viewer's connection `id` in one statement and audits it; nothing to delete is a 404. */
async function deleteProviderRow(trx: Transaction<Database>, deps: DisconnectDeps, viewer: Viewer, id: string): Promise<ProviderRow> {
  let claim = forTenant(trx, viewer.tenantId).deleteFrom('calendar_providers').where('id', '=', id);
  if (!viewer.isAdmin) claim = claim.where('user_id', '=', viewer.userId);
  const provider = await claim.returningAll().executeTakeFirst();
  if (!provider) throw new NotFound('Calendar connection');
  await deps.secrets.delete(trx, viewer.tenantId, webhookSecretName(provider.id));
  await recordAudit(trx, {
    tenantId: viewer.tenantId,
    actorUserId: viewer.userId,
    action: 'calendar_provider.deleted',
    targetType: 'calendar_provider',
    targetId: provider.id,
    details: { providerType: provider.provider_type, ownerUserId: provider.user_id },
  });
  return provider;
}

async function stopChannel(deps: DisconnectDeps, provider: ProviderRow): Promise<void> {
  if (!provider.channel_id || !provider.channel_resource_id || !provider.channel_expires_at) return;
  await deps
    .adapterFor(provider)
    .stopWatch({ id: provider.channel_id, resourceId: provider.channel_resource_id, expiresAt: provider.channel_expires_at })
    .catch((err: Error) => deps.log.warn({ tenantId: provider.tenant_id, providerId: provider.id, err: err.name }, 'could not stop the calendar channel'));
}

async function revokeGoogleGrant(deps: DisconnectDeps, provider: ProviderRow): Promise<void> {
  if (provider.provider_type !== 'google') return;
  const [tokens, app] = await Promise.all([loadTokens(deps.db, deps.secrets, provider.tenant_id, provider.id), googleApp(deps.db, deps.secrets, provider.tenant_id)]);
  const token = tokens?.refreshToken ?? tokens?.accessToken;
  if (!token || !app) return;
  await googleOAuthClient(app, deps.providerUrls, deps.publicUrl)
    .revokeToken(token)
    .catch((err: Error) => deps.log.warn({ tenantId: provider.tenant_id, providerId: provider.id, err: err.name }, 'could not revoke the Google grant'));
}
