import t from 'tap';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { storedEntry } from './entry-fixture.ts';
import { layoutDispatch, layoutTimeGrid, packSlots, type Block } from './grid-layout.ts';
import { scheduleWindow, weekWindow } from './week.ts';

const entry = storedEntry;

const at = (start: number, end: number) => ({ start, end, slot: -1, slots: -1 }) as Block;

t.test('overlapping blocks sit side by side; a cluster shares its column count', async (t) => {
  const [a, b, c, d, e] = [at(540, 600), at(550, 660), at(600, 630), at(700, 760), at(705, 710)];
  t.equal(packSlots([a, b, c, d, e], 30), 2);
  t.same([a.slot, b.slot, c.slot], [0, 1, 0], 'the third reuses the first column once it ended');
  t.same([a.slots, b.slots, c.slots], [2, 2, 2]);
  t.same([d.slot, e.slot, d.slots], [0, 1, 2], 'a later cluster counts on its own');
  const lone = at(800, 805);
  t.equal(packSlots([lone], 30), 1);
  t.same([lone.slot, lone.slots], [0, 1]);
  const short = [at(900, 905), at(910, 915)];
  packSlots(short, 30);
  t.same(short.map((s) => s.slot), [0, 1], 'a five-minute entry takes the room of thirty, so the next one does not hide under it');
});

t.test('timed blocks go on the viewer’s day and minute; one past midnight shows on both days', async (t) => {
  const week = weekWindow('2026-03-02', 'Asia/Tokyo');
  const layout = layoutTimeGrid(
    [
      entry({ id: 'late', start: '2026-03-03T20:00:00.000Z', end: '2026-03-03T21:30:00.000Z' }),
      entry({ id: 'night', start: '2026-03-04T13:00:00.000Z', end: '2026-03-04T16:00:00.000Z' }),
      entry({ id: 'offsite', allDay: true, start: '2026-03-04', end: '2026-03-06' }),
      entry({ id: 'standup', start: '2026-03-02T00:00:00.000Z', end: '2026-03-02T00:15:00.000Z', timeZone: 'Asia/Tokyo', recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' }),
      entry({ id: 'rich', start: '2026-01-05T00:00:00.000Z', end: '2026-01-05T01:00:00.000Z', recurrence: 'FREQ=MONTHLY;BYDAY=1MO' }),
    ],
    week,
  );
  const on = (day: string) => layout.byDay.get(day)!.map((b) => `${b.domId} ${b.start}-${b.end}`);
  t.same(
    on('2026-03-04'),
    ['schedule-entry-late 300-390', 'schedule-entry-standup-2026-03-04 540-555', 'schedule-entry-night 1320-1440'],
    'Tuesday 20:00 UTC is Wednesday 05:00 in Tokyo; 13:00 UTC is 22:00',
  );
  t.same(on('2026-03-05'), ['schedule-entry-night-2026-03-05 0-60', 'schedule-entry-standup-2026-03-05 540-555'], 'the rest of the night on the next day');
  const night = layout.byDay.get('2026-03-05')![0];
  t.same([night.startsBefore, night.endsAfter], [true, false]);
  t.same(layout.allDay.map((b) => `${b.domId} ${b.start}-${b.end}`), ['schedule-entry-offsite 2-4'], 'all-day: Wednesday and Thursday');
  t.same(layout.unplaced.map((e) => e.id), ['rich']);
  const ids = [...layout.byDomId.keys()];
  t.equal(new Set(ids).size, ids.length, 'ids are unique on the page');
});

t.test('a daylight-saving day places blocks by its clock', async (t) => {
  const day = scheduleWindow('2026-03-08', 1, 'America/New_York');
  // 10:00 EDT is 14:00 UTC; the day had only 23 hours before it.
  const layout = layoutTimeGrid([entry({ start: '2026-03-08T14:00:00.000Z', end: '2026-03-08T15:00:00.000Z' })], day);
  t.same(layout.byDay.get('2026-03-08')!.map((b) => [b.start, b.end]), [[600, 660]]);
});

t.test('cancelled occurrences are gone and a changed one shows in its place', async (t) => {
  const week = weekWindow('2026-03-02', 'UTC');
  const series = entry({ id: 's', title: 'Standup', start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:15:00.000Z', recurrence: 'FREQ=DAILY', excludedStarts: ['2026-03-03T09:00:00.000Z'] });
  const moved = entry({ id: 'o', title: 'Standup (late)', start: '2026-03-04T15:00:00.000Z', end: '2026-03-04T15:15:00.000Z', seriesEntryId: 's', originalStart: '2026-03-04T09:00:00.000Z' });
  const layout = layoutTimeGrid([series, moved], week);
  const shown = (day: string) => layout.byDay.get(day)!.map((b) => `${b.entry.id} ${b.occurrence.start}`);
  t.same(shown('2026-03-02'), ['s 2026-03-02T09:00:00.000Z']);
  t.same(shown('2026-03-03'), [], 'cancelled');
  t.same(shown('2026-03-04'), ['o 2026-03-04T15:00:00.000Z'], 'the change replaces the occurrence');
  const allDay = entry({ id: 'd', allDay: true, start: '2026-03-02', end: '2026-03-03', recurrence: 'FREQ=DAILY', excludedStarts: ['2026-03-04'] });
  t.same(layoutTimeGrid([allDay], week).allDay.map((b) => b.start), [0, 1, 3, 4, 5, 6], 'all-day series are cancelled by date');
});

t.test('dispatch: a row per technician in elapsed minutes, lanes for overlaps, the unassigned aside', async (t) => {
  const week = weekWindow('2026-03-02', 'UTC');
  const layout = layoutDispatch(
    [
      entry({ id: 'pair', start: '2026-03-03T09:00:00.000Z', end: '2026-03-03T10:00:00.000Z', assigneeIds: ['ada', 'tom'] }),
      entry({ id: 'clash', start: '2026-03-03T09:30:00.000Z', end: '2026-03-03T11:00:00.000Z', assigneeIds: ['ada'] }),
      entry({ id: 'nobody', start: '2026-03-05T09:00:00.000Z', end: '2026-03-05T10:00:00.000Z' }),
      entry({ id: 'away', start: '2026-03-05T09:00:00.000Z', end: '2026-03-05T10:00:00.000Z', assigneeIds: ['former'] }),
      entry({ id: 'trip', allDay: true, start: '2026-03-01', end: '2026-03-03', assigneeIds: ['tom'] }),
    ],
    week,
    ['ada', 'tom'],
  );
  const row = (id: string) => layout.rows.get(id)!.blocks.map((b) => `${b.domId} ${b.start}-${b.end} lane ${b.slot}`);
  t.same(row('ada'), ['schedule-entry-pair 1980-2040 lane 0', 'schedule-entry-clash 2010-2100 lane 1']);
  t.equal(layout.rows.get('ada')!.lanes, 2);
  t.same(row('tom'), ['schedule-entry-trip 0-1440 lane 0', 'schedule-entry-pair-2026-03-03-tom 1980-2040 lane 0'], 'the trip is cut at Monday');
  t.equal(layout.rows.get('tom')!.blocks[0].startsBefore, true);
  t.same(layout.unassigned.map((b) => b.domId), ['schedule-entry-nobody']);
  t.notOk([...layout.byDomId.keys()].some((id) => id.includes('away')), 'someone not on the board has no row');
  t.equal(layout.totalMinutes, 7 * 1440);
  t.same(layout.dayMarks.slice(0, 3), [0, 1440, 2880]);
});
