// CalendarAdapter for Google Calendar v3 through @googleapis/calendar. The library's retries are
// off (gaxios ignores Retry-After); every call goes through provider-http's token and retry policy.
// Series are listed unexpanded (singleEvents=false): a master is reported as itself, an edited or
// cancelled occurrence (an exception) as a change of that one occurrence (google-series.ts).
import { randomUUID } from 'node:crypto';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { googleEventId, toGoogleEvent, toGooglePatch, toRemoteEvent } from './google-mapping.js';
import { googleInstanceId, googleOccurrenceOf, toGoogleInstancePatch } from './google-series.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, ProviderResponseError, withAccessToken, withRetry, type RetryPolicy } from './provider-http.js';
import { googleCalendarLimiter } from './mailbox-limiter.js';
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

type GoogleEvent = calendar_v3.Schema$Event;
type CallOptions = { headers: Record<string, string> };

export interface GoogleAdapterOptions {
  /** `${providerUrls.googleApi}/`: the API root the library resolves `calendar/v3/...` against. */
  rootUrl: string;
  /** `primary` or a calendar id. */
  calendarId: string;
  tokens: TokenSource;
  retry?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
  /** events.list maxResults (Google: default 250, max 2500). */
  pageSize?: number;
  /** The connection's id: its requests share googleCalendarLimiter's four slots in this process (none when absent). */
  limiterKey?: string;
}

/** A gaxios failure as a ProviderResponseError; anything else (a bug of ours) is rethrown as it is. */
function providerError(error: unknown): unknown {
  const e = error as { config?: unknown; response?: { status: number; headers?: Headers; data?: any }; code?: string; message?: string };
  if (!e || typeof e !== 'object' || !('config' in e)) return error;
  if (!e.response) return new ProviderResponseError(undefined, e.code, `Google could not be reached (${e.code ?? e.message}).`);
  const { status, headers, data } = e.response;
  const reason = data?.error?.errors?.[0]?.reason ?? data?.error?.status;
  const retryAfter = parseRetryAfter(typeof headers?.get === 'function' ? headers.get('retry-after') : undefined);
  return new ProviderResponseError(status, reason, `Google answered ${status}${reason ? ` ${reason}` : ''}: ${data?.error?.message ?? ''}`, retryAfter);
}

const hasStatus = (error: unknown, ...statuses: number[]) => error instanceof ProviderResponseError && statuses.includes(error.status ?? 0);

export function createGoogleAdapter(options: GoogleAdapterOptions): CalendarAdapter {
  const api = calendar({ version: 'v3', rootUrl: options.rootUrl, retry: false, timeout: options.requestTimeoutMs ?? 30_000 });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const calendarId = options.calendarId;

  /** One API call with a fresh token, replayed after a 401, retried while the failure is transient. */
  function call<T>(what: string, request: (callOptions: CallOptions) => Promise<{ data: T }>, headers: Record<string, string> = {}): Promise<T> {
    return withRetry(what, policy, () =>
      withAccessToken(options.tokens, async (token) => {
        try {
          const send = () => request({ headers: { ...headers, authorization: `Bearer ${token}` } });
          return (await (options.limiterKey ? googleCalendarLimiter(options.limiterKey, send) : send())).data;
        } catch (error) {
          throw providerError(error);
        }
      }),
    );
  }

  /** The stored event, cancelled ones included (get always returns them); null when unknown. */
  async function read(eventId: string): Promise<GoogleEvent | null> {
    try {
      return await call('Read the calendar event', (o) => api.events.get({ calendarId, eventId }, o));
    } catch (error) {
      if (hasStatus(error, 404, 410)) return null;
      throw error;
    }
  }

  async function createEvent(event: SyncEvent, mappingId: string): Promise<RemoteEvent> {
    const id = googleEventId(mappingId);
    const requestBody = { ...toGoogleEvent(event, mappingId), id };
    try {
      return toRemoteEvent(await call('Create the calendar event', (o) => api.events.insert({ calendarId, sendUpdates: 'none', requestBody }, o)));
    } catch (error) {
      if (!hasStatus(error, 409)) throw error;
    }
    // 409 duplicate: an earlier attempt of this create got through. Return that event — or, when it
    // was deleted since (Google keeps ids of deleted events), bring it back with this content.
    const existing = await read(id);
    if (existing && existing.status !== 'cancelled') return toRemoteEvent(existing);
    return toRemoteEvent(
      await call('Re-create the calendar event', (o) => api.events.update({ calendarId, eventId: id, sendUpdates: 'none', requestBody: { ...requestBody, status: 'confirmed' } }, o)),
    );
  }

  async function updateEvent(externalId: string, event: SyncEvent, etag: string): Promise<RemoteEvent> {
    let updated: GoogleEvent;
    try {
      updated = await call(
        'Update the calendar event',
        (o) => api.events.patch({ calendarId, eventId: externalId, sendUpdates: 'none', requestBody: toGooglePatch(event) }, o),
        { 'if-match': etag },
      );
    } catch (error) {
      if (hasStatus(error, 412)) throw new PreconditionFailed('The calendar event changed since it was last read.');
      if (hasStatus(error, 404, 410)) throw new EventNotFound('The calendar event no longer exists.');
      throw error;
    }
    // Patching a deleted event succeeds on Google but leaves it deleted.
    if (updated.status === 'cancelled') throw new EventNotFound('The calendar event was deleted in the calendar.');
    return toRemoteEvent(updated);
  }

  async function getEvent(externalId: string): Promise<RemoteEvent | null> {
    const resource = await read(externalId);
    return resource && resource.status !== 'cancelled' ? toRemoteEvent(resource) : null;
  }

  async function deleteEvent(externalId: string): Promise<void> {
    try {
      await call('Delete the calendar event', (o) => api.events.delete({ calendarId, eventId: externalId, sendUpdates: 'none' }, o));
    } catch (error) {
      // 410 global/deleted: already deleted, nothing to do (errors guide).
      if (!hasStatus(error, 404, 410)) throw error;
    }
  }

  async function writeOccurrence(seriesExternalId: string, originalStart: string, event: SyncEvent, etag?: string): Promise<RemoteEvent> {
    const eventId = googleInstanceId(seriesExternalId, originalStart);
    let written: GoogleEvent;
    try {
      written = await call(
        'Change one occurrence of the calendar series',
        (o) => api.events.patch({ calendarId, eventId, sendUpdates: 'none', requestBody: toGoogleInstancePatch(event) }, o),
        etag ? { 'if-match': etag } : {},
      );
    } catch (error) {
      if (hasStatus(error, 412)) throw new PreconditionFailed('The occurrence changed since it was last read.');
      if (hasStatus(error, 404, 410)) throw new EventNotFound('The calendar series or this occurrence of it no longer exists.');
      throw error;
    }
    return { ...toRemoteEvent(written), occurrenceOf: googleOccurrenceOf(written) ?? { seriesId: seriesExternalId, originalStart } };
  }

  async function cancelOccurrence(seriesExternalId: string, originalStart: string): Promise<void> {
    await deleteEvent(googleInstanceId(seriesExternalId, originalStart));
  }

  async function* listChanges(cursor: string | null, window: { from: Date; to: Date }): AsyncIterable<ChangePage> {
    // Full: the window, cancelled events included, series unexpanded. Incremental: the sync token
    // alone (timeMin/timeMax are not allowed with it); deletions always come back.
    const query = cursor ? { syncToken: cursor } : { timeMin: window.from.toISOString(), timeMax: window.to.toISOString() };
    let pageToken: string | undefined;
    do {
      let page: calendar_v3.Schema$Events;
      try {
        page = await call('List calendar changes', (o) =>
          api.events.list({ calendarId, ...query, singleEvents: false, showDeleted: true, maxResults: options.pageSize ?? 250, ...(pageToken ? { pageToken } : {}) }, o),
        );
      } catch (error) {
        if (hasStatus(error, 410)) throw new CursorExpired('Google no longer accepts the sync token; list the calendar again.');
        throw error;
      }
      const changes: RemoteEvent[] = [];
      for (const item of page.items ?? []) {
        if (!item.id) continue;
        const occurrenceOf = googleOccurrenceOf(item);
        changes.push(occurrenceOf ? { ...toRemoteEvent(item), occurrenceOf } : toRemoteEvent(item));
      }
      pageToken = page.nextPageToken ?? undefined;
      yield pageToken ? { changes } : { changes, ...(page.nextSyncToken ? { nextCursor: page.nextSyncToken } : {}) };
    } while (pageToken);
  }

  async function watch(request: WatchRequest): Promise<WatchChannel> {
    const channel = await call('Watch the calendar', (o) =>
      api.events.watch(
        { calendarId, requestBody: { id: randomUUID(), type: 'web_hook', address: request.address, token: request.secret, params: { ttl: String(request.ttlSeconds) } } },
        o,
      ),
    );
    return { id: channel.id!, resourceId: channel.resourceId!, expiresAt: new Date(Number(channel.expiration)) };
  }

  async function stopWatch(channel: WatchChannel): Promise<void> {
    try {
      await call('Stop watching the calendar', (o) => api.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }, o));
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  return {
    provider: 'google',
    createEvent,
    updateEvent,
    getEvent,
    deleteEvent,
    writeOccurrence,
    cancelOccurrence,
    listChanges,
    watch,
    renewWatch: async () => {
      throw new WatchNotRenewable('Google channels cannot be renewed: open a new channel and stop the old one.');
    },
    stopWatch,
  };
}
