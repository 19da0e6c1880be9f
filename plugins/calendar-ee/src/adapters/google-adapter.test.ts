import t from 'tap';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectGoogleAccount, startGoogleEmulator } from '@switchboard/emulators';
import { createGoogleAdapter, type GoogleAdapterOptions } from './google-adapter.js';
import { googleEventId } from './google-mapping.js';
import { roundTripCases } from './fixtures/round-trip-cases.js';
import {
  AuthorizationRevoked,
  CursorExpired,
  EventNotFound,
  PreconditionFailed,
  ProviderUnavailable,
  WatchNotRenewable,
  type ChangePage,
  type SyncEvent,
  type TokenSource,
} from './types.js';

const client = { clientId: 'adapter-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
// Loopback mode: the watch test names a plain-http webhook address.
const g = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] }, allowHttpWebhooks: true });
t.teardown(() => g.close());

const window = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
const event = (title: string, day = 10): SyncEvent => ({
  ...roundTripCases[0].event,
  title,
  start: `2026-06-${day}T13:00:00.000Z`,
  end: `2026-06-${day}T14:00:00.000Z`,
});
const INSERT = 'POST /calendar/v3/calendars/:calendarId/events';

/** A connected Google account (real OAuth flow against the emulator) and an adapter over its tokens. */
async function connect(email: string, options: Partial<GoogleAdapterOptions> = {}) {
  const account = await connectGoogleAccount(g, { email, client });
  const waits: number[] = [];
  const tokens = {
    invalidations: 0,
    accessToken: async () => (await account.auth.getAccessToken()).token!,
    invalidate() {
      tokens.invalidations += 1;
      account.auth.setCredentials({ ...account.auth.credentials, access_token: null, expiry_date: 1 });
    },
  };
  const adapter = createGoogleAdapter({
    rootUrl: g.rootUrl,
    calendarId: 'primary',
    tokens,
    retry: { minDelayMs: 5, maxDelayMs: 20, sleep: (ms) => (waits.push(ms), new Promise((resolve) => setTimeout(resolve, ms))) },
    requestTimeoutMs: 2000,
    ...options,
  });
  return { adapter, tokens, waits, events: () => g.events(email) };
}

async function collect(pages: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const all: ChangePage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

t.test('every round-trip case comes back from Google exactly as it was written', async (t) => {
  const { adapter } = await connect('roundtrip@example.com');
  for (const { name, event } of roundTripCases) {
    const created = await adapter.createEvent(event, randomUUID());
    // Attendees are inbound only: we never invite (google-attendees.test.ts).
    const written = { ...event, attendees: [] };
    t.strictSame(created.event, written, `${name}: create answer`);
    t.strictSame((await adapter.getEvent(created.id))?.event, written, `${name}: read back`);
  }
});

t.test('create is idempotent per mapping id: a repeat (or a timed-out first try) yields one event', async (t) => {
  const { adapter, events } = await connect('idempotent@example.com', { requestTimeoutMs: 250 });
  const mappingId = randomUUID();
  const first = await adapter.createEvent(event('Once'), mappingId);
  const again = await adapter.createEvent(event('Once'), mappingId);
  t.equal(first.id, googleEventId(mappingId));
  t.equal(again.id, first.id);
  t.equal(again.mappingId, mappingId);

  // The server creates the event after the client gave up waiting; the retry must not duplicate it.
  g.controls.inject({ method: 'POST', path: '/events$', kind: 'latency', delayMs: 500, times: 1 });
  const slow = randomUUID();
  const posts = g.controls.count(INSERT);
  const created = await adapter.createEvent(event('Slow'), slow);
  t.equal(g.controls.count(INSERT) - posts, 2, 'the first try timed out and was retried');
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.equal(events().filter((e) => e.id === googleEventId(slow)).length, 1);
  t.equal(events().length, 2);
  t.equal(created.event?.title, 'Slow');

  // Deleted, then created again under the same mapping: Google keeps the id, so the event comes back.
  await adapter.deleteEvent(first.id);
  const revived = await adapter.createEvent(event('Back'), mappingId);
  t.equal(revived.id, first.id);
  t.equal((await adapter.getEvent(first.id))?.event?.title, 'Back');
});

t.test('updates need the current etag; a stale one is PreconditionFailed; a deleted event is EventNotFound', async (t) => {
  const { adapter } = await connect('etag@example.com');
  const created = await adapter.createEvent(event('v1'), randomUUID());
  const updated = await adapter.updateEvent(created.id, { ...event('v2'), notes: null, recurrence: 'FREQ=DAILY;COUNT=2' }, created.etag);
  t.not(updated.etag, created.etag);
  t.strictSame(updated.event, { ...event('v2'), notes: null, recurrence: 'FREQ=DAILY;COUNT=2' });
  await t.rejects(adapter.updateEvent(created.id, event('v3'), created.etag), PreconditionFailed);
  const allDay = await adapter.updateEvent(created.id, { ...event('v3'), allDay: true, start: '2026-06-10', end: '2026-06-11' }, updated.etag);
  t.match(allDay.event, { allDay: true, start: '2026-06-10', end: '2026-06-11', timeZone: 'America/New_York' });
  await adapter.deleteEvent(created.id);
  // Deleting changed the etag: the engine's stale etag fails first, and a re-read finds nothing.
  await t.rejects(adapter.updateEvent(created.id, event('v4'), allDay.etag), PreconditionFailed);
  t.equal(await adapter.getEvent(created.id), null);
  const current = g.events('etag@example.com').find((e) => e.id === created.id)!.etag;
  await t.rejects(adapter.updateEvent(created.id, event('v4'), current), EventNotFound, 'Google would patch the tombstone; we refuse');
});

t.test('deleting twice succeeds; a deleted or unknown event reads as null', async (t) => {
  const { adapter } = await connect('delete@example.com');
  const created = await adapter.createEvent(event('Bye'), randomUUID());
  await adapter.deleteEvent(created.id);
  await adapter.deleteEvent(created.id);
  await adapter.deleteEvent('unknown00000');
  t.equal(await adapter.getEvent(created.id), null);
  t.equal(await adapter.getEvent('unknown00000'), null);
});

t.test('listChanges: a paged full listing, then only what changed, a moved occurrence reported as that occurrence', async (t) => {
  const email = 'sync@example.com';
  const { adapter } = await connect(email, { pageSize: 2 });
  const [a, b, c] = [await adapter.createEvent(event('A', 11), randomUUID()), await adapter.createEvent(event('B', 12), randomUUID()), await adapter.createEvent(event('C', 13), randomUUID())];
  const series = await adapter.createEvent({ ...event('Series', 15), recurrence: 'FREQ=DAILY;COUNT=5' }, randomUUID());
  g.insertEvent(email, { id: 'outside01', summary: 'Made in Google', start: { dateTime: '2027-03-01T09:00:00Z' }, end: { dateTime: '2027-03-01T10:00:00Z' } });

  const full = await collect(adapter.listChanges(null, window));
  t.equal(full.length, 2, 'four events in the window, two per page');
  t.notOk(full[0].nextCursor, 'only the last page carries the cursor');
  t.ok(full[1].nextCursor);
  t.strictSame(full.flatMap((p) => p.changes.map((c) => c.id)), [a.id, b.id, c.id, series.id]);

  await adapter.updateEvent(a.id, { ...event('A2', 11) }, a.etag);
  await adapter.deleteEvent(b.id);
  // Someone moves one occurrence of the series in Google: an exception with the instance's id.
  g.changeEvent(email, `${series.id}_20260617T130000Z`, { summary: 'Moved', start: { dateTime: '2026-06-17T15:00:00Z' }, end: { dateTime: '2026-06-17T16:00:00Z' } });

  const incremental = await collect(adapter.listChanges(full[1].nextCursor!, window));
  const changes = incremental.flatMap((p) => p.changes);
  t.strictSame(changes.map((c) => [c.id, c.cancelled]), [[a.id, false], [b.id, true], [`${series.id}_20260617T130000Z`, false]]);
  t.equal(changes[0].event?.title, 'A2');
  t.strictSame(changes[2].occurrenceOf, { seriesId: series.id, originalStart: '2026-06-17T13:00:00.000Z' });
  t.equal(changes[2].event?.title, 'Moved');
  t.ok(incremental.at(-1)?.nextCursor);

  g.expireSyncTokens();
  await t.rejects(collect(adapter.listChanges(incremental.at(-1)!.nextCursor!, window)), CursorExpired);
});

t.test('watch opens a channel with our secret; Google cannot renew; stop twice is fine', async (t) => {
  const { adapter } = await connect('watch@example.com');
  const before = Date.now();
  const channel = await adapter.watch({ address: 'http://127.0.0.1:9/hooks/google', secret: 'channel-secret', ttlSeconds: 86_400 });
  const held = g.channels().find((c) => c.id === channel.id)!;
  t.match(held, { token: 'channel-secret', address: 'http://127.0.0.1:9/hooks/google', resourceId: channel.resourceId, stopped: false });
  t.ok(channel.expiresAt.getTime() >= before + 86_400_000 && channel.expiresAt.getTime() <= Date.now() + 86_400_000);
  await t.rejects(adapter.renewWatch(channel, 86_400), WatchNotRenewable);
  await adapter.stopWatch(channel);
  t.equal(g.channels().find((c) => c.id === channel.id)?.stopped, true);
  await adapter.stopWatch(channel);
});

t.test('throttling: 429 and 403 rate limits are retried honouring Retry-After', async (t) => {
  const { adapter, waits } = await connect('throttle@example.com');
  const before = g.controls.count(INSERT);
  g.controls.inject({ method: 'POST', path: '/events$', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
  await adapter.createEvent(event('Throttled'), randomUUID());
  t.equal(g.controls.count(INSERT) - before, 3);
  t.ok(waits.length === 2 && waits.every((ms) => ms >= 1000), `waited at least Retry-After: ${waits}`);

  g.controls.inject({ method: 'POST', path: '/events$', kind: 'status', status: 403, reason: 'userRateLimitExceeded', times: 1 });
  await adapter.createEvent(event('Rate limited'), randomUUID());
  t.equal(g.controls.count(INSERT) - before, 5);
});

t.test('a provider that keeps failing ends in ProviderUnavailable; other errors are not retried', async (t) => {
  const { adapter } = await connect('outage@example.com', { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
  const created = await adapter.createEvent(event('Down'), randomUUID());
  const GET = 'GET /calendar/v3/calendars/:calendarId/events/:eventId';
  const before = g.controls.count(GET);
  g.controls.inject({ method: 'GET', path: '/events/', kind: 'status', status: 503, times: 0 });
  t.teardown(() => g.controls.clearFaults());
  const error = await adapter.getEvent(created.id).catch((e: unknown) => e);
  g.controls.clearFaults();
  t.ok(error instanceof ProviderUnavailable);
  t.equal((error as ProviderUnavailable).status, 503);
  t.equal(g.controls.count(GET) - before, 3, 'first try and two retries');

  g.controls.inject({ method: 'POST', path: '/events$', kind: 'status', status: 400, times: 1 });
  await t.rejects(adapter.createEvent(event('Bad'), randomUUID()), { name: 'ProviderResponseError', status: 400 });
});

t.test('a 401 invalidates the token and replays once; a token that never works is AuthorizationRevoked', async (t) => {
  const { adapter, tokens } = await connect('expired@example.com');
  const created = await adapter.createEvent(event('Token'), randomUUID());
  g.expireAccessTokens({ email: 'expired@example.com' });
  t.equal((await adapter.getEvent(created.id))?.event?.title, 'Token');
  t.equal(tokens.invalidations, 1);

  let invalidated = 0;
  const broken: TokenSource = { accessToken: async () => 'not-a-token', invalidate: () => void (invalidated += 1) };
  const revoked = createGoogleAdapter({ rootUrl: g.rootUrl, calendarId: 'primary', tokens: broken });
  await t.rejects(revoked.getEvent(created.id), AuthorizationRevoked);
  t.equal(invalidated, 1);
});

t.test('one connection sends at most four requests at once (googleCalendarLimiter); another connection has its own four', async (t) => {
  // A pass-through proxy in front of the emulator that counts the requests it holds at once. It
  // holds each until `gate` requests are held together (or a second has passed), so the count does
  // not depend on how fast requests arrive: more than the limiter lets through shows as a higher
  // peak, fewer as a lower one.
  let active = 0;
  let peak = 0;
  let gate = 4;
  let release: () => void = () => {};
  let gateOpen = new Promise<void>((resolve) => (release = resolve));
  const proxy = createServer(async (req, res) => {
    active += 1;
    peak = Math.max(peak, active);
    if (active >= gate) release();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await Promise.race([gateOpen, new Promise((resolve) => setTimeout(resolve, 1000))]);
    const upstream = await fetch(new URL(req.url!, g.rootUrl), {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length') as [string, string][]),
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    active -= 1;
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => proxy.close());
  const rootUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;

  const one = await connect('limited@example.com', { rootUrl, limiterKey: randomUUID() });
  await Promise.all(Array.from({ length: 12 }, (_, i) => one.adapter.createEvent(event(`limited ${i}`), randomUUID())));
  t.equal(peak, 4, 'twelve creates at once reach Google four at a time');
  t.equal(one.events().length, 12, 'and every one is written');

  peak = 0;
  gate = 6;
  gateOpen = new Promise<void>((resolve) => (release = resolve));
  const two = await connect('limited-two@example.com', { rootUrl, limiterKey: randomUUID() });
  await Promise.all(Array.from({ length: 6 }, (_, i) => [one, two][i % 2]!.adapter.getEvent(`missing${i}`)));
  t.equal(peak, 6, 'three requests of each of two connections go at once: each connection has its own four');
});
