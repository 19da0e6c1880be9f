// events.list: full listing with filters, paging, and incremental sync with sync tokens, following
// the sync guide (https://developers.google.com/workspace/calendar/api/guides/sync) and the
// events.list reference (https://developers.google.com/workspace/calendar/api/v3/reference/events/list).
import { createHash } from 'node:crypto';
import type { Calendar, CalendarStore, StoredEvent } from './calendar-store.js';
import { apiErrors } from './errors.js';
import { instantOf, tombstone } from './event-model.js';
import { isMaster, MAX_INSTANCES, seriesInstances } from './recurrence.js';

export interface ListQuery {
  timeMin?: string;
  timeMax?: string;
  updatedMin?: string;
  showDeleted?: string;
  singleEvents?: string;
  orderBy?: string;
  maxResults?: string;
  pageToken?: string;
  syncToken?: string;
  iCalUID?: string;
  q?: string;
  privateExtendedProperty?: string | string[];
  sharedExtendedProperty?: string | string[];
}

/** "There are several query parameters that cannot be specified together with nextSyncToken" (syncToken param doc). */
const NOT_WITH_SYNC_TOKEN = ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin'] as const;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decode<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString()) as T;
  } catch {
    return null;
  }
}

interface SyncTokenData {
  c: string;
  s: number;
  e: number;
}
interface PageTokenData {
  /** Sort key of the last item served. */
  k: [number, number];
  /** Store sequence when the first page was served; the final nextSyncToken carries it. */
  u: number;
  /** Fingerprint of the query; a page token only continues the exact same query. */
  f: string;
}

function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  // "Must be an RFC3339 timestamp with mandatory time zone offset" (timeMin/timeMax doc).
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(value)) throw apiErrors.badRequest(`Bad Request`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw apiErrors.invalid(`Invalid value for ${name}.`, name);
  return ms;
}

const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function matchesProperties(event: StoredEvent, scope: 'private' | 'shared', constraints: string[]): boolean {
  const props = ((event.resource.extendedProperties as Record<string, Record<string, string>> | undefined)?.[scope] ?? {}) as Record<string, string>;
  // The discovery doc says repeated constraints must ALL match (the guide says OR); we follow the reference.
  return constraints.every((c) => {
    const at = c.indexOf('=');
    return at > 0 && props[c.slice(0, at)] === c.slice(at + 1);
  });
}

function matchesText(event: StoredEvent, q: string): boolean {
  const r = event.resource as Record<string, unknown>;
  const attendees = (r.attendees as Array<{ email?: string; displayName?: string }> | undefined) ?? [];
  const haystack = [r.summary, r.description, r.location, ...attendees.flatMap((a) => [a.email, a.displayName])].join(' ').toLowerCase();
  return q.toLowerCase().split(/\s+/).every((word) => haystack.includes(word));
}

export interface EventsPage {
  kind: 'calendar#events';
  etag: string;
  summary: string;
  description?: string;
  updated: string;
  timeZone: string;
  accessRole: string;
  defaultReminders: unknown[];
  nextPageToken?: string;
  nextSyncToken?: string;
  items: unknown[];
}

interface OrderedListing {
  ordered: StoredEvent[];
  keys: [number, number][];
  lastUpdated: number;
}

// A listing is served in many pages. Filtering and sorting every event again for each page made a
// 100,000-event calendar cost O(n² log n); the ordered listing of the last query is kept until the
// store changes in any way (its revision), so the pages served are the same.
const listings = new WeakMap<CalendarStore, { key: string; listing: OrderedListing }>();
function orderedListing(store: CalendarStore, query: unknown[], build: () => OrderedListing): OrderedListing {
  const key = JSON.stringify([...query, store.revision]);
  const cached = listings.get(store);
  if (cached?.key === key) return cached.listing;
  const listing = build();
  listings.set(store, { key, listing });
  return listing;
}

export function listEvents(store: CalendarStore, calendar: Calendar, query: ListQuery, now: number): EventsPage {
  const incremental = query.syncToken !== undefined;
  let since = 0;
  if (incremental) {
    const clash = NOT_WITH_SYNC_TOKEN.find((name) => query[name] !== undefined);
    if (clash) throw apiErrors.invalid(`The parameter ${clash} cannot be combined with syncToken.`, clash);
    // "it is not allowed to set showDeleted to False" with a sync token.
    if (query.showDeleted === 'false') throw apiErrors.invalid('showDeleted cannot be false with syncToken.', 'showDeleted');
    const token = decode<SyncTokenData>(query.syncToken!);
    if (!token || typeof token.s !== 'number' || token.c !== calendar.id) throw apiErrors.invalid('Invalid sync token value.', 'syncToken');
    // Expired/invalidated tokens: "respond to an incremental request with a response code 410" (sync guide).
    if (token.e !== store.syncEpoch) throw apiErrors.fullSyncRequired();
    since = token.s;
  }
  if (query.orderBy === 'startTime' && query.singleEvents !== 'true') {
    throw apiErrors.badRequest('The requested ordering is not available for the particular query.');
  }
  const timeMin = parseTime(query.timeMin, 'timeMin');
  const timeMax = parseTime(query.timeMax, 'timeMax');
  const updatedMin = parseTime(query.updatedMin, 'updatedMin');
  if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax) throw apiErrors.timeRangeEmpty('timeMax');
  const maxResults = Math.min(Math.max(Number(query.maxResults ?? 250) || 250, 1), 2500);

  const { pageToken, maxResults: _ignored, ...rest } = query;
  const fingerprint = createHash('sha1').update(JSON.stringify(rest)).digest('base64url').slice(0, 12);
  let cursor: [number, number] | null = null;
  let upTo = store.seq;
  if (pageToken !== undefined) {
    const page = decode<PageTokenData>(pageToken);
    if (!page || page.f !== fingerprint) throw apiErrors.invalid('Invalid page token value.', 'pageToken');
    cursor = page.k;
    upTo = page.u;
  }

  const byUpdate = incremental || query.orderBy === 'updated';
  // Instances computed from one master share its sequences; their original start tells them apart.
  const sortKey = (e: StoredEvent): [number, number] => {
    const instant = instantOf(e.resource.originalStartTime) || 0;
    return byUpdate ? [e.changeSeq, instant] : query.orderBy === 'startTime' ? [instantOf(e.resource.start), e.createdSeq] : [e.createdSeq, instant];
  };
  const after = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  // "entries deleted since this time will always be included regardless of showDeleted" (updatedMin doc).
  const showDeleted = query.showDeleted === 'true' || updatedMin !== undefined;

  // singleEvents=true: "expand recurring events into instances and only return single one-off events
  // and instances of recurring events, but not the underlying recurring events themselves" (events.list).
  // Exceptions are stored events and are listed as they are.
  const source = () =>
    store.eventsOf(calendar.id).flatMap((e) =>
      query.singleEvents === 'true' && isMaster(e.resource) && e.resource.status !== 'cancelled'
        ? seriesInstances(store, calendar, e, { from: timeMin, to: timeMax, computedOnly: true })
        : [e],
    );
  const matches = (e: StoredEvent) => {
    const r = e.resource;
    if (incremental) return e.changeSeq > since && e.changeSeq <= upTo;
    if (byUpdate && e.changeSeq > upTo) return false;
    if (r.status === 'cancelled' && !showDeleted) return false;
    if (updatedMin !== undefined && Date.parse(r.updated) < updatedMin) return false;
    if (query.iCalUID !== undefined && r.iCalUID !== query.iCalUID) return false;
    if (query.q !== undefined && !matchesText(e, query.q)) return false;
    if (!matchesProperties(e, 'private', asList(query.privateExtendedProperty))) return false;
    if (!matchesProperties(e, 'shared', asList(query.sharedExtendedProperty))) return false;
    // timeMin bounds the END (exclusive), timeMax the START (exclusive). A recurring master has no end here.
    const recurring = Array.isArray(r.recurrence) && r.recurrence.length > 0;
    if (timeMin !== undefined && !recurring && !(instantOf(r.end) > timeMin)) return false;
    if (timeMax !== undefined && !(instantOf(r.start) < timeMax)) return false;
    return true;
  };
  const listing = orderedListing(store, [calendar.id, fingerprint, since, upTo], () => {
    const keyed = source()
      .filter(matches)
      .map((e) => ({ e, key: sortKey(e) }))
      .sort((a, b) => (after(a.key, b.key) ? 1 : -1));
    let lastUpdated = 0;
    for (const e of store.eventsOf(calendar.id)) lastUpdated = Math.max(lastUpdated, Date.parse(e.resource.updated));
    return { ordered: keyed.map((x) => x.e), keys: keyed.map((x) => x.key), lastUpdated };
  });
  // What follows the cursor is a tail of the ordered listing.
  const first = cursor ? listing.keys.findIndex((key) => after(key, cursor!)) : 0;
  const page = first === -1 ? [] : listing.ordered.slice(first, first + maxResults);
  const more = first !== -1 && listing.ordered.length > first + maxResults;
  const lastUpdated = listing.lastUpdated;
  return {
    kind: 'calendar#events',
    etag: `"p${(store.seq * 7919).toString(32)}0g"`,
    summary: calendar.summary,
    ...(calendar.description ? { description: calendar.description } : {}),
    updated: new Date(lastUpdated || now).toISOString(),
    timeZone: calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [],
    // "nextSyncToken only on the very last page when paginated" (sync guide).
    ...(more
      ? { nextPageToken: encode({ k: sortKey(page[page.length - 1]), u: upTo, f: fingerprint } satisfies PageTokenData) }
      : { nextSyncToken: encode({ c: calendar.id, s: upTo, e: store.syncEpoch } satisfies SyncTokenData) }),
    items: page.map((e) => (e.resource.status === 'cancelled' ? tombstone(e.resource) : e.resource)),
  };
}

/**
 * events.instances: the instances of one series, exceptions included (cancelled ones with
 * showDeleted), in original-start order, paged by maxResults. No sync token: instances are not an
 * incremental collection. https://developers.google.com/calendar/api/v3/reference/events/instances
 */
export function listInstances(store: CalendarStore, calendar: Calendar, master: StoredEvent, query: ListQuery & { originalStart?: string }, now: number): EventsPage {
  // The reference does not say what a single event answers; a 400 keeps clients from relying on it.
  if (!isMaster(master.resource)) throw apiErrors.badRequest('The event is not a recurring event.');
  const timeMin = parseTime(query.timeMin, 'timeMin');
  const timeMax = parseTime(query.timeMax, 'timeMax');
  if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax) throw apiErrors.timeRangeEmpty('timeMax');
  const originalStart = parseTime(query.originalStart, 'originalStart');
  const maxResults = Math.min(Math.max(Number(query.maxResults ?? 250) || 250, 1), 2500);
  const offset = query.pageToken === undefined ? 0 : (decode<{ o: number }>(query.pageToken)?.o ?? -1);
  if (!(offset >= 0)) throw apiErrors.invalid('Invalid page token value.', 'pageToken');
  const all = seriesInstances(store, calendar, master, { from: timeMin, to: timeMax, showDeleted: query.showDeleted === 'true' }).filter(
    (e) => originalStart === undefined || instantOf(e.resource.originalStartTime) === originalStart,
  );
  const page = all.slice(offset, offset + maxResults);
  return {
    kind: 'calendar#events',
    etag: `"p${(store.seq * 7919).toString(32)}0g"`,
    summary: calendar.summary,
    updated: new Date(Date.parse(master.resource.updated) || now).toISOString(),
    timeZone: calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [],
    ...(offset + maxResults < Math.min(all.length, MAX_INSTANCES) ? { nextPageToken: encode({ o: offset + maxResults }) } : {}),
    items: page.map((e) => (e.resource.status === 'cancelled' ? tombstone(e.resource) : e.resource)),
  };
}
