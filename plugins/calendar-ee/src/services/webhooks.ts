// Provider notifications: verified, acknowledged at once and turned into a queued pull. No provider
// API call happens while the provider waits for our answer.
// Google (https://developers.google.com/calendar/api/guides/push): X-Goog-Channel-ID names the
// channel, X-Goog-Channel-Token must be the token we set, `sync` only confirms the channel.
// Graph (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks): a POST with
// ?validationToken= is the handshake, echoed as text/plain; each notification's clientState must be
// ours; lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed) ask for
// channel upkeep or a full pull. The URLs are public, so a malformed or oversized delivery is a 400
// before any database work, and all subscription ids of a delivery are looked up in one query.
import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { BadRequest, forTenant, type Db, type JobQueue, type SecretStore } from '@switchboard/core';
import { graphDelivery, MAX_GRAPH_NOTIFICATIONS, parse, type GraphNotification } from '../schemas.js';
import { enqueue, PULL_JOB, WATCH_JOB } from './calendar-jobs.js';
import { webhookSecretName } from './providers.js';

export interface WebhookDeps {
  db: Db;
  secrets: SecretStore;
  jobs: JobQueue;
}

/**
 * Compares a presented secret with ours in constant time for its length. A different length fails
 * at once: our channel tokens and clientStates all have one fixed, public length, so that reveals
 * nothing, and it spares a hash per notification (about a quarter of the ingest benchmark's time).
 */
function matchesSecret(given: string | undefined, expected: Buffer | null): boolean {
  if (!given || !expected) return false;
  const presented = Buffer.from(given);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

interface KnownChannel {
  providerId: string;
  tenantId: string;
  resourceId: string | null;
  /** The channel token / clientState. */
  secret: Buffer | null;
  loadedAt: number;
}

/** What the ingest remembers of a connection between notifications. */
interface ConnectionState {
  touchedAt: number;
  enqueuedAt: number;
  /** A pull is due at the end of the coalescing window. */
  trailing: boolean;
}

export interface IngestOptions {
  /** How long a channel's provider and secret are remembered (a stopped channel may answer that long). */
  cacheTtlMs?: number;
  /** Notifications for one connection within this window become one queued pull (plus one at its end). */
  coalesceMs?: number;
  /** last_notification_at is written at most this often per connection. */
  touchEveryMs?: number;
  now?: () => number;
}

export type WebhookResult = Readonly<{ status: 200 | 202 | 400 | 401 | 404; accepted: number; rejected: number }>;

// Google's outcomes, one notification each: shared objects, nothing allocated per request.
const GOOGLE_ACCEPTED: WebhookResult = { status: 200, accepted: 1, rejected: 0 };
const GOOGLE_MALFORMED: WebhookResult = { status: 400, accepted: 0, rejected: 1 };
const GOOGLE_UNKNOWN: WebhookResult = { status: 404, accepted: 0, rejected: 1 };
const GOOGLE_UNVERIFIED: WebhookResult = { status: 401, accepted: 0, rejected: 1 };

/** Node gives a repeated header as an array: the first one counts. */
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The webhook path in memory as far as it can be: a provider sending bursts of notifications must
 * get its acknowledgement in milliseconds. Channels are looked up once a minute, pulls coalesced
 * per connection (the first notification enqueues at once; later ones in the window enqueue one
 * more pull at its end, so no change is left behind), and the health timestamp written every few
 * seconds. If the process dies inside a window, the periodic sweep pulls the change. A notification
 * that finds its channel cached and its pull already queued does no I/O and awaits nothing.
 */
export function createWebhookIngest(deps: WebhookDeps, options: IngestOptions = {}) {
  const ttl = options.cacheTtlMs ?? 60_000;
  const coalesce = options.coalesceMs ?? 1000;
  const touchEvery = options.touchEveryMs ?? 10_000;
  const now = options.now ?? Date.now;
  const channels = { google: new Map<string, KnownChannel>(), microsoft: new Map<string, KnownChannel>() };
  const connections = new Map<string, ConnectionState>();

  const cached = (type: 'google' | 'microsoft', channelId: string) => {
    const known = channels[type].get(channelId);
    return known && now() - known.loadedAt < ttl ? known : undefined;
  };

  /** The channels of these ids (cached ones from memory, the rest in one query); unknown ids are absent. */
  async function channelsOf(type: 'google' | 'microsoft', channelIds: Iterable<string>): Promise<Map<string, KnownChannel>> {
    const found = new Map<string, KnownChannel>();
    const missing = new Set<string>();
    for (const id of channelIds) {
      const known = cached(type, id);
      if (known) found.set(id, known);
      else missing.add(id);
    }
    if (missing.size === 0) return found;
    const rows = await deps.db
      .selectFrom('calendar_providers')
      .select(['id', 'tenant_id', 'channel_id', 'channel_resource_id'])
      .where('provider_type', '=', type)
      .where('channel_id', 'in', [...missing])
      .execute();
    for (const id of missing) channels[type].delete(id);
    await Promise.all(
      rows.map(async (row) => {
        const secret = await deps.secrets.get(deps.db, row.tenant_id, webhookSecretName(row.id));
        const known = { providerId: row.id, tenantId: row.tenant_id, resourceId: row.channel_resource_id, secret: secret ? Buffer.from(secret) : null, loadedAt: now() };
        channels[type].set(row.channel_id!, known);
        found.set(row.channel_id!, known);
      }),
    );
    return found;
  }

  /**
   * Records a change notification for a connection: the database work it needs now (the health
   * timestamp, a queued pull), or undefined when the pull is already queued or due at the end of
   * the window. Decided before anything is awaited, so concurrent notifications do not both enqueue.
   */
  function changed(known: KnownChannel, reset = false): Promise<void> | undefined {
    const time = now();
    let state = connections.get(known.providerId);
    if (!state) connections.set(known.providerId, (state = { touchedAt: -Infinity, enqueuedAt: -Infinity, trailing: false }));
    const touching = time - state.touchedAt >= touchEvery;
    if (touching) state.touchedAt = time;
    const { tenantId, providerId } = known;
    let enqueueNow = reset;
    if (!reset && time - state.enqueuedAt >= coalesce) {
      state.enqueuedAt = time;
      enqueueNow = true;
    } else if (!reset && !state.trailing) {
      const pending = state;
      pending.trailing = true;
      setTimeout(() => {
        pending.trailing = false;
        pending.enqueuedAt = now();
        void enqueue(deps.jobs, PULL_JOB, { tenantId, providerId }).catch(() => undefined);
      }, coalesce - (time - state.enqueuedAt)).unref();
    }
    if (!touching && !enqueueNow) return undefined;
    const recorded = state;
    return (async () => {
      try {
        if (touching) await touch(deps.db, tenantId, providerId);
        if (enqueueNow) await enqueue(deps.jobs, PULL_JOB, reset ? { tenantId, providerId, reset } : { tenantId, providerId });
      } catch (err) {
        // Not done after all: the next notification tries again (the provider retries this one).
        if (touching) recorded.touchedAt = -Infinity;
        if (enqueueNow && !reset) recorded.enqueuedAt = -Infinity;
        throw err;
      }
    })();
  }

  return {
    async google(headers: Record<string, string | string[] | undefined>): Promise<WebhookResult> {
      const channelId = first(headers['x-goog-channel-id']);
      const state = first(headers['x-goog-resource-state']);
      if (!channelId || !state) return GOOGLE_MALFORMED;
      const known = cached('google', channelId) ?? (await channelsOf('google', [channelId])).get(channelId);
      if (!known) return GOOGLE_UNKNOWN;
      if (!matchesSecret(first(headers['x-goog-channel-token']), known.secret) || first(headers['x-goog-resource-id']) !== known.resourceId) {
        return GOOGLE_UNVERIFIED;
      }
      if (state !== 'sync') {
        const work = changed(known);
        if (work) await work;
      }
      return GOOGLE_ACCEPTED;
    },

    async graph(body: unknown): Promise<WebhookResult> {
      // Counted before parsing, so an oversized delivery costs neither parsing nor a query.
      const items = (body as { value?: unknown } | null)?.value;
      if (Array.isArray(items) && items.length > MAX_GRAPH_NOTIFICATIONS) throw BadRequest.field('value', `must hold at most ${MAX_GRAPH_NOTIFICATIONS} notifications`);
      const notifications: GraphNotification[] = parse(graphDelivery, body).value;
      const known = await channelsOf('microsoft', new Set(notifications.map((n) => n.subscriptionId)));
      let accepted = 0;
      let rejected = 0;
      for (const item of notifications) {
        const channel = known.get(item.subscriptionId);
        if (!channel || !matchesSecret(item.clientState, channel.secret)) {
          rejected += 1;
          continue;
        }
        accepted += 1;
        const job = { tenantId: channel.tenantId, providerId: channel.providerId };
        if (item.lifecycleEvent === 'reauthorizationRequired') await enqueue(deps.jobs, WATCH_JOB, { ...job, force: 'renew' });
        else if (item.lifecycleEvent === 'subscriptionRemoved') await enqueue(deps.jobs, WATCH_JOB, { ...job, force: 'recreate' });
        else await changed(channel, item.lifecycleEvent === 'missed');
      }
      // Graph retries on anything but 2xx; a delivery with nothing of ours is refused so nothing is retried for it.
      return { status: accepted > 0 ? 202 : 401, accepted, rejected };
    },
  };
}

const touch = (db: Db, tenantId: string, id: string) =>
  forTenant(db, tenantId).updateTable('calendar_providers').set({ last_notification_at: sql`now()` }).where('id', '=', id).execute();

