import t from 'tap';
import { addDays, instantOf, isoWithOffset, offsetMinutesAt, parseDateKey, wallTimeAt, weekdayOf } from './zoned-time.ts';

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

t.test('wall times from the remembered quarter-hour offsets match Intl across clock changes', async (t) => {
  const intl = (instant: number, timeZone: string) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
        .formatToParts(instant)
        .filter((p) => p.type !== 'literal')
        .map((p) => [p.type, Number(p.value)]),
    );
    return { ...parts, hour: parts.hour % 24 };
  };
  // Spring forward and fall back in New York, Lord Howe's half-hour change, and Monrovia's 1972
  // change from -00:44:30 to GMT, at 00:44:30 UTC: inside a quarter hour.
  const cases: [string, string][] = [
    ['America/New_York', '2026-03-08T05:00:00Z'],
    ['America/New_York', '2026-11-01T04:30:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T14:30:00Z'],
    ['Africa/Monrovia', '1972-01-06T23:30:00Z'],
  ];
  for (const [timeZone, around] of cases) {
    const mismatches: string[] = [];
    for (let instant = Date.parse(around); instant < Date.parse(around) + 2 * 3_600_000; instant += 10_000) {
      const ours: Record<string, number> = wallTimeAt(instant, timeZone);
      const theirs: Record<string, number> = intl(instant, timeZone);
      if (['year', 'month', 'day', 'hour', 'minute', 'second'].some((k) => ours[k] !== theirs[k])) mismatches.push(new Date(instant).toISOString());
    }
    t.same(mismatches, [], `${timeZone} around ${around}`);
  }
});
