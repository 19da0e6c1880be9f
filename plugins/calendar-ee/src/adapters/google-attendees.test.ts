// What the technician set on an event in Google Calendar and we do not sync (guests, reminders,
// colour, conference data, others' extended properties) survives our writes, and Google mails no
// guest because of them (the emulator's attendee mail log).
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { connectGoogleAccount, startGoogleEmulator } from '@switchboard/emulators';
import { createGoogleAdapter } from './google-adapter.js';
import { roundTripCases } from './fixtures/round-trip-cases.js';
import type { SyncEvent } from './types.js';

const client = { clientId: 'attendees-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const g = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] } });
t.teardown(() => g.close());

const email = 'guests@example.com';
const account = await connectGoogleAccount(g, { email, client });
const adapter = createGoogleAdapter({
  rootUrl: g.rootUrl,
  calendarId: 'primary',
  tokens: { accessToken: async () => (await account.auth.getAccessToken()).token!, invalidate: () => undefined },
});

const theirs = {
  attendees: [{ email: 'client@customer.test' }, { email: 'boss@customer.test', optional: true }],
  reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 5 }] },
  colorId: '5',
  location: 'Customer site',
  conferenceData: { conferenceId: 'abc-defg-hij', conferenceSolution: { key: { type: 'hangoutsMeet' } }, entryPoints: [{ entryPointType: 'video', uri: 'https://meet.google.com/abc-defg-hij' }] },
  extendedProperties: { private: { theirTool: 'kept' }, shared: { ticket: '42' } },
};

t.test('guests, reminders, colour, conference data and others’ properties set in Google survive our updates; no guest is mailed', async (t) => {
  const base: SyncEvent = { ...roundTripCases[0].event, start: '2026-06-10T13:00:00.000Z', end: '2026-06-10T14:00:00.000Z' };
  const mappingId = randomUUID();
  const created = await adapter.createEvent(base, mappingId);
  g.changeEvent(email, created.id, theirs);

  const timed = await adapter.updateEvent(created.id, { ...base, title: 'Moved', start: '2026-06-11T13:00:00.000Z', end: '2026-06-11T15:00:00.000Z' }, (await adapter.getEvent(created.id))!.etag);
  const allDay = await adapter.updateEvent(created.id, { ...base, allDay: true, start: '2026-06-12', end: '2026-06-13', timeZone: 'Europe/Berlin' }, timed.etag);
  t.equal(allDay.event?.title, base.title);

  const stored = g.events(email).find((e) => e.id === created.id)!;
  t.match(stored, { ...theirs, extendedProperties: { private: { theirTool: 'kept', switchboardMappingId: mappingId }, shared: { ticket: '42' } } });
  t.same(stored.attendees, theirs.attendees, 'the guest list is exactly the technician’s');
  t.same(allDay.event?.attendees, ['boss@customer.test', 'client@customer.test'], 'and reads back as inbound attendees');
  t.same(g.attendeeMail(), [], 'no invitation or cancellation went out');
});
