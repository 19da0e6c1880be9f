import t from 'tap';
import fc from 'fast-check';
import { normalizeRecurrence, recurrenceProblem, supportedRecurrence } from './recurrence-subset.js';
import { firstOccurrences, isOccurrenceStart, occurrenceStarts, recursWithin, type Series } from './recurrence-expansion.js';

t.test('the subset: calendar rules are accepted', async (t) => {
  const accepted = [
    'FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=3;COUNT=10',
    'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU',
    'FREQ=WEEKLY;UNTIL=20260630T035959Z;BYDAY=MO,WE',
    'FREQ=WEEKLY;UNTIL=20260731;BYDAY=FR',
    'FREQ=MONTHLY;BYMONTHDAY=15',
    'FREQ=MONTHLY;BYMONTHDAY=-1,31',
    'FREQ=MONTHLY;BYDAY=2TU',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYDAY=5MO',
    'FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1',
    'FREQ=YEARLY',
    'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=17',
    'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH',
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
    'FREQ=YEARLY;BYDAY=20MO',
    'FREQ=YEARLY;INTERVAL=1000',
    `FREQ=DAILY;COUNT=1000`,
  ];
  for (const rule of accepted) t.equal(recurrenceProblem(rule), null, rule);
  t.equal(normalizeRecurrence(' rrule:freq=weekly;byday=mo '), 'FREQ=WEEKLY;BYDAY=MO');
  t.equal(supportedRecurrence('RRULE:FREQ=weekly'), 'FREQ=WEEKLY');
  t.equal(supportedRecurrence('FREQ=SECONDLY'), null);
});

t.test('the subset: everything else is refused with a message saying what is allowed', async (t) => {
  const refused: [string, RegExp][] = [
    ['FREQ=SECONDLY', /FREQ=SECONDLY is not supported; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['FREQ=MINUTELY;COUNT=5', /FREQ=MINUTELY is not supported/],
    ['FREQ=HOURLY', /FREQ=HOURLY is not supported/],
    ['BYDAY=MO', /needs a FREQ/],
    ['FREQ=DAILY;BYHOUR=9', /BYHOUR is not supported; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY with INTERVAL/],
    ['FREQ=DAILY;FREQ=WEEKLY', /FREQ must appear once/],
    ['every monday', /must be an RRULE such as/],
    [`FREQ=DAILY;${'BYDAY=MO;'.repeat(60)}`, /at most 500 characters/],
    ['FREQ=MONTHLY;BYMONTHDAY=40', /BYMONTHDAY must list days from 1 to 31 or from -31 to -1/],
    ['FREQ=MONTHLY;BYMONTHDAY=0', /BYMONTHDAY must list/],
    ['FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1', /BYMONTH must list months from 1 to 12/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY must list weekday codes/],
    ['FREQ=WEEKLY;BYDAY=2MO', /plain weekdays/],
    ['FREQ=MONTHLY;BYDAY=6MO', /positions must be 1 to 5/],
    ['FREQ=MONTHLY;BYDAY=0MO', /positions must be 1 to 5/],
    ['FREQ=YEARLY;BYMONTH=2;BYDAY=5MO', /positions must be 1 to 4/],
    ['FREQ=WEEKLY;INTERVAL=0', /INTERVAL must be a whole number from 1 to 1000/],
    ['FREQ=WEEKLY;INTERVAL=-1', /INTERVAL must be/],
    ['FREQ=WEEKLY;INTERVAL=1001', /INTERVAL must be/],
    ['FREQ=DAILY;COUNT=abc', /COUNT must be a whole number from 1 to 1000/],
    ['FREQ=DAILY;COUNT=1001', /COUNT must be/],
    ['FREQ=DAILY;COUNT=2;UNTIL=20270101', /cannot be combined/],
    ['FREQ=DAILY;UNTIL=20261340', /UNTIL must be a date/],
    ['FREQ=DAILY;UNTIL=99991231', /UNTIL must be in the years 1900 to 2999/],
    ['FREQ=WEEKLY;WKST=XX', /WKST must be a weekday code/],
    ['FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=13', /cannot be combined/],
    ['FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=1', /BYSETPOS needs plain weekdays/],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=5', /BYSETPOS must be one of 1 to 4/],
    // Rules rrule would scan day by day up to the year 9999 without finding a date.
    ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', /FREQ=DAILY takes INTERVAL and BYDAY only/],
    ['FREQ=DAILY;INTERVAL=7;BYDAY=TU', /not a multiple of 7/],
    ['FREQ=WEEKLY;BYMONTH=2', /FREQ=WEEKLY takes INTERVAL, BYDAY and WKST only/],
    ['FREQ=MONTHLY;BYMONTH=2', /use FREQ=YEARLY/],
    ['FREQ=MONTHLY;INTERVAL=24;BYMONTHDAY=31', /multiple of 12 must be written as FREQ=YEARLY/],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', /no day that exists every year/],
    ['FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31', /no day that exists every year/],
    ['FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29', /no day that exists every year/],
    ['FREQ=YEARLY;BYMONTH=2', /needs BYMONTHDAY or BYDAY/],
  ];
  for (const [rule, message] of refused) t.match(recurrenceProblem(normalizeRecurrence(rule)), message, rule);
});

const DAY = 86_400_000;
const series = (rule: string, start: string, minutes = 60, timeZone = 'Europe/Berlin'): Series => ({
  startsAt: new Date(start),
  endsAt: new Date(Date.parse(start) + minutes * 60_000),
  timeZone,
  allDay: false,
  rule,
});

t.test('a stored rule outside the subset counts as its first occurrence only', async (t) => {
  // Before the subset was enforced these expanded until the process ran out of memory.
  for (const rule of ['FREQ=SECONDLY', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', `FREQ=DAILY;${'X'.repeat(300_000)}`]) {
    const s = series(rule, '2026-01-05T09:00:00Z');
    t.equal(recursWithin(s, new Date('2026-01-05T00:00:00Z'), new Date('2026-01-06T00:00:00Z')), true, `${rule.slice(0, 40)}: first`);
    t.equal(recursWithin(s, new Date('2026-01-06T00:00:00Z'), new Date('2026-01-13T00:00:00Z')), false, `${rule.slice(0, 40)}: later`);
    t.same(firstOccurrences(s, 10), [s.startsAt]);
  }
});

t.test('a series that started long ago is found in a window centuries later', async (t) => {
  const daily = series('FREQ=DAILY', '1900-01-01T09:00:00Z', 30, 'UTC');
  t.equal(recursWithin(daily, new Date('2999-06-01T00:00:00Z'), new Date('2999-06-01T09:10:00Z')), true);
  t.equal(recursWithin(daily, new Date('2999-06-01T10:00:00Z'), new Date('2999-06-02T08:00:00Z')), false);
  const leapDay = series('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', '1904-02-29T12:00:00Z', 60, 'UTC');
  t.equal(recursWithin(leapDay, new Date('2996-02-01T00:00:00Z'), new Date('2996-03-01T00:00:00Z')), true);
  t.equal(recursWithin(leapDay, new Date('2997-02-01T00:00:00Z'), new Date('2997-03-01T00:00:00Z')), false);
  const capped = series('FREQ=DAILY;COUNT=1000', '2026-01-01T09:00:00Z', 30, 'UTC');
  t.equal(recursWithin(capped, new Date('2028-09-26T00:00:00Z'), new Date('2028-09-27T00:00:00Z')), true, 'the 1000th day');
  t.equal(recursWithin(capped, new Date('2028-09-27T00:00:00Z'), new Date('2028-09-28T00:00:00Z')), false, 'no 1001st');
});

// Starting the expansion from a later period must not change which occurrences exist.
const ruleArbitrary = fc.oneof(
  fc.record({ interval: fc.integer({ min: 1, max: 13 }), days: fc.subarray(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']), wkst: fc.constantFrom('MO', 'SU', 'WE') }).map(
    ({ interval, days, wkst }) => `FREQ=WEEKLY;INTERVAL=${interval};WKST=${wkst}${days.length ? `;BYDAY=${days.join(',')}` : ''}`,
  ),
  fc.integer({ min: 1, max: 40 }).map((interval) => `FREQ=DAILY;INTERVAL=${interval}`),
  fc.record({ interval: fc.integer({ min: 1, max: 11 }), day: fc.constantFrom('', ';BYMONTHDAY=31', ';BYMONTHDAY=-1,15', ';BYDAY=-1FR', ';BYDAY=5MO', ';BYDAY=MO,FR;BYSETPOS=2') }).map(
    ({ interval, day }) => `FREQ=MONTHLY;INTERVAL=${interval}${day}`,
  ),
  fc.record({ interval: fc.integer({ min: 1, max: 5 }), day: fc.constantFrom('', ';BYMONTH=2,8;BYMONTHDAY=29', ';BYMONTH=11;BYDAY=4TH', ';BYDAY=10MO', ';BYMONTHDAY=31') }).map(
    ({ interval, day }) => `FREQ=YEARLY;INTERVAL=${interval}${day}`,
  ),
);

t.test('expansion from the period before the window agrees with expanding from the first occurrence', async (t) => {
  fc.assert(
    fc.property(
      ruleArbitrary,
      fc.integer({ min: 0, max: 3 * 365 * 24 }),
      fc.integer({ min: 0, max: 4 * 365 }),
      fc.integer({ min: 1, max: 40 }),
      fc.constantFrom('Europe/Berlin', 'Asia/Tokyo', 'America/New_York', 'UTC'),
      (rule, startHour, windowDay, windowDays, zone) => {
        if (recurrenceProblem(rule) !== null) return;
        const s = series(rule, new Date(Date.UTC(2024, 0, 1) + startHour * 3_600_000).toISOString(), 90, zone);
        const from = new Date(s.startsAt.getTime() + windowDay * DAY);
        const to = new Date(from.getTime() + windowDays * DAY);
        const expected = firstOccurrences(s, 2000).some((o) => o < to && o.getTime() + 90 * 60_000 > from.getTime());
        t.equal(recursWithin(s, from, to), expected, `${rule} from ${s.startsAt.toISOString()} in ${zone}, window ${from.toISOString()}+${windowDays}d`);
      },
    ),
    { seed: 15, numRuns: 120 },
  );
});

t.test('cancelled or overridden starts are not occurrences when a window is checked', async (t) => {
  const daily: Series = { startsAt: new Date('2026-02-02T09:00:00Z'), endsAt: new Date('2026-02-02T10:00:00Z'), timeZone: 'UTC', allDay: false, rule: 'FREQ=DAILY;COUNT=3' };
  const day = (d: number) => Date.parse(`2026-02-0${d}T09:00:00Z`);
  const window = [new Date('2026-02-03T00:00:00Z'), new Date('2026-02-04T00:00:00Z')] as const;
  t.ok(recursWithin(daily, ...window));
  t.notOk(recursWithin({ ...daily, skip: new Set([day(3)]) }, ...window), 'the one occurrence in the window is skipped');
  t.ok(recursWithin({ ...daily, skip: new Set([day(3)]) }, window[0], undefined), 'a later one still counts without an end');
  t.notOk(recursWithin({ ...daily, skip: new Set([day(3), day(4)]) }, window[0], undefined), 'COUNT ends the series');
});

t.test('occurrenceStarts lists what firstOccurrences expands, in the form of start, and only those are occurrence starts', async (t) => {
  const entry = { start: '2026-01-31T23:30:00.000Z', end: '2026-02-01T00:30:00.000Z', timeZone: 'America/New_York', allDay: false, recurrence: 'FREQ=MONTHLY;BYDAY=-1SA' };
  const series: Series = { startsAt: new Date(entry.start), endsAt: new Date(entry.end), timeZone: entry.timeZone, allDay: false, rule: entry.recurrence };
  const expected = firstOccurrences(series, 14).map((d) => d.toISOString());
  const listed = occurrenceStarts(entry, new Date('2026-01-01T00:00:00Z'), new Date(Date.parse(expected[13]) + 1));
  t.same(listed, expected);
  for (const start of expected) t.ok(isOccurrenceStart(entry, start), start);
  t.notOk(isOccurrenceStart(entry, new Date(Date.parse(expected[3]) + 60_000).toISOString()));
  t.same(occurrenceStarts({ ...entry, recurrence: null }, new Date(0), new Date('2030-01-01T00:00:00Z')), [], 'not a series');
});
