import t from 'tap';
import { instantOnGrid, moveTo, rangeOnGrid, replaceAssignee, resizeAllDay, resizeTo, shiftAllDay, shiftTimed, snap, snapStart } from './grid-moves.ts';
import { scheduleWindow } from './week.ts';

const visit = { start: '2026-03-06T14:00:00.000Z', end: '2026-03-06T15:30:00.000Z' };

t.test('drags snap to 15 minutes and keep the duration', async (t) => {
  t.same([snap(7), snap(8), snap(52), snap(-8)], [0, 15, 45, -15]);
  t.same(moveTo(visit, Date.parse('2026-03-07T09:15:00.000Z')), { start: '2026-03-07T09:15:00.000Z', end: '2026-03-07T10:45:00.000Z' });
  t.same(resizeTo(visit, Date.parse('2026-03-06T16:00:00.000Z')), { start: visit.start, end: '2026-03-06T16:00:00.000Z' });
  t.same(resizeTo(visit, Date.parse('2026-03-06T13:00:00.000Z')).end, '2026-03-06T14:15:00.000Z', 'never shorter than one step');
});

t.test('grid positions read the day’s clock, across daylight saving', async (t) => {
  const week = scheduleWindow('2026-03-02', 7, 'America/New_York');
  t.equal(new Date(instantOnGrid(week, 0, 9 * 60)).toISOString(), '2026-03-02T14:00:00.000Z', '09:00 EST');
  t.equal(new Date(instantOnGrid(week, 6, 9 * 60)).toISOString(), '2026-03-08T13:00:00.000Z', '09:00 EDT');
  t.equal(instantOnGrid(week, 6, 1440), week.toMs, 'the end of the last day');
});

t.test('a day later keeps the clock time; minutes are elapsed time', async (t) => {
  // Friday 09:00 in New York (EST) to Sunday 09:00 (EDT).
  t.same(shiftTimed(visit, { days: 2 }, 'America/New_York'), { start: '2026-03-08T13:00:00.000Z', end: '2026-03-08T14:30:00.000Z' });
  t.same(shiftTimed(visit, { minutes: -15 }, 'America/New_York'), { start: '2026-03-06T13:45:00.000Z', end: '2026-03-06T15:15:00.000Z' });
});

t.test('all-day entries move and stretch by days, at least one day long', async (t) => {
  const trip = { start: '2026-03-02', end: '2026-03-04' };
  t.same(shiftAllDay(trip, 3), { start: '2026-03-05', end: '2026-03-07' });
  t.same(resizeAllDay(trip, 1), { start: '2026-03-02', end: '2026-03-05' });
  t.same(resizeAllDay(trip, -5), { start: '2026-03-02', end: '2026-03-03' });
});

t.test('moving to another technician replaces the one it was dragged from', async (t) => {
  t.same(replaceAssignee(['ada', 'tom'], 'ada', 'sam'), ['sam', 'tom']);
  t.same(replaceAssignee(['ada', 'tom'], 'ada', 'tom'), ['tom'], 'onto someone already on it: one fewer');
  t.same(replaceAssignee([], null, 'sam'), ['sam'], 'from the unassigned list');
  t.same(replaceAssignee(['ada'], 'ada', 'ada'), ['ada']);
});

t.test('a drag on empty time covers whole steps; a dragged start lands on a step', async (t) => {
  t.same(rangeOnGrid(545, 610), [540, 615]);
  t.same(rangeOnGrid(610, 545), [540, 615], 'dragged upwards');
  t.same(rangeOnGrid(600, 600), [600, 615], 'never empty');
  t.same(snapStart({ start: '2026-03-06T14:07:00.000Z', end: '2026-03-06T15:07:00.000Z' }, 'America/New_York'), {
    start: '2026-03-06T14:00:00.000Z',
    end: '2026-03-06T15:00:00.000Z',
  });
  t.same(snapStart({ start: '2026-03-06T14:05:00.000Z', end: '2026-03-06T14:35:00.000Z' }, 'Asia/Kolkata').start, '2026-03-06T14:00:00.000Z', '19:35 in India (a half-hour offset) rounds to 19:30');
});
