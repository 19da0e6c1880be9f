import t from 'tap';
import { calendar } from '@googleapis/calendar';
import { startGoogleEmulator } from './server.js';
import { connectAccount } from './testing.js';

const client = { clientId: 'events-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const emulator = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] } });
t.teardown(emulator.close);
const ada = await connectAccount(emulator, { email: 'ada@example.com', client });
const bob = await connectAccount(emulator, { email: 'bob@example.com', client });
const api = ada.calendar;

const timed = {
  summary: 'Visit Contoso',
  start: { dateTime: '2026-03-02T09:00:00+01:00', timeZone: 'Europe/Berlin' },
  end: { dateTime: '2026-03-02T10:00:00+01:00', timeZone: 'Europe/Berlin' },
};
const failure = (e: { status?: number; response?: { data: unknown } }) => ({ status: e.status, body: e.response?.data as { error: { code: number; errors: Array<{ reason: string; domain: string }> } } });

t.test('insert with our own base32hex id returns the full event resource', async (t) => {
  const id = 'sb0123456789abcdefuv';
  const { data } = await api.events.insert({
    calendarId: 'primary',
    requestBody: { id, ...timed, attendees: [{ email: 'tech@example.com' }], extendedProperties: { private: { switchboardEntryId: 'e-1' } } },
  });
  t.match(data, {
    kind: 'calendar#event',
    id,
    status: 'confirmed',
    summary: 'Visit Contoso',
    etag: /^"\d+"$/,
    iCalUID: `${id}@google.com`,
    sequence: 0,
    htmlLink: /eid=/,
    creator: { email: 'ada@example.com', self: true },
    organizer: { email: 'ada@example.com', self: true },
    start: timed.start,
    attendees: [{ email: 'tech@example.com' }],
    extendedProperties: { private: { switchboardEntryId: 'e-1' } },
  });
  t.ok(Date.parse(data.updated!) > 0 && Date.parse(data.created!) > 0);
  const got = await api.events.get({ calendarId: 'ada@example.com', eventId: id });
  t.same(got.data, data, 'primary and the email address are the same calendar');
  const page = await fetch(data.htmlLink!);
  t.equal(page.status, 200);
  t.match(await page.text(), /id="event-summary">Visit Contoso</, 'htmlLink opens the event page');
});

t.test('ids are validated and must be unique, including against a deleted event', async (t) => {
  const bad = failure(await api.events.insert({ calendarId: 'primary', requestBody: { id: 'Has-Upper_case', ...timed } }).catch((e) => e));
  t.equal(bad.status, 400);
  t.equal(bad.body.error.errors[0].reason, 'invalid');
  const short = failure(await api.events.insert({ calendarId: 'primary', requestBody: { id: 'abcd', ...timed } }).catch((e) => e));
  t.equal(short.status, 400);

  await api.events.insert({ calendarId: 'primary', requestBody: { id: 'dup00001', ...timed } });
  const dup = failure(await api.events.insert({ calendarId: 'primary', requestBody: { id: 'dup00001', ...timed } }).catch((e) => e));
  t.equal(dup.status, 409);
  t.same(dup.body.error.errors[0], { domain: 'global', reason: 'duplicate', message: 'The requested identifier already exists.' });
  await api.events.delete({ calendarId: 'primary', eventId: 'dup00001' });
  const afterDelete = failure(await api.events.insert({ calendarId: 'primary', requestBody: { id: 'dup00001', ...timed } }).catch((e) => e));
  t.equal(afterDelete.status, 409, 'a cancelled event still holds its id');

  const generated = await api.events.insert({ calendarId: 'primary', requestBody: timed });
  t.match(generated.data.id, /^[a-v0-9]{5,1024}$/);
});

t.test('times are validated: missing end, mixed date kinds, end before start', async (t) => {
  const noEnd = failure(await api.events.insert({ calendarId: 'primary', requestBody: { summary: 'x', start: timed.start } }).catch((e) => e));
  t.equal(noEnd.status, 400);
  const mixed = failure(await api.events.insert({ calendarId: 'primary', requestBody: { start: { date: '2026-03-02' }, end: timed.end } }).catch((e) => e));
  t.equal(mixed.status, 400);
  const backwards = failure(await api.events.insert({ calendarId: 'primary', requestBody: { start: timed.end, end: timed.start } }).catch((e) => e));
  t.equal(backwards.body.error.errors[0].reason, 'timeRangeEmpty');
  const allDay = await api.events.insert({ calendarId: 'primary', requestBody: { summary: 'Offsite', start: { date: '2026-03-05' }, end: { date: '2026-03-06' } } });
  t.same(allDay.data.start, { date: '2026-03-05' });
});

t.test('patch merges, update replaces; etags change on every write and If-Match guards both', async (t) => {
  const { data: created } = await api.events.insert({ calendarId: 'primary', requestBody: { id: 'etag00001', ...timed, location: 'Room 1', extendedProperties: { private: { a: '1', b: '2' } } } });
  const { data: patched } = await api.events.patch(
    { calendarId: 'primary', eventId: 'etag00001', requestBody: { summary: 'Moved', extendedProperties: { private: { b: null as never, c: '3' } } } },
    { headers: { 'If-Match': created.etag! } },
  );
  t.not(patched.etag, created.etag);
  t.equal(patched.summary, 'Moved');
  t.equal(patched.location, 'Room 1', 'patch keeps fields it does not mention');
  t.same(patched.extendedProperties, { private: { a: '1', c: '3' } }, 'null deletes a property');
  t.equal(patched.sequence, 0, 'no time change, no new sequence');

  const stale = failure(await api.events.patch({ calendarId: 'primary', eventId: 'etag00001', requestBody: { summary: 'Lost' } }, { headers: { 'If-Match': created.etag! } }).catch((e) => e));
  t.equal(stale.status, 412);
  t.match(stale.body.error.errors[0], { domain: 'global', reason: 'conditionNotMet' });

  const later = { start: { dateTime: '2026-03-02T11:00:00Z' }, end: { dateTime: '2026-03-02T12:00:00Z' } };
  const staleUpdate = failure(await api.events.update({ calendarId: 'primary', eventId: 'etag00001', requestBody: { summary: 'U', ...later } }, { headers: { 'If-Match': created.etag! } }).catch((e) => e));
  t.equal(staleUpdate.status, 412);
  const { data: updated } = await api.events.update({ calendarId: 'primary', eventId: 'etag00001', requestBody: { summary: 'Updated', ...later } }, { headers: { 'If-Match': patched.etag! } });
  t.equal(updated.summary, 'Updated');
  t.notOk(updated.location, 'update clears fields it does not carry');
  t.notOk(updated.extendedProperties);
  t.equal(updated.sequence, 1, 'a time change bumps the sequence');
  t.equal(updated.iCalUID, created.iCalUID);
  t.equal(updated.created, created.created);

  const notModified = await api.events.get({ calendarId: 'primary', eventId: 'etag00001' }, { headers: { 'If-None-Match': updated.etag! } });
  t.equal(notModified.status, 304);
});

t.test('delete answers 204, then 410 deleted; get still returns the cancelled event; unknown ids are 404', async (t) => {
  await api.events.insert({ calendarId: 'primary', requestBody: { id: 'gone00001', ...timed } });
  const deleted = await api.events.delete({ calendarId: 'primary', eventId: 'gone00001' });
  t.equal(deleted.status, 204);
  const again = failure(await api.events.delete({ calendarId: 'primary', eventId: 'gone00001' }).catch((e) => e));
  t.equal(again.status, 410);
  t.match(again.body.error.errors[0], { domain: 'global', reason: 'deleted' });
  const got = await api.events.get({ calendarId: 'primary', eventId: 'gone00001' });
  t.equal(got.data.status, 'cancelled');
  const unknown = failure(await api.events.get({ calendarId: 'primary', eventId: 'never0001' }).catch((e) => e));
  t.equal(unknown.status, 404);
  t.match(unknown.body.error.errors[0], { domain: 'global', reason: 'notFound' });
});

t.test('list filters: time window, privateExtendedProperty, iCalUID, showDeleted', async (t) => {
  const cal = 'primary';
  await api.events.insert({ calendarId: cal, requestBody: { id: 'flt00001', summary: 'In', start: { dateTime: '2027-01-10T10:00:00Z' }, end: { dateTime: '2027-01-10T11:00:00Z' }, extendedProperties: { private: { tag: 'sb-1' } } } });
  await api.events.insert({ calendarId: cal, requestBody: { id: 'flt00002', summary: 'Out', start: { dateTime: '2027-02-10T10:00:00Z' }, end: { dateTime: '2027-02-10T11:00:00Z' }, extendedProperties: { private: { tag: 'sb-2' } } } });
  await api.events.insert({ calendarId: cal, requestBody: { id: 'flt00003', summary: 'Weekly', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'], start: { dateTime: '2026-12-01T08:00:00Z' }, end: { dateTime: '2026-12-01T09:00:00Z' } } });
  const window = await api.events.list({ calendarId: cal, timeMin: '2027-01-01T00:00:00Z', timeMax: '2027-02-01T00:00:00Z' });
  t.same(window.data.items!.map((e) => e.id), ['flt00001', 'flt00003'], 'recurring masters come back with their recurrence');
  t.same(window.data.items![1].recurrence, ['RRULE:FREQ=WEEKLY;COUNT=10']);
  const tagged = await api.events.list({ calendarId: cal, privateExtendedProperty: ['tag=sb-2'] });
  t.same(tagged.data.items!.map((e) => e.id), ['flt00002']);
  const byUid = await api.events.list({ calendarId: cal, iCalUID: 'flt00001@google.com' });
  t.same(byUid.data.items!.map((e) => e.id), ['flt00001']);
  await api.events.delete({ calendarId: cal, eventId: 'flt00002' });
  const hidden = await api.events.list({ calendarId: cal, privateExtendedProperty: ['tag=sb-2'] });
  t.same(hidden.data.items, []);
  const shown = await api.events.list({ calendarId: cal, privateExtendedProperty: ['tag=sb-2'], showDeleted: true });
  t.same(shown.data.items, [{ kind: 'calendar#event', etag: shown.data.items![0].etag, id: 'flt00002', status: 'cancelled' }]);
  const empty = failure(await api.events.list({ calendarId: cal, timeMin: '2027-02-01T00:00:00Z', timeMax: '2027-01-01T00:00:00Z' }).catch((e) => e));
  t.equal(empty.body.error.errors[0].reason, 'timeRangeEmpty');
});

t.test('calendarList and calendars.get show the caller its own calendars only', async (t) => {
  emulator.addCalendar({ id: 'team@group.calendar.google.com', owner: 'ada@example.com', summary: 'Team' });
  const list = await api.calendarList.list();
  t.equal(list.data.kind, 'calendar#calendarList');
  t.same(list.data.items!.map((c) => [c.id, c.primary ?? false, c.accessRole]), [['ada@example.com', true, 'owner'], ['team@group.calendar.google.com', false, 'owner']]);
  const primary = await api.calendars.get({ calendarId: 'primary' });
  t.match(primary.data, { kind: 'calendar#calendar', id: 'ada@example.com', timeZone: 'UTC' });
  const foreign = failure(await bob.calendar.events.list({ calendarId: 'ada@example.com' }).catch((e) => e));
  t.equal(foreign.status, 404, "another account's calendar does not exist for bob");
  const bobs = await bob.calendar.events.list({ calendarId: 'primary' });
  t.same(bobs.data.items, []);
});

t.test('every Calendar call checks the bearer token and its scopes', async (t) => {
  const noToken = await fetch(`${emulator.url}/calendar/v3/calendars/primary/events`);
  t.equal(noToken.status, 401);
  t.match(await noToken.json(), { error: { code: 401, errors: [{ domain: 'global', reason: 'required', location: 'Authorization' }], status: 'UNAUTHENTICATED' } });
  const badToken = await fetch(`${emulator.url}/calendar/v3/calendars/primary/events`, { headers: { authorization: 'Bearer ya29.nope' } });
  t.equal(badToken.status, 401);
  t.match(await badToken.json(), { error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] } });

  const readOnly = await connectAccount(emulator, { email: 'ro@example.com', client, scopes: ['https://www.googleapis.com/auth/calendar.events.readonly'] });
  t.equal((await readOnly.calendar.events.list({ calendarId: 'primary' })).status, 200);
  const write = failure(await readOnly.calendar.events.insert({ calendarId: 'primary', requestBody: timed }).catch((e) => e));
  t.equal(write.status, 403);
  t.equal(write.body.error.errors[0].reason, 'insufficientPermissions');
  const anonymous = calendar({ version: 'v3', rootUrl: emulator.rootUrl });
  const anon = failure(await anonymous.events.list({ calendarId: 'primary' }).catch((e) => e));
  t.equal(anon.status, 401);
});
