import t from 'tap';
import { signIn, startGraph, type GraphUser } from './graph-calendar-testing.js';

const ms = await startGraph(t);
const WINDOW = 'startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z';

/** Daily 10:00 UTC, 7–11 December. */
const daily = (subject: string) => ({
  subject,
  start: { dateTime: '2026-12-07T10:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-12-07T11:00:00', timeZone: 'UTC' },
  recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2026-12-07', numberOfOccurrences: 5 } },
});

async function instances(user: GraphUser, masterId: string) {
  const page = await user.call('GET', `/me/events/${encodeURIComponent(masterId)}/instances?${WINDOW}`, undefined, { prefer: 'odata.maxpagesize=50' });
  t.equal(page.status, 200);
  return page.body.value as Array<Record<string, any>>;
}

async function deltaRound(user: GraphUser, url: string) {
  const items: any[] = [];
  let next: string | undefined = url;
  let deltaLink = '';
  while (next) {
    const page = await user.call('GET', next);
    items.push(...page.body.value);
    next = page.body['@odata.nextLink'];
    deltaLink = page.body['@odata.deltaLink'] ?? deltaLink;
  }
  return { items, deltaLink };
}

t.test('instances lists the occurrences of a series with seriesMasterId and originalStart', async (t) => {
  const user = signIn(ms);
  const master = (await user.call('POST', '/me/events', daily('Patch window'))).body;
  const listed = await instances(user, master.id);
  t.equal(listed.length, 5);
  t.match(listed[1], { type: 'occurrence', seriesMasterId: master.id, originalStart: '2026-12-08T10:00:00Z', start: { dateTime: '2026-12-08T10:00:00.0000000' } });
  const missing = await user.call('GET', `/me/events/${encodeURIComponent(master.id)}/instances`);
  t.equal(missing.status, 400, 'the window is required');
});

t.test('PATCH of an occurrence makes an exception; DELETE of one removes it from instances, calendarView and delta', async (t) => {
  const user = signIn(ms);
  const master = (await user.call('POST', '/me/events', daily('Backups'))).body;
  const first = await deltaRound(user, `/me/calendarView/delta?${WINDOW}`);
  const [, second, third] = await instances(user, master.id);

  const edited = await user.call('PATCH', `/me/events/${encodeURIComponent(second.id)}`, { subject: 'Backups (late)', start: { dateTime: '2026-12-08T15:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-08T16:00:00', timeZone: 'UTC' } });
  t.equal(edited.status, 200);
  t.match(edited.body, { id: second.id, type: 'exception', seriesMasterId: master.id, originalStart: '2026-12-08T10:00:00Z', subject: 'Backups (late)', recurrence: null });
  t.equal((await user.call('DELETE', `/me/events/${encodeURIComponent(third.id)}`)).status, 204);
  t.equal((await user.call('GET', `/me/events/${encodeURIComponent(third.id)}`)).status, 404, 'a deleted occurrence is gone');
  const refused = await user.call('PATCH', `/me/events/${encodeURIComponent(second.id)}`, { recurrence: daily('x').recurrence });
  t.equal(refused.status, 400, 'one occurrence cannot recur');

  const now = await instances(user, master.id);
  t.same(now.map((i) => [i.type, i.originalStart, i.subject]), [
    ['occurrence', '2026-12-07T10:00:00Z', 'Backups'],
    ['exception', '2026-12-08T10:00:00Z', 'Backups (late)'],
    ['occurrence', '2026-12-10T10:00:00Z', 'Backups'],
    ['occurrence', '2026-12-11T10:00:00Z', 'Backups'],
  ]);
  const view = await user.call('GET', `/me/calendarView?${WINDOW}&$top=50`);
  t.notOk(view.body.value.some((e: { id: string }) => e.id === third.id));
  t.equal(view.body.value.find((e: { id: string }) => e.id === second.id).start.dateTime, '2026-12-08T15:00:00.0000000');

  const next = await deltaRound(user, first.deltaLink);
  t.same(next.items.map((i) => (i['@removed'] ? ['removed', i.id] : [i.type, i.id])), [['removed', third.id], ['exception', second.id]]);
  const master2 = (await user.call('GET', `/me/events/${encodeURIComponent(master.id)}`)).body;
  t.notOk('cancelledOccurrences' in master2, 'v1.0 has no list of cancelled occurrences on the master');
});

t.test('moving the series drops its exceptions, as Outlook does', async (t) => {
  const user = signIn(ms);
  const master = (await user.call('POST', '/me/events', daily('Rounds'))).body;
  const [first] = await instances(user, master.id);
  await user.call('DELETE', `/me/events/${encodeURIComponent(first.id)}`);
  t.equal((await instances(user, master.id)).length, 4);
  await user.call('PATCH', `/me/events/${encodeURIComponent(master.id)}`, { start: { dateTime: '2026-12-07T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-12-07T10:00:00', timeZone: 'UTC' } });
  t.equal((await instances(user, master.id)).length, 5);
  await user.call('PATCH', `/me/events/${encodeURIComponent(first.id)}`, { subject: 'Rounds (first)' });
  await user.call('PATCH', `/me/events/${encodeURIComponent(master.id)}`, { subject: 'Ward rounds' });
  t.equal((await instances(user, master.id))[0].subject, 'Rounds (first)', 'a change of subject keeps them');
});
