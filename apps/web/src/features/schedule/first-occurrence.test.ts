import t from 'tap';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { storedEntry } from './entry-fixture.ts';
import { firstOccurrenceOffStart } from './first-occurrence.ts';

// Monday 2 March 2026, 09:00 in Berlin.
const series = (over: Partial<ScheduleEntry>): ScheduleEntry => storedEntry({ title: 'Patch night', start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T09:00:00.000Z', timeZone: 'Europe/Berlin', recurrence: 'FREQ=WEEKLY;BYDAY=MO', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over });

t.test('a series starting on one of its own days is fine', async (t) => {
  t.equal(firstOccurrenceOffStart(series({})), null);
  t.equal(firstOccurrenceOffStart(series({ recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE' })), null);
  t.equal(firstOccurrenceOffStart(series({ recurrence: null })), null, 'a single entry is not a series');
});

t.test('a series starting on a day its rule skips first happens later', async (t) => {
  t.same(firstOccurrenceOffStart(series({ recurrence: 'FREQ=WEEKLY;BYDAY=TU' })), { start: '2026-03-03T08:00:00.000Z', end: '2026-03-03T09:00:00.000Z' });
  t.same(firstOccurrenceOffStart(series({ recurrence: 'FREQ=MONTHLY;BYMONTHDAY=15' })), { start: '2026-03-15T08:00:00.000Z', end: '2026-03-15T09:00:00.000Z' });
  t.same(firstOccurrenceOffStart(series({ start: '2026-03-02', end: '2026-03-03', allDay: true, recurrence: 'FREQ=WEEKLY;BYDAY=FR' })), { start: '2026-03-06', end: '2026-03-07' });
});

t.test('the weekday is the one in the series’ own zone', async (t) => {
  // Monday 23:30 in Berlin is Monday 22:30 UTC: BYDAY=MO holds there.
  t.equal(firstOccurrenceOffStart(series({ start: '2026-03-02T22:30:00.000Z', end: '2026-03-02T23:00:00.000Z' })), null);
  // Tuesday 00:30 in Berlin is still Monday in UTC: BYDAY=MO skips it.
  t.ok(firstOccurrenceOffStart(series({ start: '2026-03-02T23:30:00.000Z', end: '2026-03-03T00:00:00.000Z' })));
});

t.test('rules too rich to expand here say nothing', async (t) => {
  t.equal(firstOccurrenceOffStart(series({ recurrence: 'FREQ=YEARLY;BYMONTH=3;BYDAY=2TU' })), null);
});
