import t from 'tap';
import { randomUUID } from 'node:crypto';
import { connectGoogleAccount, startGoogleEmulator } from '@switchboard/emulators';
import { createGoogleAdapter } from './google-adapter.js';
import type { ChangePage, RemoteEvent, SyncEvent } from './types.js';

const client = { clientId: 'google-series-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const g = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] } });
t.teardown(() => g.close());

const window = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
/** Wednesdays 09:00 New York, four times from 10 June. */
const series: SyncEvent = {
  title: 'Site visit',
  notes: null,
  start: '2026-06-10T13:00:00.000Z',
  end: '2026-06-10T14:00:00.000Z',
  timeZone: 'America/New_York',
  allDay: false,
  recurrence: 'FREQ=WEEKLY;COUNT=4',
  attendees: [],
};

async function connect(email: string) {
  const account = await connectGoogleAccount(g, { email, client });
  const adapter = createGoogleAdapter({
    rootUrl: g.rootUrl,
    calendarId: 'primary',
    tokens: { accessToken: async () => (await account.auth.getAccessToken()).token!, invalidate() {} },
    requestTimeoutMs: 2000,
  });
  const instances = async (eventId: string) => (await account.calendar.events.instances({ calendarId: 'primary', eventId })).data.items!;
  return { adapter, instances };
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

t.test('an occurrence edited or cancelled in Google Calendar is reported as that occurrence, not as the series', async (t) => {
  const { adapter } = await connect('edits@example.com');
  const created = await adapter.createEvent(series, randomUUID());
  const { cursor } = await changes(adapter.listChanges(null, window));

  g.changeEvent('edits@example.com', `${created.id}_20260617T130000Z`, { summary: 'Site visit (late)', start: { dateTime: '2026-06-17T11:00:00-04:00' }, end: { dateTime: '2026-06-17T12:00:00-04:00' } });
  g.deleteEvent('edits@example.com', `${created.id}_20260624T130000Z`);
  const next = await changes(adapter.listChanges(cursor!, window));
  t.same(
    next.changes.map((c) => [c.id, c.cancelled, c.occurrenceOf, c.event?.title ?? null, c.event?.start ?? null, c.event?.recurrence ?? null]),
    [
      [`${created.id}_20260617T130000Z`, false, { seriesId: created.id, originalStart: '2026-06-17T13:00:00.000Z' }, 'Site visit (late)', '2026-06-17T15:00:00.000Z', null],
      [`${created.id}_20260624T130000Z`, true, { seriesId: created.id, originalStart: '2026-06-24T13:00:00.000Z' }, null, null, null],
    ],
  );
  const full = await changes(adapter.listChanges(null, window));
  t.same(full.changes.map((c) => [c.id, Boolean(c.occurrenceOf), c.cancelled]), [
    [created.id, false, false],
    [`${created.id}_20260617T130000Z`, true, false],
    [`${created.id}_20260624T130000Z`, true, true],
  ], 'a full listing reports the master as itself and its exceptions as occurrences');
});

t.test('writeOccurrence and cancelOccurrence change one instance; the rest of the series stays as it was', async (t) => {
  const { adapter, instances } = await connect('writes@example.com');
  const created = await adapter.createEvent(series, randomUUID());
  const moved = { ...series, title: 'Site visit (moved)', start: '2026-06-17T18:00:00.000Z', end: '2026-06-17T19:00:00.000Z', recurrence: null };

  const written = await adapter.writeOccurrence(created.id, '2026-06-17T13:00:00.000Z', moved);
  t.equal(written.id, `${created.id}_20260617T130000Z`);
  t.same(written.occurrenceOf, { seriesId: created.id, originalStart: '2026-06-17T13:00:00.000Z' });
  t.same(written.event, moved, 'read back exactly as written (echo suppression hashes it)');
  await adapter.cancelOccurrence(created.id, '2026-07-01T13:00:00.000Z');
  await adapter.cancelOccurrence(created.id, '2026-07-01T13:00:00.000Z');

  t.same((await instances(created.id)).map((i) => [i.id, i.summary]), [
    [`${created.id}_20260610T130000Z`, 'Site visit'],
    [`${created.id}_20260617T130000Z`, 'Site visit (moved)'],
    [`${created.id}_20260624T130000Z`, 'Site visit'],
  ]);
  t.equal(g.events('writes@example.com').filter((e) => !e.recurringEventId && e.status !== 'cancelled').length, 1, 'no duplicate of the series');
  await t.rejects(() => adapter.writeOccurrence(created.id, '2026-06-17T13:00:00.000Z', moved, '"stale"'), { name: 'PreconditionFailed' });
  await t.rejects(() => adapter.writeOccurrence('nosuchseries', '2026-06-17T13:00:00.000Z', moved), { name: 'EventNotFound' });
});

t.test('all-day series: occurrences are named by date both ways', async (t) => {
  const { adapter, instances } = await connect('allday@example.com');
  const onCall: SyncEvent = { ...series, title: 'On call', start: '2026-06-10', end: '2026-06-11', timeZone: 'Europe/Berlin', allDay: true, recurrence: 'FREQ=DAILY;COUNT=3' };
  const created = await adapter.createEvent(onCall, randomUUID());
  const swapped = { ...onCall, title: 'On call (swapped)', start: '2026-06-11', end: '2026-06-12', recurrence: null };
  const written = await adapter.writeOccurrence(created.id, '2026-06-11', swapped);
  t.equal(written.id, `${created.id}_20260611`);
  t.same(written.occurrenceOf, { seriesId: created.id, originalStart: '2026-06-11' });
  t.same(written.event, swapped);
  await adapter.cancelOccurrence(created.id, '2026-06-12');
  t.same((await instances(created.id)).map((i) => [i.start?.date, i.summary]), [['2026-06-10', 'On call'], ['2026-06-11', 'On call (swapped)']]);
});
