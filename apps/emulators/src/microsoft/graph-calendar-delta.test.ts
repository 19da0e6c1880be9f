import t from 'tap';
import { signIn, startGraph, type GraphUser } from './graph-calendar-testing.js';

const ms = await startGraph(t);

const WINDOW = 'startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-30T00:00:00Z';
const at = (day: string, subject: string) => ({
  subject,
  start: { dateTime: `2026-12-${day}T10:00:00`, timeZone: 'UTC' },
  end: { dateTime: `2026-12-${day}T11:00:00`, timeZone: 'UTC' },
});

/** Follow nextLinks to the end of a round; answers every page. */
async function round(user: GraphUser, first: string, pageSize = 2) {
  const pages: any[] = [];
  let url: string | undefined = first;
  while (url) {
    const page = await user.call('GET', url, undefined, { prefer: `odata.maxpagesize=${pageSize}` });
    if (page.status !== 200) throw new Error(`delta page answered ${page.status}`);
    pages.push(page.body);
    url = page.body['@odata.nextLink'];
  }
  return { pages, items: pages.flatMap((p) => p.value), deltaLink: pages.at(-1)['@odata.deltaLink'] as string };
}

t.test('the first round pages with nextLink/$skiptoken and ends with deltaLink/$deltatoken', async (t) => {
  const user = signIn(ms);
  for (const [day, subject] of [['09', 'Plan shopping list'], ['10', 'Pick up car'], ['11', 'Get food'], ['12', 'Prepare food'], ['13', 'Rest!']]) {
    await user.call('POST', '/me/events', at(day, subject));
  }
  await user.call('POST', '/me/events', { ...at('01', 'outside'), start: { dateTime: '2027-01-05T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-01-05T11:00:00', timeZone: 'UTC' } });

  const first = await user.call('GET', `/me/calendarView/delta?${WINDOW}`, undefined, { prefer: 'odata.maxpagesize=2' });
  t.equal(first.status, 200);
  t.equal(first.body.value.length, 2);
  t.match(first.body['@odata.nextLink'], /\/v1\.0\/me\/calendarView\/delta\?\$skiptoken=/);
  t.notOk(first.body['@odata.deltaLink']);
  t.equal(first.headers.get('preference-applied'), 'odata.maxpagesize=2');
  t.equal(first.body.value[0]['@odata.type'], '#microsoft.graph.event');

  const all = await round(user, `/me/calendarView/delta?${WINDOW}`);
  t.equal(all.pages.length, 3, '5 events at 2 per page');
  t.same(all.items.map((e) => e.subject), ['Plan shopping list', 'Pick up car', 'Get food', 'Prepare food', 'Rest!'], 'the event outside the window is left out');
  t.match(all.deltaLink, /\$deltatoken=/);
  t.notOk(all.pages.at(-1)['@odata.nextLink']);
});

t.test('the next round returns only created, updated and @removed events', async (t) => {
  const user = signIn(ms);
  const keep = (await user.call('POST', '/me/events', at('02', 'keep'))).body;
  const change = (await user.call('POST', '/me/events', at('03', 'change'))).body;
  const remove = (await user.call('POST', '/me/events', at('04', 'remove'))).body;
  const moveOut = (await user.call('POST', '/me/events', at('05', 'move out'))).body;
  const first = await round(user, `/me/calendarView/delta?${WINDOW}`);
  t.equal(first.items.length, 4);

  const nothing = await round(user, first.deltaLink);
  t.same(nothing.items, [], 'no change, no items');

  await user.call('PATCH', `/me/events/${change.id}`, { subject: 'changed' });
  await user.call('DELETE', `/me/events/${remove.id}`);
  await user.call('PATCH', `/me/events/${moveOut.id}`, { start: { dateTime: '2027-02-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-02-01T11:00:00', timeZone: 'UTC' } });
  const added = (await user.call('POST', '/me/events', at('20', 'added'))).body;
  await user.call('POST', '/me/events', { ...at('01', 'added outside'), start: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-03-01T11:00:00', timeZone: 'UTC' } });

  const next = await round(user, first.deltaLink, 10);
  const byId = new Map(next.items.map((e) => [e.id, e]));
  t.equal(next.items.length, 4);
  t.equal(byId.get(change.id).subject, 'changed');
  t.equal(byId.get(added.id).subject, 'added');
  t.same(byId.get(remove.id), { '@odata.type': '#microsoft.graph.event', id: remove.id, '@removed': { reason: 'deleted' } });
  t.same(byId.get(moveOut.id)['@removed'], { reason: 'deleted' }, 'moved out of the window counts as removed');
  t.notOk(byId.has(keep.id));

  const replay = await round(user, first.deltaLink, 10);
  t.equal(replay.items.length, 4, 'a delta link can be replayed');
  t.same((await round(user, next.deltaLink)).items, []);
});

t.test('recurring series appear as occurrences with seriesMasterId inside the window', async (t) => {
  const user = signIn(ms);
  const series = (await user.call('POST', '/me/events', {
    subject: 'Standup',
    start: { dateTime: '2026-11-30T09:00:00', timeZone: 'UTC' },
    end: { dateTime: '2026-11-30T09:15:00', timeZone: 'UTC' },
    recurrence: { pattern: { type: 'daily', interval: 7 }, range: { type: 'numbered', startDate: '2026-11-30', numberOfOccurrences: 4 } },
  })).body;
  const first = await round(user, `/me/calendarView/delta?${WINDOW}`, 10);
  t.same(first.items.map((e) => e.start.dateTime), ['2026-12-07T09:00:00.0000000', '2026-12-14T09:00:00.0000000', '2026-12-21T09:00:00.0000000']);
  t.ok(first.items.every((e) => e.type === 'occurrence' && e.seriesMasterId === series.id));
  await user.call('DELETE', `/me/events/${series.id}`);
  const next = await round(user, first.deltaLink, 10);
  t.same(next.items.map((e) => e['@removed']), [{ reason: 'deleted' }, { reason: 'deleted' }, { reason: 'deleted' }]);
});

t.test('expired delta and skip tokens answer 410 syncStateNotFound with a restart Location', async (t) => {
  const user = signIn(ms);
  for (const day of ['10', '11', '12']) await user.call('POST', '/me/events', at(day, `e${day}`));
  const first = await user.call('GET', `/me/calendarView/delta?${WINDOW}`, undefined, { prefer: 'odata.maxpagesize=2' });
  const done = await round(user, `/me/calendarView/delta?${WINDOW}`);
  const expire = await fetch(`${ms.url}/_emulator/graph/expire-delta-tokens`, { method: 'POST' });
  t.equal(expire.status, 200);

  const gone = await user.call('GET', done.deltaLink);
  t.equal(gone.status, 410);
  t.equal(gone.body.error.code, 'syncStateNotFound');
  t.match(gone.headers.get('location'), /\/me\/calendarView\/delta\?startDateTime=2026-12-01T00:00:00\.000Z&endDateTime=2026-12-30/);
  t.equal((await user.call('GET', first.body['@odata.nextLink'])).status, 410, 'skip tokens expire too');
  t.equal((await user.call('GET', '/me/calendarView/delta?$deltatoken=made-up')).status, 410);

  const restart = await round(user, gone.headers.get('location') as string);
  t.equal(restart.items.length, 3, 'the Location starts a full round again');
  const other = signIn(ms);
  t.equal((await other.call('GET', restart.deltaLink)).status, 410, 'a token is only valid for its mailbox');
});

t.test('delta needs a window and refuses unsupported query options', async (t) => {
  const user = signIn(ms);
  t.equal((await user.call('GET', '/me/calendarView/delta')).status, 400);
  const select = await user.call('GET', `/me/calendarView/delta?${WINDOW}&$select=subject`);
  t.equal(select.status, 400);
});
