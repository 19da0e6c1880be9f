import t from 'tap';
import { readFileSync } from 'node:fs';
import { fromGoogleEvent, googleEventId, toGoogleEvent, toGooglePatch, toRemoteEvent } from './google-mapping.js';
import { roundTripCases } from './fixtures/round-trip-cases.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

t.test('every round-trip case survives SyncEvent → Google resource → SyncEvent unchanged (attendees are inbound only)', async (t) => {
  for (const { name, event } of roundTripCases) t.strictSame(fromGoogleEvent(toGoogleEvent(event, 'm-1')), { ...event, attendees: [] }, name);
});

t.test('insert and patch bodies hold only the fields we own: never attendees, reminders, colour or conference data', async (t) => {
  const withGuests = roundTripCases.find((c) => c.event.attendees.length > 0)!.event;
  const owned = ['summary', 'description', 'start', 'end', 'recurrence', 'extendedProperties'];
  for (const body of [toGoogleEvent(withGuests, 'm-1'), toGooglePatch(withGuests), toGooglePatch({ ...withGuests, allDay: true, start: '2026-06-10', end: '2026-06-11' })]) {
    t.same(Object.keys(body).filter((key) => !owned.includes(key)), [], Object.keys(body).join(','));
    // Patch merges extendedProperties.private key by key: others' keys and `shared` are left alone.
    t.same(Object.keys(body.extendedProperties ?? {}).filter((key) => key !== 'private'), []);
  }
});

t.test('timed events carry the zone and its offset at each end; all-day events use dates and keep their zone privately', async (t) => {
  const dst = roundTripCases.find((c) => c.name.includes('DST'))!.event;
  const resource = toGoogleEvent(dst, '0b0f8a5e-8a1c-4a7e-9d1e-1f2b3c4d5e6f');
  t.strictSame(resource.start, { dateTime: '2026-03-08T01:30:00-05:00', timeZone: 'America/New_York' });
  t.strictSame(resource.end, { dateTime: '2026-03-08T04:30:00-04:00', timeZone: 'America/New_York' });
  t.strictSame(resource.extendedProperties, { private: { switchboardMappingId: '0b0f8a5e-8a1c-4a7e-9d1e-1f2b3c4d5e6f' } });

  const allDay = toGoogleEvent(roundTripCases.find((c) => c.event.allDay)!.event);
  t.strictSame([allDay.start, allDay.end], [{ date: '2026-07-01' }, { date: '2026-07-04' }]);
  t.strictSame(allDay.extendedProperties, { private: { switchboardTimeZone: 'Europe/Berlin' } });
});

t.test('a patch clears what the event no longer has', async (t) => {
  const base = roundTripCases[0].event;
  const patch = toGooglePatch({ ...base, notes: null, recurrence: null }) as Record<string, any>;
  t.equal(patch.description, null);
  t.equal(patch.recurrence, null);
  t.equal(patch.start.date, null, 'a timed event clears a previous all-day date');
  const allDay = toGooglePatch({ ...base, allDay: true, start: '2026-06-10', end: '2026-06-11' }) as Record<string, any>;
  t.strictSame(allDay.start, { date: '2026-06-10', dateTime: null, timeZone: null });
});

t.test('an event made in Google maps to a SyncEvent: UTC instants, normalised attendees without rooms, the RRULE without EXDATE', async (t) => {
  const { resource, expected } = fixture('google-event-from-google.json');
  t.strictSame(fromGoogleEvent(resource), expected);
  t.match(toRemoteEvent(resource), { id: resource.id, etag: resource.etag, iCalUid: resource.iCalUID, mappingId: null, cancelled: false });
});

t.test('a cancelled event is only its id', async (t) => {
  t.strictSame(toRemoteEvent({ id: 'abcde12345', status: 'cancelled', etag: '"1"' }), {
    id: 'abcde12345',
    etag: '"1"',
    iCalUid: null,
    mappingId: null,
    cancelled: true,
    event: null,
  });
});

t.test('event ids are valid base32hex and deterministic per mapping id', async (t) => {
  t.equal(googleEventId('0B0F8A5E-8A1C-4A7E-9D1E-1F2B3C4D5E6F'), '0b0f8a5e8a1c4a7e9d1e1f2b3c4d5e6f');
  const odd = googleEventId('mapping:42/xyz');
  t.match(odd, /^[0-9a-v]{5,1024}$/);
  t.equal(googleEventId('mapping:42/xyz'), odd);
  t.not(googleEventId('mapping:43/xyz'), odd);
});

t.test('a Google RRULE comes in as written, whether or not the PSA can hold it (inbound decides)', async (t) => {
  const { resource, expected } = fixture('google-event-from-google.json');
  for (const rule of ['RRULE:FREQ=HOURLY', 'RRULE:FREQ=DAILY;BYHOUR=9,17']) {
    t.strictSame(fromGoogleEvent({ ...resource, recurrence: [rule] }), { ...expected, recurrence: rule.slice('RRULE:'.length) }, rule);
  }
  t.equal(fromGoogleEvent({ ...resource, recurrence: ['rrule:freq=weekly;byday=mo', 'EXDATE:20260112T090000Z'] }).recurrence, 'FREQ=WEEKLY;BYDAY=MO');
});
