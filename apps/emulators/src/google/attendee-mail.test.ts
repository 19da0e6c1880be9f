import t from 'tap';
import { startGoogleEmulator } from './server.js';
import { connectAccount } from './testing.js';

const client = { clientId: 'mail-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const emulator = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }], accounts: [{ email: 'colleague@example.com' }] } });
t.teardown(emulator.close);
const { calendar: api } = await connectAccount(emulator, { email: 'organizer@example.com', client });
const timed = { start: { dateTime: '2026-06-01T09:00:00Z' }, end: { dateTime: '2026-06-01T10:00:00Z' } };
const guests = (...emails: string[]) => emails.map((email) => ({ email }));
const mail = () => emulator.attendeeMail().map(({ kind, to, eventId }) => ({ kind, to, eventId }));

t.beforeEach(() => void emulator.attendeeMail().splice(0));

t.test('sendUpdates=all mails invitations to added guests and cancellations to removed ones, never the organizer', async (t) => {
  await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: { id: 'mail00001', ...timed, attendees: [{ email: 'organizer@example.com', self: true, organizer: true }, ...guests('a@client.test', 'b@client.test')] } });
  await api.events.patch({ calendarId: 'primary', eventId: 'mail00001', sendUpdates: 'all', requestBody: { attendees: guests('b@client.test', 'c@client.test') } });
  t.same(mail(), [
    { kind: 'invitation', to: 'a@client.test', eventId: 'mail00001' },
    { kind: 'invitation', to: 'b@client.test', eventId: 'mail00001' },
    { kind: 'invitation', to: 'c@client.test', eventId: 'mail00001' },
    { kind: 'cancellation', to: 'a@client.test', eventId: 'mail00001' },
  ]);
  await api.events.delete({ calendarId: 'primary', eventId: 'mail00001', sendUpdates: 'all' });
  t.same(mail().slice(4), [
    { kind: 'cancellation', to: 'b@client.test', eventId: 'mail00001' },
    { kind: 'cancellation', to: 'c@client.test', eventId: 'mail00001' },
  ]);
});

t.test('sendUpdates=none (and no sendUpdates) mails nobody; externalOnly only guests without Google Calendar', async (t) => {
  await api.events.insert({ calendarId: 'primary', requestBody: { id: 'mail00002', ...timed, attendees: guests('a@client.test') } });
  await api.events.patch({ calendarId: 'primary', eventId: 'mail00002', sendUpdates: 'none', requestBody: { attendees: [] } });
  t.same(mail(), []);
  await api.events.update({ calendarId: 'primary', eventId: 'mail00002', sendUpdates: 'externalOnly', requestBody: { ...timed, attendees: guests('colleague@example.com', 'd@client.test') } });
  t.same(mail(), [{ kind: 'invitation', to: 'd@client.test', eventId: 'mail00002' }], 'the emulator account uses Google Calendar: no mail');
  const res = await fetch(`${emulator.url}/_emulator/google/attendee-mail`);
  t.match(await res.json(), [{ kind: 'invitation', to: 'd@client.test', calendarId: 'organizer@example.com', sendUpdates: 'externalOnly' }]);
});
