import t from 'tap';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { storedEntry } from './entry-fixture.ts';
import { describeRule, occurrencesWithin, presetOf, ruleForPreset } from './recurrence.ts';

const entry = (over: Partial<ScheduleEntry>): ScheduleEntry => storedEntry({ title: 'Patch night', start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T09:00:00.000Z', timeZone: 'Europe/Berlin', ...over });
const ms = (iso: string) => Date.parse(iso);
const starts = (e: ScheduleEntry, from: string, to: string) => occurrencesWithin(e, ms(from), ms(to))?.map((o) => o.start) ?? null;

t.test('presets become RRULEs and stored rules map back to presets', async (t) => {
  t.equal(ruleForPreset('none', '2026-03-04'), null);
  t.equal(ruleForPreset('weekly', '2026-03-04'), 'FREQ=WEEKLY;BYDAY=WE');
  t.equal(ruleForPreset('weekdays', '2026-03-04'), 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
  t.equal(presetOf('FREQ=WEEKLY;BYDAY=WE', '2026-03-04'), 'weekly');
  t.equal(presetOf('FREQ=WEEKLY;BYDAY=TU', '2026-03-04'), 'custom', 'another weekday is not "this weekday"');
  t.equal(presetOf('FREQ=WEEKLY;BYDAY=FR,MO,TU,WE,TH', '2026-03-04'), 'weekdays');
  t.equal(presetOf('FREQ=DAILY;INTERVAL=1', '2026-03-04'), 'daily');
  t.equal(presetOf('FREQ=DAILY;COUNT=3', '2026-03-04'), 'custom');
  t.equal(presetOf('FREQ=MONTHLY', '2026-03-04'), 'monthly');
  t.equal(presetOf(null, '2026-03-04'), 'none');
});

t.test('a weekly series repeats on the local weekday at the same wall time across daylight saving', async (t) => {
  // Mondays 09:00 Berlin from 2 March 2026 (UTC+1); from 30 March Berlin is UTC+2.
  const e = entry({ recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
  t.same(starts(e, '2026-03-30T00:00:00+02:00', '2026-04-06T00:00:00+02:00'), ['2026-03-30T07:00:00.000Z']);
  t.same(starts(e, '2026-03-02T00:00:00+01:00', '2026-03-09T00:00:00+01:00'), ['2026-03-02T08:00:00.000Z']);
  t.same(starts(e, '2026-02-23T00:00:00+01:00', '2026-03-02T00:00:00+01:00'), [], 'nothing before the series starts');
});

t.test('weekday, interval, count and until rules', async (t) => {
  const week = ['2026-03-09T00:00:00+01:00', '2026-03-16T00:00:00+01:00'] as const;
  t.equal(starts(entry({ recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' }), ...week)?.length, 5);
  t.equal(starts(entry({ recurrence: 'FREQ=DAILY' }), ...week)?.length, 7);
  t.same(starts(entry({ recurrence: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' }), ...week), [], 'every other week skips this one');
  t.equal(starts(entry({ recurrence: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO' }), '2026-03-16T00:00:00+01:00', '2026-03-23T00:00:00+01:00')?.length, 1);
  t.equal(starts(entry({ recurrence: 'FREQ=DAILY;COUNT=10' }), ...week)?.length, 3, 'occurrences 8, 9 and 10');
  t.equal(starts(entry({ recurrence: 'FREQ=DAILY;UNTIL=20260311T235959Z' }), ...week)?.length, 3);
  t.equal(starts(entry({ recurrence: 'FREQ=MONTHLY;BYDAY=1MO' }), ...week), null, 'too rich to expand here');
});

t.test('a monthly series skips months without its day; all-day series repeat on dates', async (t) => {
  const monthly = entry({ start: '2026-01-31T08:00:00.000Z', end: '2026-01-31T09:00:00.000Z', recurrence: 'FREQ=MONTHLY' });
  t.same(starts(monthly, '2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z'), ['2026-03-31T07:00:00.000Z']);
  const allDay = entry({ allDay: true, start: '2026-03-02', end: '2026-03-04', timeZone: 'UTC', recurrence: 'FREQ=WEEKLY' });
  t.same(occurrencesWithin(allDay, ms('2026-03-10T00:00:00-05:00'), ms('2026-03-17T00:00:00-05:00')), [{ start: '2026-03-09', end: '2026-03-11' }, { start: '2026-03-16', end: '2026-03-18' }]);
});

t.test('rules read as sentences', async (t) => {
  t.equal(describeRule('FREQ=WEEKLY;BYDAY=MO'), 'Weekly on Monday');
  t.equal(describeRule('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'), 'Every weekday');
  t.equal(describeRule('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6'), 'Every 2 weeks on Mon, Wed, 6 times');
  t.equal(describeRule('FREQ=YEARLY'), 'FREQ=YEARLY');
});
