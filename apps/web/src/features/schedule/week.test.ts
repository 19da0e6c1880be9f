import t from 'tap';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { firstOccurrences, layoutWeek, weekFromParam, weekWindow } from './week.ts';

const entry = (over: Partial<ScheduleEntry>): ScheduleEntry => ({
  id: 'e1',
  title: 'Visit',
  notes: null,
  start: '2026-03-03T15:00:00.000Z',
  end: '2026-03-03T16:00:00.000Z',
  timeZone: 'America/Chicago',
  allDay: false,
  recurrence: null,
  seriesEntryId: null,
  originalStart: null,
  excludedStarts: [],
  workItemType: 'ad_hoc',
  workItemId: null,
  assigneeIds: [],
  version: 1,
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  ...over,
});

t.test('the week runs Monday to Sunday in the viewer’s zone, whatever day ?week= names', async (t) => {
  t.equal(weekFromParam('2026-03-05', '2026-01-01'), '2026-03-02');
  t.equal(weekFromParam('nonsense', '2026-03-08'), '2026-03-02');
  t.equal(weekFromParam(null, '2026-03-09'), '2026-03-09');
  const week = weekWindow('2026-03-02', 'America/New_York');
  t.same([week.from, week.to], ['2026-03-02T00:00:00-05:00', '2026-03-09T00:00:00-04:00'], 'the week crosses the DST change');
  t.equal(week.days.length, 7);
});

t.test('cards go on the viewer’s local day, with ids unique on the page', async (t) => {
  const week = weekWindow('2026-03-02', 'Asia/Tokyo');
  const layout = layoutWeek(
    [
      entry({ id: 'late', start: '2026-03-03T20:00:00.000Z', end: '2026-03-03T21:00:00.000Z' }),
      entry({ id: 'offsite', allDay: true, start: '2026-03-04', end: '2026-03-06' }),
      entry({ id: 'standup', start: '2026-03-02T00:00:00.000Z', end: '2026-03-02T00:15:00.000Z', timeZone: 'Asia/Tokyo', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' }),
      entry({ id: 'rich', start: '2026-01-05T00:00:00.000Z', end: '2026-01-05T01:00:00.000Z', recurrence: 'FREQ=MONTHLY;BYDAY=1MO' }),
    ],
    week,
    'Asia/Tokyo',
  );
  const ids = (day: string) => layout.byDay.get(day)!.map((p) => p.domId);
  t.same(ids('2026-03-04'), ['schedule-entry-offsite', 'schedule-entry-late', 'schedule-entry-standup-2026-03-04'], 'Tuesday 20:00 UTC is Wednesday in Tokyo');
  t.same(ids('2026-03-05'), ['schedule-entry-offsite-2026-03-05', 'schedule-entry-standup-2026-03-05']);
  t.same(ids('2026-03-02'), ['schedule-entry-standup']);
  t.same(layout.unplaced.map((e) => e.id), ['rich']);
  const all = [...layout.byDay.values()].flat().map((p) => p.domId);
  t.equal(new Set(all).size, all.length);
});

t.test('a cancelled occurrence is gone and a changed one shows in its place', async (t) => {
  const week = weekWindow('2026-03-02', 'UTC');
  const series = entry({ id: 's', title: 'Standup', start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:15:00.000Z', timeZone: 'UTC', recurrence: 'FREQ=DAILY' });
  const cancelled = { ...series, excludedStarts: ['2026-03-03T09:00:00.000Z'] };
  const moved = entry({ id: 'o', title: 'Standup (late)', start: '2026-03-04T15:00:00.000Z', end: '2026-03-04T15:15:00.000Z', timeZone: 'UTC', seriesEntryId: 's', originalStart: '2026-03-04T09:00:00.000Z' });
  const layout = layoutWeek([cancelled, moved], week, 'UTC');
  const shown = (day: string) => layout.byDay.get(day)!.map((p) => `${p.entry.id} ${p.occurrence.start}`);
  t.same(shown('2026-03-02'), ['s 2026-03-02T09:00:00.000Z']);
  t.same(shown('2026-03-03'), [], 'cancelled');
  t.same(shown('2026-03-04'), ['o 2026-03-04T15:00:00.000Z'], 'the change replaces the occurrence');
  t.same(shown('2026-03-05'), ['s 2026-03-05T09:00:00.000Z']);

  // Moved to another week: listed here only so that its occurrence is skipped.
  const away = { ...moved, start: '2026-03-10T15:00:00.000Z', end: '2026-03-10T15:15:00.000Z' };
  const elsewhere = layoutWeek([series, away], week, 'UTC');
  t.same(elsewhere.byDay.get('2026-03-04')!.map((p) => p.entry.id), [], 'the moved occurrence leaves its day empty');
  t.same(firstOccurrences([series, away], week, 'UTC').map((r) => r.entry.id), ['s'], 'and no list row');

  const allDay = entry({ id: 'd', allDay: true, start: '2026-03-02', end: '2026-03-03', timeZone: 'UTC', recurrence: 'FREQ=DAILY', excludedStarts: ['2026-03-04'] });
  t.same(layoutWeek([allDay], week, 'UTC').byDay.get('2026-03-04'), [], 'all-day series are cancelled by date');
  t.equal(layoutWeek([allDay], week, 'UTC').byDay.get('2026-03-05')!.length, 1);
});
