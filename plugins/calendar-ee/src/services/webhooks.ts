// Provider notifications: verified, acknowledged at once and turned into a queued pull. No provider
// API call happens while the provider waits for our answer.
// Google (https://developers.google.com/calendar/api/guides/push): X-Goog-Channel-ID names the
// channel, X-Goog-Channel-Token must be the token we set, `sync` only confirms the channel.
// Graph (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks): a POST with
// ?validationToken= is the handshake, echoed as text/plain; each notification's clientState must be
// ours; lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed) ask for
// channel upkeep or a full pull.
import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { forTenant, type Db, type JobQueue, type SecretStore } from '@switchboard/core';
import { enqueue, PULL_JOB, WATCH_JOB } from './calendar-jobs.js';
import { webhookSecretName } from './providers.js';

export interface WebhookDeps {
  db: Db;
  secrets: SecretStore;
  jobs: JobQueue;
}

/** Compares secrets in constant time (also when their lengths differ). */
export function sameSecret(given: string | undefined, expected: string | null): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

async function providerByChannel(deps: WebhookDeps, type: 'google' | 'microsoft', channelId: string) {
  const provider = await deps.db
    .selectFrom('calendar_providers')
    .select(['id', 'tenant_id', 'channel_resource_id', 'status', 'needs_reconnect'])
    .where('provider_type', '=', type)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  if (!provider) return null;
  return { ...provider, secret: await deps.secrets.get(deps.db, provider.tenant_id, webhookSecretName(provider.id)) };
}

const touch = (db: Db, tenantId: string, id: string) =>
  forTenant(db, tenantId).updateTable('calendar_providers').set({ last_notification_at: sql`now()` }).where('id', '=', id).execute();

export type WebhookResult = { status: 200 | 202 | 400 | 401 | 404; accepted: number; rejected: number };

export async function handleGoogleNotification(deps: WebhookDeps, headers: Record<string, string | string[] | undefined>): Promise<WebhookResult> {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const channelId = header('x-goog-channel-id');
  const state = header('x-goog-resource-state');
  if (!channelId || !state) return { status: 400, accepted: 0, rejected: 1 };
  const provider = await providerByChannel(deps, 'google', channelId);
  if (!provider) return { status: 404, accepted: 0, rejected: 1 };
  if (!sameSecret(header('x-goog-channel-token'), provider.secret) || header('x-goog-resource-id') !== provider.channel_resource_id) {
    return { status: 401, accepted: 0, rejected: 1 };
  }
  await touch(deps.db, provider.tenant_id, provider.id);
  if (state !== 'sync') await enqueue(deps.jobs, PULL_JOB, { tenantId: provider.tenant_id, providerId: provider.id });
  return { status: 200, accepted: 1, rejected: 0 };
}

interface GraphNotification {
  subscriptionId?: string;
  clientState?: string;
  lifecycleEvent?: string;
}

export async function handleGraphNotifications(deps: WebhookDeps, body: unknown): Promise<WebhookResult> {
  const items = (body as { value?: unknown } | null)?.value;
  if (!Array.isArray(items) || items.length === 0) return { status: 400, accepted: 0, rejected: 0 };
  let accepted = 0;
  let rejected = 0;
  const seen = new Set<string>();
  for (const item of items as GraphNotification[]) {
    const provider = item.subscriptionId ? await providerByChannel(deps, 'microsoft', item.subscriptionId) : null;
    if (!provider || !sameSecret(item.clientState, provider.secret)) {
      rejected += 1;
      continue;
    }
    accepted += 1;
    const job = { tenantId: provider.tenant_id, providerId: provider.id };
    if (item.lifecycleEvent === 'reauthorizationRequired') await enqueue(deps.jobs, WATCH_JOB, { ...job, force: 'renew' });
    else if (item.lifecycleEvent === 'subscriptionRemoved') await enqueue(deps.jobs, WATCH_JOB, { ...job, force: 'recreate' });
    else if (item.lifecycleEvent === 'missed') await enqueue(deps.jobs, PULL_JOB, { ...job, reset: true });
    // Many changes of one calendar in one delivery need one pull.
    else if (!seen.has(provider.id)) await enqueue(deps.jobs, PULL_JOB, job);
    seen.add(provider.id);
    await touch(deps.db, provider.tenant_id, provider.id);
  }
  // Graph retries on anything but 2xx; a delivery with nothing of ours is refused so nothing is retried for it.
  return { status: accepted > 0 ? 202 : 401, accepted, rejected };
}
