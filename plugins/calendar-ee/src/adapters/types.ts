// The one interface the sync engine talks to; Google and Microsoft implement it. The engine never
// branches on provider type. Mapping between PSA entries and provider events lives in pure,
// fixture-tested mappers; HTTP, retries and throttling in each adapter's client.

/** A calendar event in the PSA's terms: what sync compares (content hash) and writes. */
export interface SyncEvent {
  title: string;
  notes: string | null;
  /** All-day: `YYYY-MM-DD`. Timed: an instant, `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC, milliseconds). */
  start: string;
  /** Exclusive end, same form as start. */
  end: string;
  /** IANA zone the entry lives in (all-day entries: the zone they were created in, or UTC). */
  timeZone: string;
  allDay: boolean;
  /** An RRULE body without the `RRULE:` prefix (`FREQ=WEEKLY;BYDAY=MO,WE`), or null. */
  recurrence: string | null;
  /** Attendee emails, trimmed and lower-cased, sorted. Inbound only; outbound never invites. */
  attendees: string[];
}

/** An event as the provider holds it. */
export interface RemoteEvent {
  /** The provider's event id. */
  id: string;
  /** Google etag / Graph changeKey: what If-Match sends. */
  etag: string;
  iCalUid: string | null;
  /** Our mapping id when we created the event (Google private extended property; Graph extended property). */
  mappingId: string | null;
  /**
   * Graph delta items, which cannot carry our extended property: the event's transactionId. It is our
   * mapping id when we created the event, or one Outlook chose (Outlook sets its own on events made
   * there), so it counts only when a mapping has this id; before such an event is imported it is
   * read in full to look for our property (pull.ts).
   */
  maybeMappingId?: string;
  /** Google status=cancelled or Graph @removed: the rest may be empty. */
  cancelled: boolean;
  event: SyncEvent | null;
  /**
   * Set when the change is one occurrence of a series, edited (an exception) or cancelled; `id` is
   * then the instance's id. `originalStart` is the start the series' rule gave the occurrence, in
   * SyncEvent form (timed: UTC instant with milliseconds; all-day: `YYYY-MM-DD`).
   */
  occurrenceOf?: { seriesId: string; originalStart: string };
}

/** One page of incremental changes. */
export interface ChangePage {
  changes: RemoteEvent[];
  /** Present on the last page: the cursor for the next incremental pull (Google syncToken, Graph deltaLink). */
  nextCursor?: string;
}

/** Push channel (Google events.watch) or subscription (Graph /subscriptions). */
export interface WatchChannel {
  /** Google channel id / Graph subscription id. */
  id: string;
  /** Google resourceId; Graph: the subscription resource. */
  resourceId: string;
  expiresAt: Date;
}

export interface WatchRequest {
  /** Where the provider POSTs notifications (our stable webhook URL). */
  address: string;
  /** Google channel token / Graph clientState: a secret we verify on every notification. */
  secret: string;
  /** Graph only: where lifecycle notifications go. */
  lifecycleAddress?: string;
  /** Requested lifetime; providers cap it (Google ~7 days, Graph 10,070 minutes). */
  ttlSeconds: number;
}

/** Supplies a valid access token; the adapter calls `invalidate` after a 401 and asks again once. */
export interface TokenSource {
  accessToken(): Promise<string>;
  invalidate(): void;
}

export interface CalendarAdapter {
  readonly provider: 'google' | 'microsoft';
  /** Idempotent across retries: Google uses an event id derived from `mappingId`, Graph `transactionId`. */
  createEvent(event: SyncEvent, mappingId: string): Promise<RemoteEvent>;
  /** With If-Match `etag`; a stale etag throws PreconditionFailed, an event deleted in the calendar EventNotFound. */
  updateEvent(externalId: string, event: SyncEvent, etag: string): Promise<RemoteEvent>;
  /** null when the event does not exist (or was deleted). */
  getEvent(externalId: string): Promise<RemoteEvent | null>;
  /** Succeeds when the event is already gone. */
  deleteEvent(externalId: string): Promise<void>;
  /**
   * Make one occurrence of a series look like `event` (it becomes an exception); `etag` guards an
   * earlier write of ours (PreconditionFailed when stale). EventNotFound when the series or that
   * occurrence is gone. The answer carries the instance's id and `occurrenceOf`. `instanceId`, the
   * id an earlier write answered, finds an exception wherever it was moved (Graph lists instances by
   * their current times).
   */
  writeOccurrence(seriesExternalId: string, originalStart: string, event: SyncEvent, etag?: string, instanceId?: string): Promise<RemoteEvent>;
  /** Cancel one occurrence of a series; succeeds when it is already cancelled or the series is gone. */
  cancelOccurrence(seriesExternalId: string, originalStart: string): Promise<void>;
  /**
   * Pages of changes since `cursor` (null: a full listing of the window, ending with a cursor).
   * A stale cursor throws CursorExpired; the caller resets and lists again.
   */
  listChanges(cursor: string | null, window: { from: Date; to: Date }): AsyncIterable<ChangePage>;
  watch(request: WatchRequest): Promise<WatchChannel>;
  /** Graph: PATCH the expiry; Google: not possible (throws WatchNotRenewable, as Graph does once the subscription is gone), the caller re-creates the channel. */
  renewWatch(channel: WatchChannel, ttlSeconds: number): Promise<WatchChannel>;
  /** Succeeds when the channel is already gone. */
  stopWatch(channel: WatchChannel): Promise<void>;
}

/** The provider refused a write because our etag/changeKey is stale (HTTP 412). */
export class PreconditionFailed extends Error {
  override name = 'PreconditionFailed';
}

/** The sync cursor is no longer valid (Google 410 fullSyncRequired, Graph 410 syncStateNotFound). */
export class CursorExpired extends Error {
  override name = 'CursorExpired';
}

/** The grant is gone (refresh invalid_grant, 401 after a refresh): the user must reconnect. */
export class AuthorizationRevoked extends Error {
  override name = 'AuthorizationRevoked';
}

/** The provider kept failing (429/403 rate limit/5xx/timeouts) after retries; `retryAfterMs` when it said. */
export class ProviderUnavailable extends Error {
  override name = 'ProviderUnavailable';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** An update hit an event that no longer exists in the calendar (deleted there): re-create or drop the mapping. */
export class EventNotFound extends Error {
  override name = 'EventNotFound';
}

/** The channel cannot be extended (Google never; Graph once the subscription is gone): create a new one. */
export class WatchNotRenewable extends Error {
  override name = 'WatchNotRenewable';
}
