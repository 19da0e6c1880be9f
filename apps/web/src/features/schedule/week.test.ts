import t from 'tap';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { storedEntry } from './entry-fixture.ts';
import { dateFromParam, firstOccurrences, mondayOf, scheduleWindow, weekWindow } from './week.ts';

const entry = (over: Partial<ScheduleEntry>): ScheduleEntry => storedEntry({ timeZone: 'America/Chicago', ...over });

t.test('the week runs Monday to Sunday in the viewer’s zone, whatever day the address names', async (t) => {
  t.equal(mondayOf(dateFromParam('2026-03-05', '2026-01-01')), '2026-03-02');
  t.equal(mondayOf(dateFromParam('nonsense', '2026-03-08')), '2026-03-02');
  t.equal(mondayOf(dateFromParam(null, '2026-03-09')), '2026-03-09');
  const week = weekWindow('2026-03-02', 'America/New_York');
  t.same([week.from, week.to], ['2026-03-02T00:00:00-05:00', '2026-03-09T00:00:00-04:00'], 'the week crosses the DST change');
  t.equal(week.days.length, 7);
  t.equal(week.midnights.length, 8);
  const day = scheduleWindow('2026-03-08', 1, 'America/New_York');
  t.equal((day.toMs - day.fromMs) / 3_600_000, 23, 'the spring-forward day is 23 hours long');
  t.equal(dateFromParam('2026-02-30', '2026-03-09'), '2026-03-09', 'an impossible date falls back to today');
});

t.test('the list skips an occurrence that was changed and moved to another week', async (t) => {
  const week = weekWindow('2026-03-02', 'UTC');
  const series = entry({ id: 's', title: 'Standup', start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:15:00.000Z', timeZone: 'UTC', recurrence: 'FREQ=DAILY;COUNT=3' });
  const away = entry({ id: 'o', seriesEntryId: 's', originalStart: '2026-03-02T09:00:00.000Z', start: '2026-03-10T15:00:00.000Z', end: '2026-03-10T15:15:00.000Z', timeZone: 'UTC' });
  const rows = firstOccurrences([series, away], week);
  t.same(rows.map((r) => `${r.entry.id} ${r.occurrence?.start}`), ['s 2026-03-03T09:00:00.000Z'], 'the series from its next occurrence, no row for the moved one');
});
