import t from 'tap';
import { startGoogleEmulator } from './server.js';
import { connectAccount } from './testing.js';

const client = { clientId: 'recurrence-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const emulator = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] } });
t.teardown(emulator.close);
const { calendar: api } = await connectAccount(emulator, { email: 'series@example.com', client });
const calendarId = 'primary';

/** Mondays 09:00 Berlin (08:00Z in March before DST, 07:00Z after), four of them. */
const weekly = (id: string, extra: string[] = []) => ({
  id,
  summary: 'Standup',
  start: { dateTime: '2026-03-02T09:00:00+01:00', timeZone: 'Europe/Berlin' },
  end: { dateTime: '2026-03-02T09:30:00+01:00', timeZone: 'Europe/Berlin' },
  recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4', ...extra],
});

t.test('singleEvents=true expands a series into instances with Google ids; singleEvents=false lists the master', async (t) => {
  await api.events.insert({ calendarId, requestBody: weekly('series0001') });
  const expanded = await api.events.list({ calendarId, singleEvents: true, orderBy: 'startTime', timeMin: '2026-03-01T00:00:00Z', timeMax: '2026-04-01T00:00:00Z' });
  const ours = expanded.data.items!.filter((e) => e.recurringEventId === 'series0001');
  t.same(
    ours.map((e) => e.id),
    ['series0001_20260302T080000Z', 'series0001_20260309T080000Z', 'series0001_20260316T080000Z', 'series0001_20260323T080000Z'],
  );
  // The wall clock stays 09:00 in Berlin across the switch to summer time (29 March is after the series).
  t.match(ours[0], { originalStartTime: { dateTime: '2026-03-02T09:00:00+01:00', timeZone: 'Europe/Berlin' }, start: { dateTime: '2026-03-02T09:00:00+01:00' }, end: { dateTime: '2026-03-02T09:30:00+01:00' }, summary: 'Standup' });
  t.notOk(ours[0].recurrence, 'an instance carries no recurrence');
  const masters = await api.events.list({ calendarId, timeMin: '2026-03-01T00:00:00Z' });
  t.same(masters.data.items!.filter((e) => e.id!.startsWith('series0001')).map((e) => e.id), ['series0001']);
  const one = await api.events.get({ calendarId, eventId: 'series0001_20260309T080000Z' });
  t.equal(one.data.recurringEventId, 'series0001');
  await t.rejects(() => api.events.get({ calendarId, eventId: 'series0001_20260310T080000Z' }), { cause: { code: 404 } }, 'not an occurrence of the rule');
});

t.test('patching an instance makes an exception; deleting one leaves a cancelled instance that sync reports with its original start', async (t) => {
  await api.events.insert({ calendarId, requestBody: weekly('series0002') });
  const full = await api.events.list({ calendarId });
  const token = full.data.nextSyncToken!;

  const changed = await api.events.patch({ calendarId, eventId: 'series0002_20260309T080000Z', requestBody: { summary: 'Standup (moved)', start: { dateTime: '2026-03-09T11:00:00+01:00' }, end: { dateTime: '2026-03-09T11:30:00+01:00' } } });
  t.match(changed.data, { id: 'series0002_20260309T080000Z', recurringEventId: 'series0002', originalStartTime: { dateTime: '2026-03-09T09:00:00+01:00' }, summary: 'Standup (moved)' });
  await api.events.delete({ calendarId, eventId: 'series0002_20260316T080000Z' });
  await t.rejects(() => api.events.delete({ calendarId, eventId: 'series0002_20260316T080000Z' }), { cause: { code: 410 } }, 'already cancelled');

  const changes = await api.events.list({ calendarId, syncToken: token });
  t.same(
    changes.data.items!.map((e) => [e.id, e.status, e.recurringEventId, e.originalStartTime?.dateTime]),
    [
      ['series0002_20260309T080000Z', 'confirmed', 'series0002', '2026-03-09T09:00:00+01:00'],
      ['series0002_20260316T080000Z', 'cancelled', 'series0002', '2026-03-16T09:00:00+01:00'],
    ],
  );

  const instances = await api.events.instances({ calendarId, eventId: 'series0002' });
  t.same(instances.data.items!.map((e) => [e.id, e.summary]), [
    ['series0002_20260302T080000Z', 'Standup'],
    ['series0002_20260309T080000Z', 'Standup (moved)'],
    ['series0002_20260323T080000Z', 'Standup'],
  ]);
  const withDeleted = await api.events.instances({ calendarId, eventId: 'series0002', showDeleted: true });
  t.same(withDeleted.data.items!.map((e) => e.status), ['confirmed', 'confirmed', 'cancelled', 'confirmed']);
  const windowed = await api.events.instances({ calendarId, eventId: 'series0002', timeMin: '2026-03-09T00:00:00Z', timeMax: '2026-03-10T00:00:00Z' });
  t.same(windowed.data.items!.map((e) => e.id), ['series0002_20260309T080000Z']);
  const single = await api.events.list({ calendarId, singleEvents: true, timeMin: '2026-03-01T00:00:00Z', timeMax: '2026-04-01T00:00:00Z' });
  t.equal(single.data.items!.filter((e) => e.recurringEventId === 'series0002').length, 3, 'the cancelled instance is not listed');
});

t.test('EXDATE lines of the master remove occurrences; all-day instances are named by date', async (t) => {
  await api.events.insert({ calendarId, requestBody: weekly('series0003', ['EXDATE;TZID=Europe/Berlin:20260309T090000']) });
  const instances = await api.events.instances({ calendarId, eventId: 'series0003' });
  t.same(instances.data.items!.map((e) => e.id), ['series0003_20260302T080000Z', 'series0003_20260316T080000Z', 'series0003_20260323T080000Z']);
  await t.rejects(() => api.events.get({ calendarId, eventId: 'series0003_20260309T080000Z' }), { cause: { code: 404 } });

  await api.events.insert({ calendarId, requestBody: { id: 'series0004', summary: 'On call', start: { date: '2026-03-02' }, end: { date: '2026-03-03' }, recurrence: ['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE;VALUE=DATE:20260303'] } });
  const days = await api.events.instances({ calendarId, eventId: 'series0004' });
  t.same(days.data.items!.map((e) => [e.id, e.start?.date, e.end?.date, e.originalStartTime?.date]), [
    ['series0004_20260302', '2026-03-02', '2026-03-03', '2026-03-02'],
    ['series0004_20260304', '2026-03-04', '2026-03-05', '2026-03-04'],
  ]);
});

t.test('deleting a series cancels its exceptions; a single event has no instances', async (t) => {
  await api.events.insert({ calendarId, requestBody: weekly('series0005') });
  emulator.changeEvent('series@example.com', 'series0005_20260302T080000Z', { summary: 'Edited in Google Calendar' });
  await api.events.delete({ calendarId, eventId: 'series0005' });
  const exception = await api.events.get({ calendarId, eventId: 'series0005_20260302T080000Z' });
  t.equal(exception.data.status, 'cancelled');
  await api.events.insert({ calendarId, requestBody: { id: 'single0001', summary: 'Once', start: { date: '2026-03-02' }, end: { date: '2026-03-03' } } });
  await t.rejects(() => api.events.instances({ calendarId, eventId: 'single0001' }), { cause: { code: 400 } });
});
