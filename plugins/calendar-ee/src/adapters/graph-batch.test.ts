import t from 'tap';
import { randomUUID } from 'node:crypto';
import { BATCH_MEMBER_KEY, earlyRetryKey, startMicrosoftEmulator } from '@switchboard/emulators';
import { createMicrosoftAdapter } from './microsoft-adapter.js';
import { roundTripCases } from './fixtures/round-trip-cases.js';
import { EventNotFound, PreconditionFailed, type SyncEvent } from './types.js';

const ms = await startMicrosoftEmulator();
t.teardown(() => ms.close());

const BATCH = 'POST /v1.0/$batch';
const CREATE = 'POST /v1.0/me/events';
const event = (title: string, day = 10): SyncEvent => ({ ...roundTripCases[0].event, title, start: `2026-06-${day}T13:00:00.000Z`, end: `2026-06-${day}T14:00:00.000Z` });

function signIn() {
  const ids = { tenantId: randomUUID(), userId: randomUUID(), clientId: randomUUID() };
  const token = ms.tokens.issue({ ...ids, scopes: ['Calendars.ReadWrite'] }).token;
  const waits: number[] = [];
  const adapter = createMicrosoftAdapter({
    graphUrl: ms.url,
    tokens: { accessToken: async () => token, invalidate: () => undefined },
    mailboxKey: ids.userId,
    retry: { minDelayMs: 5, maxDelayMs: 20, sleep: (ms) => (waits.push(ms), new Promise((resolve) => setTimeout(resolve, ms))) },
  });
  return { adapter, ids, waits, mailbox: () => ms.calendar.mailbox(ids.tenantId, ids.userId) };
}
const counts = () => ({ batches: ms.controls.count(BATCH), members: ms.controls.count(BATCH_MEMBER_KEY), creates: ms.controls.count(CREATE) });

t.test('concurrent writes to one mailbox travel as $batch requests of at most 20', async (t) => {
  const { adapter, mailbox } = signIn();
  const before = counts();
  const created = await Promise.all(Array.from({ length: 25 }, (_, i) => adapter.createEvent(event(`Batched ${i}`), randomUUID())));
  const after = counts();
  t.equal(new Set(created.map((c) => c.id)).size, 25);
  t.equal(mailbox().events.size, 25);
  t.equal(after.batches - before.batches, 2, '25 requests: a batch of 20 and one of 5');
  t.equal(after.members - before.members, 25);
  t.equal(after.creates - before.creates, 25, 'each create ran once: nothing was throttled');

  // Updates answer with the new changeKey, deletes with nothing, exactly as single calls do.
  const updated = await Promise.all(created.map((c, i) => adapter.updateEvent(c.id, event(`Moved ${i}`, 11), c.etag)));
  t.ok(updated.every((u, i) => u.event?.title === `Moved ${i}` && u.etag && u.etag !== created[i].etag));
  const stale = await adapter.updateEvent(created[0].id, event('Stale'), created[0].etag).catch((e: unknown) => e);
  t.ok(stale instanceof PreconditionFailed, 'a stale etag is a 412, PreconditionFailed');
  await Promise.all(created.map((c) => adapter.deleteEvent(c.id)));
  t.equal(mailbox().events.size, 0);
  t.equal(await adapter.getEvent(created[0].id), null, 'a read of a deleted event is null');
  await t.resolves(adapter.deleteEvent(created[0].id), 'a delete of a deleted event succeeds');
});

t.test('a member throttled with 429 is sent again after its Retry-After, alone; the others are not sent twice', async (t) => {
  const { adapter, mailbox, ids, waits } = signIn();
  ms.controls.inject({ method: 'POST', path: '^/v1.0/me/events$', kind: 'status', status: 429, retryAfterSeconds: 0.3, times: 1 });
  const before = counts();
  const created = await Promise.all(Array.from({ length: 6 }, (_, i) => adapter.createEvent(event(`Throttled ${i}`), randomUUID())));
  const after = counts();
  t.equal(mailbox().events.size, 6, 'every event exists once');
  t.equal(new Set(created.map((c) => c.id)).size, 6);
  t.equal(after.creates - before.creates, 7, 'six creates and one retry');
  t.equal(after.batches - before.batches, 1, 'the retry went alone, not as a batch');
  t.same(waits, [300], 'waited the member’s Retry-After');
  t.equal(ms.controls.count(earlyRetryKey(ids.userId)), 0);
});

t.test('two batches at once would exceed the mailbox limit: one batch travels at a time, nothing is throttled', async (t) => {
  const { adapter, mailbox } = signIn();
  ms.controls.setLatency(30);
  t.teardown(() => ms.controls.setLatency(0));
  const before = counts();
  await Promise.all(Array.from({ length: 60 }, (_, i) => adapter.createEvent(event(`Many ${i}`), randomUUID())));
  const after = counts();
  t.equal(mailbox().events.size, 60);
  t.equal(after.creates - before.creates, 60, 'no member was refused and retried');
  t.ok(after.batches - before.batches <= 4, `${after.batches - before.batches} batches`);
});

t.test('requests for the same event keep their order: dependsOn in one batch, a 424 waits for its predecessor', async (t) => {
  const { adapter, mailbox } = signIn();
  const created = await adapter.createEvent(event('Ordered'), randomUUID());
  // An update, then a delete of the same event, issued together: the delete depends on the update.
  const [updated] = await Promise.all([adapter.updateEvent(created.id, event('Ordered, moved', 12), created.etag), adapter.deleteEvent(created.id)]);
  t.equal(updated.event?.title, 'Ordered, moved', 'the update ran first (after the delete it would be a 404)');
  t.equal(mailbox().events.size, 0, 'then the delete');

  // A failing predecessor: the update's stale etag fails it, the read that depends on it gets 424
  // and is sent again once the update has settled.
  const other = await adapter.createEvent(event('Guarded'), randomUUID());
  await adapter.updateEvent(other.id, event('Guarded, moved'), other.etag);
  const [stale, read] = await Promise.allSettled([adapter.updateEvent(other.id, event('Lost update'), other.etag), adapter.getEvent(other.id)]);
  t.ok(stale.status === 'rejected' && stale.reason instanceof PreconditionFailed);
  t.equal(read.status === 'fulfilled' && read.value?.event?.title, 'Guarded, moved', 'the read still came back, after the update');

  const gone = await adapter.updateEvent('AAMkgone', event('x'), 'etag').catch((e: unknown) => e);
  t.ok(gone instanceof EventNotFound, 'a 404 member is EventNotFound');
});
