// CalendarAdapter for Microsoft Graph (v1.0, the signed-in user's mailbox) over fetch. Every request
// takes one of the mailbox's four slots, carries a fresh token and reads times in UTC; provider-http
// retries throttling and outages. Pushes' single-event requests travel in $batch (graph-batch.ts).
//
// calendarView/delta lists occurrences, never series masters. The engine maps single events and
// series masters, so an occurrence is reported as its series master (one GET per series per round),
// an exception as a change of that one occurrence (graph-series.ts), and the cursor remembers the
// series seen in the window: when a series is deleted, only its occurrences come back as @removed,
// and the master's own 404 is what tells us; when it lives on, the occurrences its rule gives that
// it no longer lists were cancelled.
import { EXPAND_MAPPING_PROPERTY, isCompleteEvent, MAPPING_PROPERTY_ID, toGraphEvent, toRemoteEvent, type GraphEvent } from './graph-mapping.js';
import { createGraphSeries, graphOccurrenceOf } from './graph-series.js';
import { GRAPH_BATCH_LIMIT, sharedGraphBatcher, type GraphAnswer, type GraphTransport } from './graph-batch.js';
import { graphMailboxLimiter, type MailboxLimiter } from './mailbox-limiter.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, ProviderResponseError, withAccessToken, withRetry, type RetryPolicy } from './provider-http.js';
import {
  CursorExpired,
  EventNotFound,
  PreconditionFailed,
  WatchNotRenewable,
  type CalendarAdapter,
  type ChangePage,
  type RemoteEvent,
  type SyncEvent,
  type TokenSource,
  type WatchChannel,
  type WatchRequest,
} from './types.js';

export interface MicrosoftAdapterOptions {
  /** `providerUrls.microsoftGraph` (https://graph.microsoft.com or the emulator). */
  graphUrl: string;
  tokens: TokenSource;
  /** Identifies the mailbox for the concurrency limit (e.g. the calendar provider id). */
  mailboxKey: string;
  /** A calendar other than the default one (writes and subscriptions; delta is default-calendar only in v1.0). */
  calendarId?: string;
  retry?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
  limiter?: MailboxLimiter;
  /** Single-event requests per Graph $batch (default 20, Graph's limit; 1: every request on its own). */
  batchSize?: number;
  /** Delta page size (`Prefer: odata.maxpagesize`). */
  pageSize?: number;
  now?: () => number;
}

/** Graph rejects subscriptions beyond 10,070 minutes; a minute of margin absorbs clock skew. */
export const MAX_SUBSCRIPTION_SECONDS = 10_070 * 60 - 60;
/**
 * Times in UTC and bodies as plain text, whatever the mailbox's settings. Not `IdType="ImmutableId"`:
 * it changes the ids Graph returns (https://learn.microsoft.com/graph/outlook-immutable-id), so
 * every external id we stored would stop matching until translated with translateExchangeIds, and
 * events imported from Outlook carry no property of ours to match them by meanwhile.
 */
const READ_PREFERENCES = 'outlook.timezone="UTC", outlook.body-content-type="text"';
const CURSOR_EXPIRED_CODES = ['syncStateNotFound', 'resyncRequired', 'SyncStateNotFound'];

/** What our Graph cursor holds: the deltaLink and the series masters seen in the window. */
interface DeltaCursor {
  deltaLink: string;
  seriesMasterIds: string[];
}
const readCursor = (cursor: string): DeltaCursor => (cursor.startsWith('{') ? (JSON.parse(cursor) as DeltaCursor) : { deltaLink: cursor, seriesMasterIds: [] });

const hasStatus = (error: unknown, ...statuses: number[]) => error instanceof ProviderResponseError && statuses.includes(error.status ?? 0);
const deleted = (id: string): RemoteEvent => ({ id, etag: '', iCalUid: null, mappingId: null, cancelled: true, event: null });

export function createMicrosoftAdapter(options: MicrosoftAdapterOptions): CalendarAdapter {
  const base = `${options.graphUrl.replace(/\/$/, '')}/v1.0`;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const limiter = options.limiter ?? graphMailboxLimiter;
  const now = options.now ?? Date.now;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const events = options.calendarId ? `/me/calendars/${encodeURIComponent(options.calendarId)}/events` : '/me/events';
  const eventPath = (id: string) => `/me/events/${encodeURIComponent(id)}`;
  // A JSON value, not a URL: the calendar id goes in unencoded.
  const subscriptionResource = options.calendarId ? `me/calendars/${options.calendarId}/events` : 'me/events';

  /** One HTTP request; no answer (timeout, network) is a ProviderResponseError without status. */
  const transport: GraphTransport = async ({ method, path, body, headers, token }) => {
    const url = path.startsWith('http') ? path : `${base}${path}`;
    try {
      const response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Error bodies are Graph JSON, except from proxies and gateways in front of it.
        if (response.ok) throw new ProviderResponseError(response.status, undefined, 'Microsoft Graph answered with a body that is not JSON.');
      }
      return { status: response.status, header: (name) => response.headers.get(name), body: parsed };
    } catch (error) {
      if (error instanceof ProviderResponseError) throw error;
      const reason = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
      throw new ProviderResponseError(undefined, reason, `Microsoft Graph could not be reached (${reason}).`);
    }
  };

  /** The answer's body, or the ProviderResponseError it stands for: the same for a plain request and a batch member. */
  function outcome(answer: GraphAnswer): any {
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    const data = answer.body as { error?: { code?: string; message?: string } } | undefined;
    const code = data?.error?.code;
    const retryAfter = parseRetryAfter(answer.header('retry-after'), now());
    throw new ProviderResponseError(answer.status, code, `Microsoft Graph answered ${answer.status}${code ? ` ${code}` : ''}: ${data?.error?.message ?? ''}`, retryAfter);
  }

  /** One Graph request: a mailbox slot per HTTP attempt (not held while backing off), fresh token, retries. */
  function send<T = any>(what: string, method: string, pathOrUrl: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const request = (token: string) => ({ method, path: pathOrUrl, body, headers: { prefer: READ_PREFERENCES, ...headers }, token });
    return withRetry(what, policy, () => withAccessToken(options.tokens, async (token) => outcome(await limiter(options.mailboxKey, () => transport(request(token))))));
  }

  /**
   * A single-event request (push: create, read, update, delete), which may travel in a $batch with
   * the mailbox's other such requests (graph-batch.ts); retried member by member.
   */
  async function sendBatched<T = any>(what: string, eventId: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    if (!batcher) return send(what, method, path, body, headers);
    const operation = batcher.begin(eventId);
    try {
      return await withRetry(what, policy, () =>
        withAccessToken(options.tokens, async (token) => outcome(await operation.attempt({ method, path, body, headers: { prefer: READ_PREFERENCES, ...headers }, token }))),
      );
    } finally {
      operation.end();
    }
  }
  const batcher = (options.batchSize ?? GRAPH_BATCH_LIMIT) > 1 ? sharedGraphBatcher(base, { mailboxKey: options.mailboxKey, limiter, transport, maxBatch: options.batchSize }) : undefined;

  const series = createGraphSeries(send);

  /** The event in full, with our mapping property if we wrote it; null when it is gone. */
  async function read(id: string, options: { batched?: boolean } = {}): Promise<GraphEvent | null> {
    try {
      const path = `${eventPath(id)}?${EXPAND_MAPPING_PROPERTY}`;
      return await (options.batched ? sendBatched<GraphEvent>('Read the calendar event', id, 'GET', path) : send<GraphEvent>('Read the calendar event', 'GET', path));
    } catch (error) {
      if (hasStatus(error, 404)) return null;
      throw error;
    }
  }

  async function createEvent(event: SyncEvent, mappingId: string): Promise<RemoteEvent> {
    // transactionId makes a retried POST answer with the event the first attempt created; the
    // extended property is what marks the event as ours (graph-mapping.ts, MAPPING_PROPERTY_ID).
    const body = { ...toGraphEvent(event), transactionId: mappingId, singleValueExtendedProperties: [{ id: MAPPING_PROPERTY_ID, value: mappingId }] };
    return { ...toRemoteEvent(await sendBatched('Create the calendar event', undefined, 'POST', events, body)), mappingId };
  }

  async function updateEvent(externalId: string, event: SyncEvent, etag: string): Promise<RemoteEvent> {
    try {
      return toRemoteEvent(await sendBatched('Update the calendar event', externalId, 'PATCH', eventPath(externalId), toGraphEvent(event), { 'if-match': `W/"${etag}"` }));
    } catch (error) {
      if (hasStatus(error, 412)) throw new PreconditionFailed('The calendar event changed since it was last read.');
      if (hasStatus(error, 404)) throw new EventNotFound('The calendar event no longer exists.');
      throw error;
    }
  }

  async function getEvent(externalId: string): Promise<RemoteEvent | null> {
    const graph = await read(externalId, { batched: true });
    return graph ? toRemoteEvent(graph) : null;
  }

  async function deleteEvent(externalId: string): Promise<void> {
    try {
      await sendBatched('Delete the calendar event', externalId, 'DELETE', eventPath(externalId));
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  async function* listChanges(cursor: string | null, window: { from: Date; to: Date }): AsyncIterable<ChangePage> {
    const state = cursor ? readCursor(cursor) : null;
    const masters = new Set(state?.seriesMasterIds ?? []);
    const emitted = new Set<string>();
    let anyDeleted = false;
    const query = `startDateTime=${window.from.toISOString()}&endDateTime=${window.to.toISOString()}`;
    let url: string | undefined = state ? state.deltaLink : `/me/calendarView/delta?${query}`;

    /** What an item stands for: itself, its series master, or (a removal) a deletion or a move out of the window. */
    async function change(item: GraphEvent): Promise<RemoteEvent | null> {
      item = await complete(item);
      let current: GraphEvent | null = item;
      if (item['@removed']) {
        // @removed also means "moved out of the window"; only a 404 is a deletion.
        current = await read(item.id);
        if (!current) {
          anyDeleted = true;
          return deleted(item.id);
        }
      }
      const occurrenceOf = current.type === 'exception' ? graphOccurrenceOf(current) : undefined;
      if (occurrenceOf) {
        masters.add(occurrenceOf.seriesId);
        return { ...toRemoteEvent(current), occurrenceOf };
      }
      const masterId = current.type === 'occurrence' || current.type === 'exception' ? current.seriesMasterId : current.type === 'seriesMaster' ? current.id : null;
      if (masterId) {
        masters.add(masterId);
        if (emitted.has(masterId)) return null;
        current = current.id === masterId ? current : await read(masterId);
        if (!current) return null;
      }
      if (emitted.has(current.id)) return null;
      emitted.add(current.id);
      return toRemoteEvent(current);
    }

    /**
     * Delta items as full events. Graph may send an updated event as its id and "at least the
     * properties that have been updated" (https://learn.microsoft.com/graph/delta-query-overview):
     * such an item is read in full; gone meanwhile, it is a removal. Delta cannot $expand our
     * mapping property (https://learn.microsoft.com/graph/api/event-delta), so a complete item
     * carries only its transactionId as a maybe-ours id (graph-mapping.ts, pull.ts).
     */
    async function complete(item: GraphEvent): Promise<GraphEvent> {
      if (item['@removed'] || isCompleteEvent(item)) return item;
      return (await read(item.id)) ?? { id: item.id, '@removed': { reason: 'deleted' } };
    }

    while (url) {
      let page: { value?: GraphEvent[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      try {
        page = await send('List calendar changes', 'GET', url, undefined, { prefer: `${READ_PREFERENCES}, odata.maxpagesize=${options.pageSize ?? 50}` });
      } catch (error) {
        const code = error instanceof ProviderResponseError ? error.reason : undefined;
        if (hasStatus(error, 410) || CURSOR_EXPIRED_CODES.includes(code ?? '')) throw new CursorExpired('Graph no longer knows the delta token; list the calendar again.');
        throw error;
      }
      const changes: RemoteEvent[] = [];
      for (const item of page.value ?? []) {
        const remote = await change(item);
        if (remote) changes.push(remote);
      }
      url = page['@odata.nextLink'];
      if (url) {
        yield { changes };
        continue;
      }
      // A deleted series, or a cancelled occurrence, shows up only as removed occurrences: ask for
      // the series we know.
      if (anyDeleted) {
        for (const id of masters) {
          const master = await read(id);
          if (master) changes.push(...(await series.cancelledOccurrences(master, window)));
          else if (!emitted.has(id)) {
            masters.delete(id);
            changes.push(deleted(id));
          }
        }
      }
      const deltaLink = page['@odata.deltaLink'];
      yield deltaLink ? { changes, nextCursor: JSON.stringify({ deltaLink, seriesMasterIds: [...masters] } satisfies DeltaCursor) } : { changes };
    }
  }

  const expiry = (ttlSeconds: number) => new Date(now() + Math.min(ttlSeconds, MAX_SUBSCRIPTION_SECONDS) * 1000);

  async function watch(request: WatchRequest): Promise<WatchChannel> {
    const subscription = await send('Subscribe to calendar changes', 'POST', '/subscriptions', {
      changeType: 'created,updated,deleted',
      notificationUrl: request.address,
      ...(request.lifecycleAddress ? { lifecycleNotificationUrl: request.lifecycleAddress } : {}),
      resource: subscriptionResource,
      expirationDateTime: expiry(request.ttlSeconds).toISOString(),
      clientState: request.secret,
    });
    return { id: subscription.id, resourceId: subscription.resource, expiresAt: new Date(subscription.expirationDateTime) };
  }

  async function renewWatch(channel: WatchChannel, ttlSeconds: number): Promise<WatchChannel> {
    try {
      const subscription = await send('Renew the calendar subscription', 'PATCH', `/subscriptions/${encodeURIComponent(channel.id)}`, {
        expirationDateTime: expiry(ttlSeconds).toISOString(),
      });
      return { ...channel, expiresAt: new Date(subscription.expirationDateTime) };
    } catch (error) {
      if (hasStatus(error, 404)) throw new WatchNotRenewable('The Graph subscription no longer exists: create a new one.');
      throw error;
    }
  }

  async function stopWatch(channel: WatchChannel): Promise<void> {
    try {
      await send('Delete the calendar subscription', 'DELETE', `/subscriptions/${encodeURIComponent(channel.id)}`);
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  return {
    provider: 'microsoft',
    createEvent,
    updateEvent,
    getEvent,
    deleteEvent,
    writeOccurrence: series.writeOccurrence,
    cancelOccurrence: series.cancelOccurrence,
    listChanges,
    watch,
    renewWatch,
    stopWatch,
  };
}
