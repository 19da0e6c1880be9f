import t from 'tap';
import { addDays, instantOf, isoWithOffset, offsetMinutesAt, parseDateKey, weekdayOf } from './zoned-time.ts';

const wall = (date: string, hour: number, minute = 0) => ({ ...parseDateKey(date)!, hour, minute });

t.test('a wall time uses the offset of its own zone on its own date, not the browser zone', async (t) => {
  t.equal(isoWithOffset(instantOf(wall('2026-01-15', 9), 'Europe/Berlin'), 'Europe/Berlin'), '2026-01-15T09:00:00+01:00');
  t.equal(isoWithOffset(instantOf(wall('2026-07-15', 9), 'Europe/Berlin'), 'Europe/Berlin'), '2026-07-15T09:00:00+02:00');
  t.equal(new Date(instantOf(wall('2026-03-02', 9), 'America/New_York')).toISOString(), '2026-03-02T14:00:00.000Z');
  t.equal(isoWithOffset(instantOf(wall('2026-03-02', 9), 'Asia/Kolkata'), 'Asia/Kolkata'), '2026-03-02T09:00:00+05:30');
  t.equal(isoWithOffset(instantOf(wall('2026-03-02', 9), 'America/St_Johns'), 'America/St_Johns'), '2026-03-02T09:00:00-03:30');
  t.equal(isoWithOffset(instantOf(wall('2026-03-02', 9), 'UTC'), 'UTC'), '2026-03-02T09:00:00+00:00');
  t.equal(offsetMinutesAt(Date.UTC(2026, 0, 1), 'America/Los_Angeles'), -480);
});

t.test('daylight saving: a skipped time moves forward, a repeated time is the earlier one', async (t) => {
  // Berlin springs forward at 02:00 on 29 March 2026.
  t.equal(isoWithOffset(instantOf(wall('2026-03-29', 2, 30), 'Europe/Berlin'), 'Europe/Berlin'), '2026-03-29T03:30:00+02:00');
  t.equal(isoWithOffset(instantOf(wall('2026-03-29', 1, 30), 'Europe/Berlin'), 'Europe/Berlin'), '2026-03-29T01:30:00+01:00');
  t.equal(isoWithOffset(instantOf(wall('2026-03-29', 3, 0), 'Europe/Berlin'), 'Europe/Berlin'), '2026-03-29T03:00:00+02:00');
  // Berlin falls back at 03:00 on 25 October 2026: 02:30 happens twice.
  t.equal(isoWithOffset(instantOf(wall('2026-10-25', 2, 30), 'Europe/Berlin'), 'Europe/Berlin'), '2026-10-25T02:30:00+02:00');
  t.equal(isoWithOffset(instantOf(wall('2026-10-25', 3, 30), 'Europe/Berlin'), 'Europe/Berlin'), '2026-10-25T03:30:00+01:00');
  // New York: 8 March 2026.
  t.equal(isoWithOffset(instantOf(wall('2026-03-08', 2, 15), 'America/New_York'), 'America/New_York'), '2026-03-08T03:15:00-04:00');
});

t.test('date keys: validation, arithmetic across months and years, weekdays from Monday', async (t) => {
  t.equal(parseDateKey('2026-02-30'), null);
  t.equal(parseDateKey('2026-2-3'), null);
  t.same(parseDateKey('2028-02-29'), { year: 2028, month: 2, day: 29 });
  t.equal(addDays('2026-12-31', 1), '2027-01-01');
  t.equal(addDays('2026-03-01', -1), '2026-02-28');
  t.equal(weekdayOf('2026-03-02'), 0, 'Monday');
  t.equal(weekdayOf('2026-03-08'), 6, 'Sunday');
});
