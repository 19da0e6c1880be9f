import t from 'tap';
import { readFileSync } from 'node:fs';
import { fromGraphEvent, ianaTimeZone, MAPPING_PROPERTY_ID, toGraphEvent, toRemoteEvent, type GraphEvent } from './graph-mapping.js';
import { canonicalRecurrence, fromGraphRecurrence, RecurrenceNotRepresentable, toGraphRecurrence } from './graph-recurrence.js';
import { roundTripCases } from './fixtures/round-trip-cases.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

t.test('every round-trip case survives SyncEvent → Graph event → SyncEvent unchanged (attendees are inbound only)', async (t) => {
  for (const { name, event } of roundTripCases) {
    const graph = { id: 'x', ...toGraphEvent(event) } as GraphEvent;
    t.strictSame(fromGraphEvent(graph), { ...event, attendees: [] }, name);
  }
});

t.test('writes carry only the fields we sync: never attendees, reminders, categories, showAs or online-meeting data', async (t) => {
  const withAttendees = roundTripCases.find((c) => c.event.attendees.length > 0)!.event;
  t.strictSame(Object.keys(toGraphEvent(withAttendees)).sort(), ['body', 'end', 'isAllDay', 'recurrence', 'start', 'subject']);
});

t.test('only a UUID in our own extended property is our mapping id; a transactionId is not', async (t) => {
  const { graph } = fixture('graph-event-from-outlook.json');
  const id = '0b5c7e4e-3c1f-4c55-9d0e-5b7f2c1a9e11';
  t.equal(toRemoteEvent({ ...graph, transactionId: id }).mappingId, null, "Outlook's own transactionId");
  t.equal(toRemoteEvent({ ...graph, singleValueExtendedProperties: [{ id: MAPPING_PROPERTY_ID.toLowerCase(), value: id }] }).mappingId, id, 'ours (ids compare case-insensitively)');
  t.equal(toRemoteEvent({ ...graph, singleValueExtendedProperties: [{ id: MAPPING_PROPERTY_ID, value: 'not-a-uuid' }] }).mappingId, null, 'malformed: foreign');
  t.equal(toRemoteEvent({ ...graph, singleValueExtendedProperties: [{ id: 'String {00020329-0000-0000-C000-000000000046} Name other', value: id }] }).mappingId, null, "someone else's property");
});

t.test('times are wall clock in the event zone; all-day events are midnight to midnight', async (t) => {
  const dst = toGraphEvent(roundTripCases.find((c) => c.name.includes('DST'))!.event);
  t.strictSame(dst.start, { dateTime: '2026-03-08T01:30:00.0000000', timeZone: 'America/New_York' });
  t.strictSame(dst.end, { dateTime: '2026-03-08T04:30:00.0000000', timeZone: 'America/New_York' });
  const allDay = toGraphEvent(roundTripCases.find((c) => c.event.allDay)!.event);
  t.match(allDay, { isAllDay: true, start: { dateTime: '2026-07-01T00:00:00.0000000' }, end: { dateTime: '2026-07-04T00:00:00.0000000' } });
  t.strictSame(toGraphEvent({ ...roundTripCases[0].event, notes: null }).body, { contentType: 'text', content: '' });
});

t.test('RRULEs map to the patternedRecurrence Graph holds, and back to the same RRULE', async (t) => {
  for (const { rule, start, recurrence } of fixture('graph-recurrences.json').cases) {
    t.strictSame(toGraphRecurrence(rule, start), recurrence, rule);
    t.equal(fromGraphRecurrence(recurrence, start), rule, `${rule} back`);
  }
});

t.test('an Outlook-made series read in UTC maps to its own zone, plain text and a canonical RRULE', async (t) => {
  const { graph, expected } = fixture('graph-event-from-outlook.json');
  t.strictSame(fromGraphEvent(graph), expected);
  t.match(toRemoteEvent(graph), { id: graph.id, etag: graph.changeKey, iCalUid: graph.iCalUId, mappingId: null, cancelled: false });
  t.strictSame(toRemoteEvent({ id: 'gone', '@removed': { reason: 'deleted' } }), { id: 'gone', etag: '', iCalUid: null, mappingId: null, cancelled: true, event: null });
});

t.test('canonical RRULEs: implied parts made explicit, days ordered, Outlook-only defaults spelled out', async (t) => {
  const start = { date: '2026-04-06', timeZone: 'America/New_York', allDay: false };
  t.equal(canonicalRecurrence('FREQ=WEEKLY', start), 'FREQ=WEEKLY;BYDAY=MO');
  t.equal(canonicalRecurrence('BYDAY=WE,MO;FREQ=WEEKLY;INTERVAL=1', start), 'FREQ=WEEKLY;BYDAY=MO,WE');
  t.equal(canonicalRecurrence('FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', start), 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
  t.equal(canonicalRecurrence('FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2', start), 'FREQ=MONTHLY;BYDAY=2TU');
  t.equal(canonicalRecurrence('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', start), 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1');
  t.equal(canonicalRecurrence('FREQ=WEEKLY;UNTIL=20260629T130000Z;BYDAY=MO', start), 'FREQ=WEEKLY;UNTIL=20260630T035959Z;BYDAY=MO', 'UNTIL becomes the end of the last day');
  t.equal(canonicalRecurrence('FREQ=WEEKLY;BYDAY=MO;WKST=SU', start), 'FREQ=WEEKLY;BYDAY=MO;WKST=SU');
  t.equal(canonicalRecurrence('FREQ=HOURLY', start), 'FREQ=HOURLY', 'what Outlook cannot hold stays as it is');
});

t.test('RRULEs Outlook cannot hold are refused with a reason', async (t) => {
  const start = { date: '2026-04-06', timeZone: 'UTC', allDay: false };
  for (const rule of ['FREQ=HOURLY', 'FREQ=WEEKLY;BYHOUR=9', 'FREQ=MONTHLY;BYDAY=5MO', 'FREQ=MONTHLY;BYMONTHDAY=1,15', 'FREQ=MONTHLY;BYDAY=1MO,1TU', 'FREQ=MONTHLY;BYMONTH=1;BYMONTHDAY=2']) {
    t.throws(() => toGraphRecurrence(rule, start), RecurrenceNotRepresentable, rule);
  }
});

t.test('Windows zone names become IANA zones (all of CLDR); unknown and custom names are not guessed', async (t) => {
  t.equal(ianaTimeZone('Pacific Standard Time'), 'America/Los_Angeles');
  t.equal(ianaTimeZone('Europe/Berlin'), 'Europe/Berlin');
  t.equal(ianaTimeZone('UTC'), 'UTC');
  t.equal(ianaTimeZone('Coordinated Universal Time'), 'UTC');
  // Outside the old hand table.
  t.equal(ianaTimeZone('Nepal Standard Time'), 'Asia/Katmandu');
  t.equal(ianaTimeZone('Aleutian Standard Time'), 'America/Adak');
  t.equal(ianaTimeZone('Mars Standard Time'), null);
  t.equal(ianaTimeZone('tzone://Microsoft/Custom'), null);
  t.equal(ianaTimeZone('Customized Time Zone'), null);
});

t.test('a custom start zone takes the end zone; the instant is what Graph sent in UTC', async (t) => {
  const { graph } = fixture('graph-event-from-outlook.json');
  const custom = { ...graph, recurrence: null, originalStartTimeZone: 'tzone://Microsoft/Custom', originalEndTimeZone: 'Tokyo Standard Time', start: { dateTime: '2026-06-15T07:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-06-15T08:00:00.0000000', timeZone: 'UTC' } };
  t.match(fromGraphEvent(custom), { start: '2026-06-15T07:00:00.000Z', end: '2026-06-15T08:00:00.000Z', timeZone: 'Asia/Tokyo' });
  t.match(fromGraphEvent({ ...custom, originalEndTimeZone: 'tzone://Microsoft/Custom' }), { start: '2026-06-15T07:00:00.000Z', timeZone: 'UTC' });
});

t.test('an Outlook series the PSA cannot hold still maps to its RRULE (inbound decides to leave it out)', async (t) => {
  const { graph } = fixture('graph-event-from-outlook.json');
  const numbered = { ...graph.recurrence, range: { ...graph.recurrence.range, type: 'numbered', numberOfOccurrences: 5000 } };
  t.match(fromGraphRecurrence(numbered, { timeZone: 'UTC', allDay: false }), /COUNT=5000/);
  t.match(fromGraphEvent({ ...graph, recurrence: numbered }).recurrence, /COUNT=5000/);
});
