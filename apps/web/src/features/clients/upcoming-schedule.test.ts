import t from 'tap';
import type { ScheduleEntry } from '../schedule/api/schedule-entry.ts';
import { storedEntry } from '../schedule/entry-fixture.ts';
import { scheduleLink, upcomingOccurrences } from './upcoming-schedule.ts';

const entry = (over: Partial<ScheduleEntry>): ScheduleEntry => storedEntry({ timeZone: 'America/Chicago', clientId: 'c1', ...over });

const now = Date.parse('2026-03-03T15:30:00.000Z');
const to = Date.parse('2026-03-12T00:00:00.000Z');
const listed = (entries: ScheduleEntry[], timeZone = 'UTC') => upcomingOccurrences(entries, now, to, timeZone).map((u) => `${u.entry.id} ${u.occurrence.start} ${u.day}`);

t.test('occurrences that have not ended, soonest first, with the day they open on', async (t) => {
  const entries = [
    entry({ id: 'later', start: '2026-03-05T01:00:00.000Z', end: '2026-03-05T02:00:00.000Z' }),
    entry({ id: 'ending', start: '2026-03-03T15:00:00.000Z', end: '2026-03-03T16:00:00.000Z' }),
    entry({ id: 'over', start: '2026-03-03T14:00:00.000Z', end: '2026-03-03T15:00:00.000Z' }),
    entry({ id: 'offsite', allDay: true, start: '2026-03-04', end: '2026-03-06' }),
  ];
  t.same(listed(entries), ['ending 2026-03-03T15:00:00.000Z 2026-03-03', 'offsite 2026-03-04 2026-03-04', 'later 2026-03-05T01:00:00.000Z 2026-03-05']);
  t.same(listed([entries[0]!], 'America/Chicago'), ['later 2026-03-05T01:00:00.000Z 2026-03-04'], 'the day is the viewer’s');
});

t.test('a series lists each upcoming occurrence, without cancelled and replaced ones', async (t) => {
  const series = entry({
    id: 's',
    start: '2026-03-02T09:00:00.000Z',
    end: '2026-03-02T10:00:00.000Z',
    timeZone: 'UTC',
    recurrence: 'FREQ=DAILY',
    excludedStarts: ['2026-03-05T09:00:00.000Z'],
  });
  const moved = entry({ id: 'o', seriesEntryId: 's', originalStart: '2026-03-06T09:00:00.000Z', start: '2026-03-06T13:00:00.000Z', end: '2026-03-06T14:00:00.000Z' });
  const days = upcomingOccurrences([series, moved], now, Date.parse('2026-03-08T00:00:00.000Z'), 'UTC').map((u) => `${u.entry.id} ${u.occurrence.start}`);
  t.same(days, ['s 2026-03-04T09:00:00.000Z', 'o 2026-03-06T13:00:00.000Z', 's 2026-03-07T09:00:00.000Z']);
});

t.test('the link opens the week view on the day', async (t) => {
  t.equal(scheduleLink('2026-03-04'), '/schedule?view=week&date=2026-03-04');
});
