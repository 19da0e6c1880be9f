import t from 'tap';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { DateTime } from 'luxon';
import { WINDOWS_TO_IANA_MAP, findIana } from 'windows-iana';
import { earlyRetryKey, startMicrosoftEmulator } from '@switchboard/emulators';
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

// Loopback mode: the watch test's receiver is plain http.
const ms = await startMicrosoftEmulator({ allowHttpWebhooks: true });
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
  /** Graph as another app of the user's (Outlook on the web, say) calls it. */
  const outlook = async (method: string, path: string, body?: unknown) => {
    const { token: other } = ms.tokens.issue({ ...ids, clientId: 'outlook-web', scopes: ['Calendars.ReadWrite'] });
    const res = await fetch(path.startsWith('http') ? path : `${ms.url}/v1.0${path}`, { method, headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const seed = (body: Record<string, unknown>) => ms.calendar.seedEvent(ids.tenantId, ids.userId, body);
  return { adapter, tokens, waits, ids, outlook, seed, mailbox: () => ms.calendar.mailbox(ids.tenantId, ids.userId) };
}

async function collect(pages: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const all: ChangePage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

t.test('every round-trip case comes back from Graph exactly as it was written (attendees are never written)', async (t) => {
  const { adapter } = signIn();
  for (const { name, event } of roundTripCases) {
    const created = await adapter.createEvent(event, randomUUID());
    const written = { ...event, attendees: [] };
    t.strictSame(created.event, written, `${name}: create answer`);
    t.strictSame((await adapter.getEvent(created.id))?.event, written, `${name}: read back`);
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
  t.equal((await adapter.getEvent(created.id))?.mappingId, created.mappingId, 'still ours after the update');
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
  const unlimited = signIn({ limiter: createMailboxLimiter(10), batchSize: 1, retry: { retries: 0 } });
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

t.test('events made in Outlook carry a transactionId of its own and are not ours; ours carry our property', async (t) => {
  const { adapter, seed, mailbox } = signIn();
  const mappingId = randomUUID();
  const ours = await adapter.createEvent(event('Ours', 11), mappingId);
  t.equal(ours.mappingId, mappingId);
  const foreign = seed({ subject: 'Outlook', start: { dateTime: '2026-06-12T09:00:00', timeZone: 'Pacific Standard Time' }, end: { dateTime: '2026-06-12T10:00:00', timeZone: 'Pacific Standard Time' } });
  t.match(foreign.transactionId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'Outlook chose a UUID');
  t.equal(mailbox().events.get(ours.id)?.transactionId, mappingId, 'transactionId is still sent, for idempotent retries');

  t.equal((await adapter.getEvent(String(foreign.id)))?.mappingId, null, 'read: not ours');
  t.equal((await adapter.getEvent(ours.id))?.mappingId, mappingId, 'read: ours');
  const listed = (await collect(adapter.listChanges(null, window))).flatMap((p) => p.changes);
  // Delta cannot $expand our property: its transactionId is only a maybe, settled by the mapping
  // table or, before an import, by reading the event (pull.ts) — no extra call per delta item.
  t.strictSame(
    listed.map((c) => [c.id, c.mappingId, c.maybeMappingId]),
    [
      [ours.id, null, mappingId],
      [foreign.id, null, foreign.transactionId],
    ],
    'delta reports transactionIds as maybe-ours',
  );
});

t.test('delta items carrying only the changed properties are read in full', async (t) => {
  const { adapter, outlook, mailbox } = signIn();
  mailbox().partialDeltaUpdates = true;
  const created = await adapter.createEvent({ ...event('Before', 11), recurrence: 'FREQ=WEEKLY;BYDAY=TH' }, randomUUID());
  const single = await adapter.createEvent(event('Single', 13), randomUUID());
  const cursor = (await collect(adapter.listChanges(null, window))).at(-1)!.nextCursor!;

  await outlook('PATCH', `/me/events/${created.id}`, { subject: 'Renamed in Outlook' });
  await outlook('PATCH', `/me/events/${single.id}`, { body: { contentType: 'text', content: 'Notes from Outlook' } });
  const raw = await outlook('GET', JSON.parse(cursor).deltaLink);
  t.ok(raw.value.length > 0 && raw.value.every((item: Record<string, unknown>) => !('start' in item)), 'the emulator sent partial items');

  const changes = (await collect(adapter.listChanges(cursor, window))).flatMap((p) => p.changes);
  const byId = new Map(changes.map((c) => [c.id, c]));
  t.match(byId.get(created.id)?.event, { title: 'Renamed in Outlook', start: '2026-06-11T13:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=TH' });
  t.match(byId.get(single.id)?.event, { title: 'Single', notes: 'Notes from Outlook', end: '2026-06-13T14:00:00.000Z' });
});

t.test('our updates leave the attendees invited in Outlook alone: no cancellations', async (t) => {
  const { adapter, outlook, mailbox } = signIn();
  const created = await adapter.createEvent(event('Meeting', 11), randomUUID());
  await outlook('PATCH', `/me/events/${created.id}`, {
    attendees: [{ type: 'required', emailAddress: { address: 'alice@example.com' } }, { type: 'optional', emailAddress: { address: 'bob@example.org' } }],
    categories: ['Red category'],
    isReminderOn: false,
  });
  t.strictSame(mailbox().sentMail.map((m) => [m.kind, m.to]), [['invitation', 'alice@example.com'], ['invitation', 'bob@example.org']]);

  const read = (await adapter.getEvent(created.id))!;
  t.strictSame(read.event?.attendees, ['alice@example.com', 'bob@example.org'], 'read inbound');
  const updated = await adapter.updateEvent(created.id, { ...event('Meeting moved', 12), notes: 'New agenda' }, read.etag);
  t.equal(updated.event?.title, 'Meeting moved');
  t.equal(mailbox().sentMail.filter((m) => m.kind === 'cancellation').length, 0, 'nobody was cancelled');
  t.match(mailbox().events.get(created.id), { attendees: [{ emailAddress: { address: 'alice@example.com' } }, { emailAddress: { address: 'bob@example.org' } }], categories: ['Red category'], isReminderOn: false });
});

t.test('every Windows zone of CLDR: written and read back at the same instant, in the same zone', async (t) => {
  const { adapter, seed } = signIn();
  const windowsIds = [...new Set(WINDOWS_TO_IANA_MAP.map((z) => z.windowsName))];
  t.ok(windowsIds.length > 130, `${windowsIds.length} zones`);
  for (const windowsId of windowsIds) {
    const zone = findIana(windowsId)[0];
    // Ours, in the zone's IANA name.
    const ours = { ...event(`In ${windowsId}`, 15), timeZone: zone };
    const created = await adapter.createEvent(ours, randomUUID());
    const back = (await adapter.getEvent(created.id))?.event;
    if (!back || back.start !== ours.start || back.end !== ours.end || back.timeZone !== zone) t.fail(`${windowsId}: ours came back as ${JSON.stringify(back)}`);
    // Outlook's, in the Windows id itself: 09:00 wall clock there.
    const foreign = seed({ subject: windowsId, start: { dateTime: '2026-06-15T09:00:00', timeZone: windowsId }, end: { dateTime: '2026-06-15T10:00:00', timeZone: windowsId } });
    const read = (await adapter.getEvent(String(foreign.id)))?.event;
    const wall = read && DateTime.fromISO(read.start, { zone: read.timeZone }).toFormat('HH:mm');
    if (!read || !findIana(windowsId).includes(read.timeZone as never) || wall !== '09:00') t.fail(`${windowsId}: Outlook's came back as ${JSON.stringify(read)}`);
  }
  t.pass('all zones round-trip');
});

t.test('a legacy custom zone keeps the instant; the zone comes from the end zone when only that is known', async (t) => {
  const { adapter, seed } = signIn();
  const at = { start: { dateTime: '2026-06-15T07:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-06-15T08:00:00', timeZone: 'UTC' } };
  const custom = seed({ subject: 'Custom', ...at, originalStartTimeZone: 'tzone://Microsoft/Custom' });
  t.equal(custom.originalStartTimeZone, 'tzone://Microsoft/Custom');
  t.match((await adapter.getEvent(String(custom.id)))?.event, { start: '2026-06-15T07:00:00.000Z', end: '2026-06-15T08:00:00.000Z', timeZone: 'UTC' });
  const half = seed({ subject: 'Half custom', ...at, originalStartTimeZone: 'Customized Time Zone', originalEndTimeZone: 'Tokyo Standard Time' });
  t.match((await adapter.getEvent(String(half.id)))?.event, { start: '2026-06-15T07:00:00.000Z', timeZone: 'Asia/Tokyo' });
});

t.test('a fractional Retry-After is waited for in full: the emulator never sees the retry early', async (t) => {
  const waits: number[] = [];
  const sleep = (ms: number) => (waits.push(ms), new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { adapter, ids } = signIn({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2, sleep } });
  ms.calendar.configure({ limit: 0, retryAfterSeconds: 0.35 });
  t.teardown(() => ms.calendar.configure({ limit: 4, retryAfterSeconds: 1 }));
  const error = await adapter.createEvent(event('Throttled'), randomUUID()).catch((e: unknown) => e);
  t.ok(error instanceof ProviderUnavailable && error.status === 429, 'refused three times');
  t.equal(ms.controls.count(earlyRetryKey(ids.userId)), 0, 'no retry came before its Retry-After');
  t.ok(waits.length === 2 && waits.every((w) => w >= 350), `waited 0.35 s each time: ${waits}`);
});
