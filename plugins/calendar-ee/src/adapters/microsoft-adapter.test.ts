import t from 'tap';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { createMailboxLimiter } from './mailbox-limiter.js';
import { createMicrosoftAdapter, MAX_SUBSCRIPTION_SECONDS, type MicrosoftAdapterOptions } from './microsoft-adapter.js';
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

const ms = await startMicrosoftEmulator();
t.teardown(() => ms.close());

const window = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
const event = (title: string, day = 10): SyncEvent => ({
  ...roundTripCases[0].event,
  title,
  start: `2026-06-${day}T13:00:00.000Z`,
  end: `2026-06-${day}T14:00:00.000Z`,
});
const CREATE = 'POST /v1.0/me/events';

/** A signed-in user with their own mailbox, delegated Calendars.ReadWrite, and an adapter on it. */
function signIn(options: Partial<MicrosoftAdapterOptions> = {}) {
  const ids = { tenantId: randomUUID(), userId: randomUUID(), clientId: randomUUID() };
  const issue = () => ms.tokens.issue({ ...ids, scopes: ['Calendars.ReadWrite'] }).token;
  let token = issue();
  const waits: number[] = [];
  const tokens = {
    invalidations: 0,
    accessToken: async () => token,
    invalidate() {
      tokens.invalidations += 1;
      token = issue();
    },
  };
  const adapter = createMicrosoftAdapter({
    graphUrl: ms.url,
    tokens,
    mailboxKey: ids.userId,
    retry: { minDelayMs: 5, maxDelayMs: 20, sleep: (ms) => (waits.push(ms), new Promise((resolve) => setTimeout(resolve, ms))) },
    requestTimeoutMs: 2000,
    ...options,
  });
  return { adapter, tokens, waits, mailbox: () => ms.calendar.mailbox(ids.tenantId, ids.userId) };
}

async function collect(pages: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const all: ChangePage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

t.test('every round-trip case comes back from Graph exactly as it was written', async (t) => {
  const { adapter } = signIn();
  for (const { name, event } of roundTripCases) {
    const created = await adapter.createEvent(event, randomUUID());
    t.strictSame(created.event, event, `${name}: create answer`);
    t.strictSame((await adapter.getEvent(created.id))?.event, event, `${name}: read back`);
  }
});

t.test('create is idempotent per mapping id (transactionId), also when the first try timed out', async (t) => {
  const { adapter, mailbox } = signIn({ requestTimeoutMs: 250 });
  const mappingId = randomUUID();
  const first = await adapter.createEvent(event('Once'), mappingId);
  const again = await adapter.createEvent(event('Once'), mappingId);
  t.equal(again.id, first.id);
  t.equal(again.mappingId, mappingId);

  ms.controls.inject({ method: 'POST', path: '^/v1.0/me/events$', kind: 'latency', delayMs: 500, times: 1 });
  const posts = ms.controls.count(CREATE);
  await adapter.createEvent(event('Slow'), randomUUID());
  t.equal(ms.controls.count(CREATE) - posts, 2, 'the first try timed out and was retried');
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.equal(mailbox().events.size, 2);
});

t.test('updates need the current change key; a stale one is PreconditionFailed; a deleted event is EventNotFound', async (t) => {
  const { adapter } = signIn();
  const created = await adapter.createEvent(event('v1'), randomUUID());
  const next = { ...event('v2'), notes: null, recurrence: 'FREQ=WEEKLY;BYDAY=WE' };
  const updated = await adapter.updateEvent(created.id, next, created.etag);
  t.not(updated.etag, created.etag);
  t.strictSame(updated.event, next);
  t.equal(updated.mappingId, created.mappingId);
  await t.rejects(adapter.updateEvent(created.id, event('v3'), created.etag), PreconditionFailed);
  const allDay = await adapter.updateEvent(created.id, { ...event('v3'), allDay: true, start: '2026-06-10', end: '2026-06-12' }, updated.etag);
  t.match(allDay.event, { allDay: true, start: '2026-06-10', end: '2026-06-12', recurrence: null });
  await adapter.deleteEvent(created.id);
  await t.rejects(adapter.updateEvent(created.id, event('v4'), allDay.etag), EventNotFound);
});

t.test('deleting twice succeeds; a deleted event reads as null', async (t) => {
  const { adapter } = signIn();
  const created = await adapter.createEvent(event('Bye'), randomUUID());
  await adapter.deleteEvent(created.id);
  await adapter.deleteEvent(created.id);
  t.equal(await adapter.getEvent(created.id), null);
});

t.test('listChanges: paged delta, then only what changed; occurrences become their series master', async (t) => {
  const { adapter } = signIn({ pageSize: 3 });
  const a = await adapter.createEvent(event('A', 11), randomUUID());
  const b = await adapter.createEvent(event('B', 12), randomUUID());
  const series = await adapter.createEvent({ ...event('Standup', 15), recurrence: 'FREQ=DAILY;COUNT=5' }, randomUUID());

  const full = await collect(adapter.listChanges(null, window));
  t.equal(full.length, 3, 'seven instances (five occurrences), three per page');
  t.notOk(full[0].nextCursor || full[1].nextCursor, 'only the last page carries the cursor');
  const listed = full.flatMap((p) => p.changes);
  t.strictSame(listed.map((c) => c.id), [a.id, b.id, series.id], 'the series once, as its master');
  t.equal(listed[2].event?.recurrence, 'FREQ=DAILY;COUNT=5');
  t.equal(listed[2].mappingId, series.mappingId);

  await adapter.updateEvent(a.id, event('A2', 11), a.etag);
  await adapter.deleteEvent(b.id);
  const round = await collect(adapter.listChanges(full.at(-1)!.nextCursor!, window));
  t.strictSame(round.flatMap((p) => p.changes.map((c) => [c.id, c.cancelled, c.event?.title ?? null])), [[b.id, true, null], [a.id, false, 'A2']]);

  // A deleted series: delta only removes its occurrences; the cursor's memory of the series reports the master.
  await adapter.deleteEvent(series.id);
  const gone = (await collect(adapter.listChanges(round.at(-1)!.nextCursor!, window))).flatMap((p) => p.changes);
  t.ok(gone.every((c) => c.cancelled));
  t.ok(gone.some((c) => c.id === series.id), 'the series master is reported deleted');

  ms.calendar.expireDeltaTokens();
  await t.rejects(collect(adapter.listChanges(round.at(-1)!.nextCursor!, window)), CursorExpired);
});

t.test('watch subscribes with our clientState, capped lifetime; renew extends; stop twice is fine', async (t) => {
  const server = createServer((request, response) => {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('validationToken');
    response.writeHead(token === null ? 202 : 200, { 'content-type': 'text/plain' }).end(token ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/microsoft`;

  const { adapter } = signIn();
  const before = Date.now();
  const channel = await adapter.watch({ address, lifecycleAddress: `${address}/lifecycle`, secret: 'client-state', ttlSeconds: 30 * 86_400 });
  const held = ms.calendar.subscriptions().find((s) => s.id === channel.id)!;
  t.match(held, { clientState: 'client-state', notificationUrl: address, lifecycleNotificationUrl: `${address}/lifecycle`, resource: 'me/events', changeTypes: ['created', 'updated', 'deleted'] });
  t.equal(channel.resourceId, 'me/events');
  t.ok(channel.expiresAt.getTime() <= before + 10_070 * 60_000 && channel.expiresAt.getTime() >= before + (MAX_SUBSCRIPTION_SECONDS - 60) * 1000);

  const renewed = await adapter.renewWatch(channel, 3600);
  t.equal(renewed.id, channel.id);
  t.ok(renewed.expiresAt.getTime() < channel.expiresAt.getTime(), 'the new expiry is the one asked for');
  t.equal(held.expiresAt, renewed.expiresAt.getTime());

  await adapter.stopWatch(channel);
  t.notOk(ms.calendar.subscriptions().some((s) => s.id === channel.id));
  await adapter.stopWatch(channel);
  await t.rejects(adapter.renewWatch(channel, 3600), WatchNotRenewable);
});

t.test('throttling: a 429 with Retry-After is retried after the wait', async (t) => {
  const { adapter, waits } = signIn();
  const before = ms.controls.count(CREATE);
  ms.controls.inject({ method: 'POST', path: '^/v1.0/me/events$', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
  await adapter.createEvent(event('Throttled'), randomUUID());
  t.equal(ms.controls.count(CREATE) - before, 3);
  t.ok(waits.length === 2 && waits.every((w) => w >= 1000), `waited at least Retry-After: ${waits}`);
});

t.test('a provider that keeps failing ends in ProviderUnavailable after the retries', async (t) => {
  const { adapter } = signIn({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
  const before = ms.controls.count(CREATE);
  ms.controls.inject({ method: 'POST', path: '^/v1.0/me/events$', kind: 'status', status: 503, times: 0 });
  const error = await adapter.createEvent(event('Down'), randomUUID()).catch((e: unknown) => e);
  ms.controls.clearFaults();
  t.ok(error instanceof ProviderUnavailable);
  t.equal((error as ProviderUnavailable).status, 503);
  t.equal(ms.controls.count(CREATE) - before, 3);
});

t.test('ten concurrent creates in one mailbox stay under the four-request limit', async (t) => {
  const { adapter, mailbox } = signIn();
  const before = ms.controls.count(CREATE);
  ms.controls.inject({ method: 'POST', path: '^/v1.0/me/events$', kind: 'latency', delayMs: 150, times: 10 });
  const created = await Promise.all(Array.from({ length: 10 }, (_, i) => adapter.createEvent(event(`Parallel ${i}`), randomUUID())));
  t.equal(new Set(created.map((c) => c.id)).size, 10);
  t.equal(mailbox().events.size, 10);
  t.equal(ms.controls.count(CREATE) - before, 10, 'no request was throttled and retried');

  // Without the limit the mailbox refuses the fifth concurrent request.
  const unlimited = signIn({ limiter: createMailboxLimiter(10), retry: { retries: 0 } });
  ms.controls.inject({ method: 'POST', path: '^/v1.0/me/events$', kind: 'latency', delayMs: 150, times: 10 });
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => unlimited.adapter.createEvent(event(`Burst ${i}`), randomUUID())));
  ms.controls.clearFaults();
  t.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof ProviderUnavailable && r.reason.status === 429), 'some were refused with 429');
});

t.test('a 401 invalidates the token and replays once; a token that never works is AuthorizationRevoked', async (t) => {
  const { adapter, tokens } = signIn();
  const created = await adapter.createEvent(event('Token'), randomUUID());
  ms.tokens.expireAll();
  t.equal((await adapter.getEvent(created.id))?.event?.title, 'Token');
  t.equal(tokens.invalidations, 1);

  const broken: TokenSource = { accessToken: async () => 'expired-token', invalidate: () => undefined };
  const revoked = createMicrosoftAdapter({ graphUrl: ms.url, tokens: broken, mailboxKey: 'broken' });
  await t.rejects(revoked.getEvent(created.id), AuthorizationRevoked);
});
