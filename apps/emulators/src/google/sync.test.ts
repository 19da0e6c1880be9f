import t from 'tap';
import { startGoogleEmulator } from './server.js';
import { connectAccount } from './testing.js';

const client = { clientId: 'sync-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const emulator = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] } });
t.teardown(emulator.close);
const { calendar: api } = await connectAccount(emulator, { email: 'sync@example.com', client });

const at = (day: number) => ({
  start: { dateTime: `2026-05-${String(day).padStart(2, '0')}T09:00:00Z` },
  end: { dateTime: `2026-05-${String(day).padStart(2, '0')}T10:00:00Z` },
});
const failure = (e: { status?: number; response?: { data: { error: { errors: Array<{ reason: string }> } } } }) => ({ status: e.status, reason: e.response?.data.error.errors[0].reason });

/** Follow nextPageToken like a client does; returns every page. */
async function allPages(params: { syncToken?: string; maxResults: number; timeMin?: string }) {
  const pages = [];
  let pageToken: string | undefined;
  do {
    const { data } = await api.events.list({ calendarId: 'primary', ...params, ...(pageToken ? { pageToken } : {}) });
    pages.push(data);
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return pages;
}

t.test('a full sync pages with nextPageToken and ends with nextSyncToken on the last page only', async (t) => {
  for (let day = 1; day <= 5; day++) await api.events.insert({ calendarId: 'primary', requestBody: { id: `full0000${day}`, summary: `Day ${day}`, ...at(day) } });
  const pages = await allPages({ maxResults: 2, timeMin: '2026-04-01T00:00:00Z' });
  t.equal(pages.length, 3);
  t.same(pages.map((p) => p.items!.length), [2, 2, 1]);
  t.same(pages.flatMap((p) => p.items!.map((e) => e.id)), ['full00001', 'full00002', 'full00003', 'full00004', 'full00005']);
  for (const page of pages.slice(0, -1)) {
    t.ok(page.nextPageToken);
    t.notOk(page.nextSyncToken);
  }
  t.ok(pages[2].nextSyncToken);
  t.notOk(pages[2].nextPageToken);
  t.match(pages[0], { kind: 'calendar#events', summary: 'sync@example.com', timeZone: 'UTC', accessRole: 'owner' });
});

t.test('an incremental sync returns only the changes since the token, deletions as cancelled, across pages', async (t) => {
  const [full] = await allPages({ maxResults: 250 });
  const token = full.nextSyncToken!;
  const nothing = await api.events.list({ calendarId: 'primary', syncToken: token });
  t.same(nothing.data.items, []);
  t.ok(nothing.data.nextSyncToken);

  await api.events.patch({ calendarId: 'primary', eventId: 'full00002', requestBody: { summary: 'Changed' } });
  await api.events.delete({ calendarId: 'primary', eventId: 'full00003' });
  await api.events.insert({ calendarId: 'primary', requestBody: { id: 'incr00001', summary: 'New', ...at(9) } });
  emulator.insertEvent('sync@example.com', { id: 'outside001', summary: 'Made in Google Calendar', ...at(10) });

  const pages = await allPages({ syncToken: token, maxResults: 3 });
  t.equal(pages.length, 2);
  t.ok(pages[0].nextPageToken && !pages[0].nextSyncToken);
  const items = pages.flatMap((p) => p.items!);
  t.same(items.map((e) => [e.id, e.status]), [['full00002', 'confirmed'], ['full00003', 'cancelled'], ['incr00001', 'confirmed'], ['outside001', 'confirmed']]);
  t.equal(items[0].summary, 'Changed');
  t.same(Object.keys(items[1]).sort(), ['etag', 'id', 'kind', 'status'], 'a deletion only guarantees the id');

  const next = pages[1].nextSyncToken!;
  t.same((await api.events.list({ calendarId: 'primary', syncToken: next })).data.items, [], 'the new token starts after the last change');
  const replay = await allPages({ syncToken: token, maxResults: 250 });
  t.equal(replay[0].items!.length, 4, 'an old token can be replayed until it expires');
});

t.test('changes made while paging are not lost: they come with the next incremental sync', async (t) => {
  const [start] = await allPages({ maxResults: 250 });
  await api.events.patch({ calendarId: 'primary', eventId: 'full00001', requestBody: { summary: 'A' } });
  await api.events.patch({ calendarId: 'primary', eventId: 'full00004', requestBody: { summary: 'B' } });
  const first = await api.events.list({ calendarId: 'primary', syncToken: start.nextSyncToken!, maxResults: 1 });
  await api.events.patch({ calendarId: 'primary', eventId: 'full00005', requestBody: { summary: 'C (during paging)' } });
  const second = await api.events.list({ calendarId: 'primary', syncToken: start.nextSyncToken!, maxResults: 1, pageToken: first.data.nextPageToken! });
  t.same([...first.data.items!, ...second.data.items!].map((e) => e.id), ['full00001', 'full00004']);
  const after = await api.events.list({ calendarId: 'primary', syncToken: second.data.nextSyncToken! });
  t.same(after.data.items!.map((e) => e.summary), ['C (during paging)']);
});

t.test('a sync token cannot be combined with timeMin, privateExtendedProperty or showDeleted=false', async (t) => {
  const [full] = await allPages({ maxResults: 250 });
  for (const extra of [{ timeMin: '2026-01-01T00:00:00Z' }, { privateExtendedProperty: ['a=b'] }, { showDeleted: false }, { orderBy: 'updated' }]) {
    const error = failure(await api.events.list({ calendarId: 'primary', syncToken: full.nextSyncToken!, ...extra }).catch((e) => e));
    t.equal(error.status, 400, JSON.stringify(extra));
  }
  const garbage = failure(await api.events.list({ calendarId: 'primary', syncToken: 'not-a-token' }).catch((e) => e));
  t.equal(garbage.status, 400);
  const otherQuery = failure(await api.events.list({ calendarId: 'primary', maxResults: 1, pageToken: (await api.events.list({ calendarId: 'primary', maxResults: 1 })).data.nextPageToken!, q: 'Day' }).catch((e) => e));
  t.equal(otherQuery.status, 400, 'a page token only continues the same query');
});

t.test('expired sync tokens answer 410 fullSyncRequired until the client does a full sync', async (t) => {
  const [full] = await allPages({ maxResults: 250 });
  const response = await fetch(`${emulator.url}/_emulator/google/expire-sync-tokens`, { method: 'POST' });
  t.equal(response.status, 200);
  const gone = await api.events.list({ calendarId: 'primary', syncToken: full.nextSyncToken! }).catch((e) => e);
  t.equal(gone.status, 410);
  t.match(gone.response.data, {
    error: { code: 410, errors: [{ domain: 'calendar', reason: 'fullSyncRequired', message: 'Sync token is no longer valid, a full sync is required.', locationType: 'parameter', location: 'syncToken' }] },
  });
  const [fresh] = await allPages({ maxResults: 250 });
  t.equal((await api.events.list({ calendarId: 'primary', syncToken: fresh.nextSyncToken! })).status, 200);
});

t.test('orderBy=startTime needs singleEvents; with it, events come by start', async (t) => {
  const refused = failure(await api.events.list({ calendarId: 'primary', orderBy: 'startTime' }).catch((e) => e));
  t.equal(refused.status, 400);
  await api.events.insert({ calendarId: 'primary', requestBody: { id: 'first0001', ...at(0 + 1), start: { dateTime: '2026-04-30T08:00:00Z' } } });
  const ordered = await api.events.list({ calendarId: 'primary', orderBy: 'startTime', singleEvents: true, maxResults: 2 });
  t.same(ordered.data.items!.map((e) => e.id), ['first0001', 'full00001']);
  const next = await api.events.list({ calendarId: 'primary', orderBy: 'startTime', singleEvents: true, maxResults: 2, pageToken: ordered.data.nextPageToken! });
  t.same(next.data.items!.map((e) => e.id), ['full00002', 'full00004']);
});
