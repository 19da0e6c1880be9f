// Push channels: a Google watch channel or a Graph subscription per connection, so the provider
// tells us when the calendar changes. Created after connecting, renewed well before expiry (Graph:
// PATCH; Google cannot renew, so a new channel replaces the old, which is then stopped), and
// re-created when the provider dropped it. Repeated failures turn the connection to `error` and
// tell the technician; the periodic sweep keeps pulling meanwhile. With a plain-http PUBLIC_URL
// the providers would refuse the webhook address, so no channel is asked for at all.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { forTenant, type CalendarPushStatus, type Db, type SecretStore } from '@switchboard/core';
import { WatchNotRenewable, type CalendarAdapter, type WatchChannel } from '../adapters/types.js';
import type { Notifier } from './calendar-jobs.js';
import { markProviderError, webhookSecretName, type ProviderRow } from './providers.js';

/** Renew when less than this is left (Google channels live ~7 days, Graph subscriptions ~7 days). */
export const RENEW_BEFORE_MS = 24 * 3600_000;
const TTL_SECONDS = { google: 7 * 86_400, microsoft: 10_070 * 60 };
const FAILURES_BEFORE_ALERT = 3;

export const watchKey = (providerId: string) => `calendar.watch:${providerId}`;

export interface WatchDeps {
  db: Db;
  secrets: SecretStore;
  publicUrl: string;
  notifications: Notifier;
  push: CalendarPushStatus;
}

async function webhookSecret(deps: WatchDeps, provider: ProviderRow): Promise<string> {
  const existing = await deps.secrets.get(deps.db, provider.tenant_id, webhookSecretName(provider.id));
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  await deps.secrets.put(deps.db, provider.tenant_id, webhookSecretName(provider.id), secret);
  return secret;
}

const channelOf = (provider: ProviderRow): WatchChannel | null =>
  provider.channel_id && provider.channel_resource_id && provider.channel_expires_at
    ? { id: provider.channel_id, resourceId: provider.channel_resource_id, expiresAt: provider.channel_expires_at }
    : null;

/** Stores the live channel; a connection in `error` only because renewals failed is healthy again. */
async function saveChannel(deps: WatchDeps, provider: ProviderRow, channel: WatchChannel) {
  await deps.db.transaction().execute(async (trx) => {
    await forTenant(trx, provider.tenant_id)
      .updateTable('calendar_providers')
      .set({
        channel_id: channel.id,
        channel_resource_id: channel.resourceId,
        channel_expires_at: channel.expiresAt,
        consecutive_failures: 0,
        status: sql`case when needs_reconnect then status else 'connected' end`,
        error_message: sql`case when needs_reconnect then error_message else null end`,
      })
      .where('id', '=', provider.id)
      .execute();
    await deps.notifications.resolve(trx, provider.tenant_id, watchKey(provider.id));
  });
}

async function create(deps: WatchDeps, adapter: CalendarAdapter, provider: ProviderRow): Promise<WatchChannel> {
  const address = `${deps.publicUrl}/api/calendar/webhooks/${provider.provider_type}`;
  return adapter.watch({ address, lifecycleAddress: address, secret: await webhookSecret(deps, provider), ttlSeconds: TTL_SECONDS[provider.provider_type] });
}

export type WatchOutcome = 'kept' | 'created' | 'renewed' | 'replaced' | 'failed' | 'unavailable';

/**
 * Makes sure the connection has a live channel that will not expire within RENEW_BEFORE_MS of
 * `now`. `force`: renew (Graph reauthorizationRequired) or re-create (subscriptionRemoved) anyway.
 */
export async function maintainWatch(deps: WatchDeps, adapter: CalendarAdapter, provider: ProviderRow, options: { now?: Date; force?: 'renew' | 'recreate' } = {}): Promise<WatchOutcome> {
  if (!deps.push.available) return 'unavailable';
  const now = options.now ?? new Date();
  const current = options.force === 'recreate' ? null : channelOf(provider);
  if (current && !options.force && current.expiresAt.getTime() - now.getTime() > RENEW_BEFORE_MS) return 'kept';
  try {
    if (!current) {
      await saveChannel(deps, provider, await create(deps, adapter, provider));
      return 'created';
    }
    try {
      await saveChannel(deps, provider, await adapter.renewWatch(current, TTL_SECONDS[provider.provider_type]));
      return 'renewed';
    } catch (err) {
      if (!(err instanceof WatchNotRenewable)) throw err;
    }
    // Start the new channel before stopping the old, so no change goes unnoticed in between.
    await saveChannel(deps, provider, await create(deps, adapter, provider));
    await adapter.stopWatch(current).catch(() => undefined);
    return 'replaced';
  } catch (err) {
    await recordFailure(deps, provider, err as Error);
    return 'failed';
  }
}

/** Counts the failure; from FAILURES_BEFORE_ALERT on, the count, the error and the notification commit together. */
async function recordFailure(deps: WatchDeps, provider: ProviderRow, err: Error) {
  const message = `Calendar updates are delayed: the calendar subscription could not be renewed (${err.name}). Switchboard keeps checking every few minutes.`;
  await deps.db.transaction().execute(async (trx) => {
    const row = await forTenant(trx, provider.tenant_id)
      .updateTable('calendar_providers')
      .set({ consecutive_failures: sql`consecutive_failures + 1` })
      .where('id', '=', provider.id)
      .returning('consecutive_failures')
      .executeTakeFirst();
    if (!row || row.consecutive_failures < FAILURES_BEFORE_ALERT) return;
    await markProviderError(trx, provider.tenant_id, provider.id, message, { countFailure: false });
    await deps.notifications.notify(trx, {
      tenantId: provider.tenant_id,
      userId: provider.user_id,
      kind: 'calendar.renewal_failed',
      severity: 'warning',
      title: 'Calendar updates are delayed',
      body: message,
      link: '/profile?tab=calendar',
      dedupeKey: watchKey(provider.id),
    });
  });
}
