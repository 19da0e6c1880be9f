import t from 'tap';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { storedEntry } from './entry-fixture.ts';
import { entryInput, entryPatch, entryValues, formErrorsOf, laterEndDay, newEntryValues, validateEntry } from './entry-form-values.ts';

const stored = (over: Partial<ScheduleEntry>): ScheduleEntry => storedEntry({ title: 'Server move', start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T09:30:00.000Z', timeZone: 'Europe/Berlin', assigneeIds: ['u1'], version: 3, ...over });

t.test('a timed entry is sent as wall times in the chosen zone with that zone’s offset', async (t) => {
  const v = { ...newEntryValues('2026-07-01', 'America/New_York'), title: ' Backup check ', startTime: '09:00', endTime: '10:30', assigneeIds: ['u1'] };
  t.same(entryInput(v), {
    title: 'Backup check',
    notes: null,
    timeZone: 'America/New_York',
    recurrence: null,
    assigneeIds: ['u1'],
    clientId: null,
    contactId: null,
    allDay: false,
    start: '2026-07-01T09:00:00-04:00',
    end: '2026-07-01T10:30:00-04:00',
  });
});

t.test('an end time before the start time ends the next day', async (t) => {
  const v = { ...newEntryValues('2026-03-06', 'Europe/London'), title: 'Overnight', startTime: '22:00', endTime: '02:00' };
  t.equal(entryInput(v).end, '2026-03-07T02:00:00+00:00');
  t.equal(laterEndDay(v), '2026-03-07');
  t.equal(laterEndDay({ ...v, endTime: '23:00' }), null);
});

t.test('an all-day entry sends the day after the last day as its end', async (t) => {
  const v = { ...newEntryValues('2026-03-02', 'UTC'), title: 'Offsite', allDay: true, startDate: '2026-03-02', endDate: '2026-03-04', recurrence: 'weekly' as const };
  const input = entryInput(v);
  t.same([input.start, input.end, input.recurrence], ['2026-03-02', '2026-03-05', 'FREQ=WEEKLY;BYDAY=MO']);
  t.same(entryValues(stored({ allDay: true, start: '2026-03-02', end: '2026-03-05' })).endDate, '2026-03-04');
  t.same(validateEntry({ ...v, endDate: '2026-03-01' }), { endDate: 'The last day cannot be before the first day.' });
  t.same(validateEntry({ ...v, title: ' ' }), { title: 'Enter a title.' });
});

t.test('editing reads the entry in its own zone and sends only what changed, with the version', async (t) => {
  const entry = stored({});
  const v = entryValues(entry);
  t.same([v.date, v.startTime, v.endTime, v.endDayOffset], ['2026-03-02', '09:00', '10:30', 0]);
  t.same(entryPatch(v, entry), { expectedVersion: 3 }, 'nothing changed');
  t.same(entryPatch({ ...v, title: 'Server move (phase 2)' }, entry), { expectedVersion: 3, title: 'Server move (phase 2)' });
  t.same(entryPatch({ ...v, endTime: '11:00' }, entry), {
    expectedVersion: 3,
    start: '2026-03-02T09:00:00+01:00',
    end: '2026-03-02T11:00:00+01:00',
    allDay: false,
    timeZone: 'Europe/Berlin',
  });
  const multiDay = entryValues(stored({ end: '2026-03-04T16:00:00.000Z' }));
  t.equal(multiDay.endDayOffset, 2);
  t.equal(entryInput(multiDay).end, '2026-03-04T17:00:00+01:00');
});

t.test('a stored rule is kept unless the user picks another option', async (t) => {
  const entry = stored({ recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' });
  const v = entryValues(entry);
  t.equal(v.recurrence, 'custom');
  t.same(entryPatch({ ...v, date: '2026-03-03' }, entry).recurrence, undefined);
  t.equal(entryPatch({ ...v, recurrence: 'none' }, entry).recurrence, null);
  const weekly = stored({ recurrence: 'FREQ=WEEKLY' });
  t.equal(entryValues(weekly).recurrence, 'weekly');
  t.same(entryPatch(entryValues(weekly), weekly), { expectedVersion: 3 });
});

t.test('the client and contact are sent, changed and cleared together', async (t) => {
  const v = { ...newEntryValues('2026-07-01', 'UTC'), title: 'Visit', clientId: 'c1', contactId: 'p1' };
  t.same([entryInput(v).clientId, entryInput(v).contactId], ['c1', 'p1']);
  t.same([entryInput({ ...v, clientId: null }).clientId, entryInput({ ...v, clientId: null }).contactId], [null, null], 'no client, no contact');
  const entry = stored({ clientId: 'c1', contactId: 'p1' });
  const loaded = entryValues(entry);
  t.same([loaded.clientId, loaded.contactId], ['c1', 'p1']);
  t.same(entryPatch(loaded, entry), { expectedVersion: 3 }, 'unchanged links are not sent');
  t.same(entryPatch({ ...loaded, contactId: 'p2' }, entry), { expectedVersion: 3, contactId: 'p2' });
  t.same(entryPatch({ ...loaded, clientId: 'c2', contactId: null }, entry), { expectedVersion: 3, clientId: 'c2', contactId: null });
  t.same(entryPatch({ ...loaded, clientId: null }, entry), { expectedVersion: 3, clientId: null, contactId: null });
  t.same(formErrorsOf({ contactId: 'is a contact of another client' }, false).errors, { contactId: 'Is a contact of another client' });
});

t.test('server field errors land on the matching inputs', async (t) => {
  t.same(formErrorsOf({ end: 'must be after start', 'assigneeIds.0': 'must be a valid user id', workItemType: 'bad' }, false), {
    errors: { endTime: 'Must be after start', assigneeIds: 'Must be a valid user id' },
    unplaced: ['workItemType: bad'],
  });
  t.same(formErrorsOf({ start: 'must be a date' }, true).errors, { startDate: 'Must be a date' });
});
