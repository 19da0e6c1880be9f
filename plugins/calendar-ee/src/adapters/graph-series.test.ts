import t from 'tap';
import { randomUUID } from 'node:crypto';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { createMicrosoftAdapter } from './microsoft-adapter.js';
import type { ChangePage, RemoteEvent, SyncEvent } from './types.js';

const ms = await startMicrosoftEmulator();
t.teardown(() => ms.close());

const window = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
/** Daily 09:00 New York, five times from 8 June. */
const series: SyncEvent = {
  title: 'Backup check',
  notes: null,
  start: '2026-06-08T13:00:00.000Z',
  end: '2026-06-08T13:30:00.000Z',
  timeZone: 'America/New_York',
  allDay: false,
  recurrence: 'FREQ=DAILY;COUNT=5',
  attendees: [],
};

function signIn() {
  const ids = { tenantId: randomUUID(), userId: randomUUID(), clientId: randomUUID() };
  const token = ms.tokens.issue({ ...ids, scopes: ['Calendars.ReadWrite'] }).token;
  const adapter = createMicrosoftAdapter({ graphUrl: ms.url, tokens: { accessToken: async () => token, invalidate() {} }, mailboxKey: ids.userId, requestTimeoutMs: 2000 });
  /** A user's own request, as Outlook on the web makes it. */
  const graph = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${ms.url}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.status === 204 ? null : response.json();
  };
  const instances = async (id: string) =>
    (await graph('GET', `/me/events/${encodeURIComponent(id)}/instances?startDateTime=2026-06-01T00:00:00Z&endDateTime=2026-07-01T00:00:00Z`)).value as Array<Record<string, any>>;
  return { adapter, graph, instances };
}

async function changes(pages: AsyncIterable<ChangePage>): Promise<{ changes: RemoteEvent[]; cursor?: string }> {
  const all: RemoteEvent[] = [];
  let cursor: string | undefined;
  for await (const page of pages) {
    all.push(...page.changes);
    cursor = page.nextCursor ?? cursor;
  }
  return { changes: all, cursor };
}

t.test('an occurrence edited in Outlook is an occurrence change; one deleted there is found by comparing with the rule', async (t) => {
  const { adapter, graph, instances } = signIn();
  const created = await adapter.createEvent(series, randomUUID());
  const first = await changes(adapter.listChanges(null, window));
  t.same(first.changes.map((c) => [c.id, c.occurrenceOf]), [[created.id, undefined]], 'occurrences are reported as their series');

  const [, second, third] = await instances(created.id);
  await graph('PATCH', `/me/events/${encodeURIComponent(second.id)}`, { subject: 'Backup check (late)', start: { dateTime: '2026-06-09T15:00:00', timeZone: 'Eastern Standard Time' }, end: { dateTime: '2026-06-09T15:30:00', timeZone: 'Eastern Standard Time' } });
  await graph('DELETE', `/me/events/${encodeURIComponent(third.id)}`);

  const next = await changes(adapter.listChanges(first.cursor!, window));
  const edited = next.changes.find((c) => c.id === second.id);
  t.match(edited, { cancelled: false, occurrenceOf: { seriesId: created.id, originalStart: '2026-06-09T13:00:00.000Z' }, event: { title: 'Backup check (late)', start: '2026-06-09T19:00:00.000Z', recurrence: null } });
  const cancelled = next.changes.filter((c) => c.occurrenceOf && c.cancelled);
  t.same(cancelled.map((c) => c.occurrenceOf), [{ seriesId: created.id, originalStart: '2026-06-10T13:00:00.000Z' }]);
  t.notOk(next.changes.some((c) => c.id === created.id && c.cancelled), 'the series itself lives on');
});

t.test('writeOccurrence makes one exception and cancelOccurrence removes one occurrence; the rest stays', async (t) => {
  const { adapter, instances } = signIn();
  const created = await adapter.createEvent(series, randomUUID());
  const moved: SyncEvent = { ...series, title: 'Backup check (moved)', start: '2026-06-09T18:00:00.000Z', end: '2026-06-09T18:30:00.000Z', recurrence: null };

  const written = await adapter.writeOccurrence(created.id, '2026-06-09T13:00:00.000Z', moved);
  t.same(written.occurrenceOf, { seriesId: created.id, originalStart: '2026-06-09T13:00:00.000Z' });
  t.same(written.event, moved, 'read back exactly as written (echo suppression hashes it)');
  const again = await adapter.writeOccurrence(created.id, '2026-06-09T13:00:00.000Z', { ...moved, title: 'Backup check (moved again)' }, written.etag);
  t.equal(again.id, written.id, 'the exception is found again by its original start');
  await adapter.cancelOccurrence(created.id, '2026-06-11T13:00:00.000Z');
  await adapter.cancelOccurrence(created.id, '2026-06-11T13:00:00.000Z');

  t.same((await instances(created.id)).map((i) => [i.type, i.originalStart, i.subject]), [
    ['occurrence', '2026-06-08T13:00:00Z', 'Backup check'],
    ['exception', '2026-06-09T13:00:00Z', 'Backup check (moved again)'],
    ['occurrence', '2026-06-10T13:00:00Z', 'Backup check'],
    ['occurrence', '2026-06-12T13:00:00Z', 'Backup check'],
  ]);
  await t.rejects(() => adapter.writeOccurrence(created.id, '2026-06-09T13:00:00.000Z', moved, 'stale'), { name: 'PreconditionFailed' });
  await t.rejects(() => adapter.writeOccurrence(created.id, '2026-06-11T13:00:00.000Z', moved), { name: 'EventNotFound' }, 'a cancelled occurrence cannot be edited');
});

t.test('an exception moved far from its original start is written again by its id', async (t) => {
  const { adapter } = signIn();
  const created = await adapter.createEvent(series, randomUUID());
  // Moved a week later: /instances lists it there, not near 9 June.
  const farAway: SyncEvent = { ...series, title: 'Backup check (next week)', start: '2026-06-16T18:00:00.000Z', end: '2026-06-16T18:30:00.000Z', recurrence: null };
  const written = await adapter.writeOccurrence(created.id, '2026-06-09T13:00:00.000Z', farAway);
  await t.rejects(() => adapter.writeOccurrence(created.id, '2026-06-09T13:00:00.000Z', farAway, written.etag), { name: 'EventNotFound' }, 'not found by its original start');
  const again = await adapter.writeOccurrence(created.id, '2026-06-09T13:00:00.000Z', { ...farAway, title: 'Backup check (renamed)' }, written.etag, written.id);
  t.equal(again.id, written.id);
  t.match(again, { event: { title: 'Backup check (renamed)', start: '2026-06-16T18:00:00.000Z' }, occurrenceOf: { seriesId: created.id, originalStart: '2026-06-09T13:00:00.000Z' } });
  await t.rejects(() => adapter.writeOccurrence(created.id, '2026-06-09T13:00:00.000Z', farAway, written.etag, written.id), { name: 'PreconditionFailed' }, 'the etag still guards it');
});

t.test('all-day series: an occurrence is found and reported by its date in the series zone', async (t) => {
  const { adapter, instances } = signIn();
  const onCall: SyncEvent = { ...series, title: 'On call', start: '2026-06-10', end: '2026-06-11', timeZone: 'Europe/Berlin', allDay: true, recurrence: 'FREQ=DAILY;COUNT=3' };
  const created = await adapter.createEvent(onCall, randomUUID());
  const swapped = { ...onCall, title: 'On call (swapped)', start: '2026-06-11', end: '2026-06-12', recurrence: null };
  const written = await adapter.writeOccurrence(created.id, '2026-06-11', swapped);
  t.same(written.occurrenceOf, { seriesId: created.id, originalStart: '2026-06-11' });
  t.same(written.event, swapped);
  await adapter.cancelOccurrence(created.id, '2026-06-12');
  t.same((await instances(created.id)).map((i) => [i.type, i.subject]), [['occurrence', 'On call'], ['exception', 'On call (swapped)']]);
});
