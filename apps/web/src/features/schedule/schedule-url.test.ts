import t from 'tap';
import { readScheduleUrl, scheduleQuery, stepped, windowOf } from './schedule-url.ts';

t.test('the address names the view, the day, the zone and the filters; defaults stay out', async (t) => {
  const url = readScheduleUrl(new URLSearchParams('view=dispatch&date=2026-03-04&period=week&tz=America/Chicago&tech=a,b&client=c'));
  t.match(url, { view: 'dispatch', date: '2026-03-04', period: 'week', zone: 'America/Chicago', timeZone: 'America/Chicago', technicianIds: ['a', 'b'], clientId: 'c' });
  t.equal(scheduleQuery(url, '2026-03-01'), 'view=dispatch&date=2026-03-04&period=week&tz=America%2FChicago&tech=a,b&client=c');
  const window = windowOf(url, url.timeZone);
  t.same([window.days[0], window.days.length, window.from], ['2026-03-02', 7, '2026-03-02T00:00:00-06:00'], 'a week from Monday, in the chosen zone');
  t.equal(scheduleQuery({ ...url, view: 'week', date: '2026-03-01', zone: null, technicianIds: [], clientId: null }, '2026-03-01'), '', 'this week in the browser’s zone');
});

t.test('older links and bad values fall back', async (t) => {
  const old = readScheduleUrl(new URLSearchParams('week=2026-03-05&tz=Mars/Olympus&view=month'));
  t.match(old, { view: 'week', date: '2026-03-05', zone: null, period: 'day' });
  t.equal(windowOf(old, 'UTC').days[0], '2026-03-02');
});

t.test('previous and next move by the period shown', async (t) => {
  const day = readScheduleUrl(new URLSearchParams('view=day&date=2026-03-04'));
  t.equal(stepped(day, 1).date, '2026-03-05');
  const week = readScheduleUrl(new URLSearchParams('date=2026-03-04'));
  t.equal(stepped(week, -1).date, '2026-02-25');
  t.equal(windowOf({ ...day, view: 'dispatch', period: 'day' }, 'UTC').days.length, 1, 'dispatch shows a day unless asked for a week');
});
