import t from 'tap';
import { buildTestApp, seedTenant, signIn, type Session } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'sched-a');
const tenantB = await seedTenant(db, 'sched-b');
const admin = await signIn(app, tenantA.admin.email);
const adminB = await signIn(app, tenantB.admin.email);

const timed = { title: 'Site visit', start: '2026-02-03T10:00:00Z', end: '2026-02-03T11:00:00Z', timeZone: 'UTC' };
const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();
const create = async (s: Session, body: Record<string, unknown>) => {
  const res = await s.request('POST', '/api/schedule-entries', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
};
const titles = (res: { json(): { items: { title: string }[] } }) => res.json().items.map((e) => e.title);

t.test('creates a timed entry in a time zone, with recurrence and assignees', async (t) => {
  const res = await admin.request('POST', '/api/schedule-entries', {
    title: ' Weekly patching ',
    notes: 'Bring the USB stick',
    start: '2026-02-02T09:00:00+01:00',
    end: '2026-02-02T10:30:00+01:00',
    timeZone: 'Europe/Berlin',
    recurrence: 'rrule:freq=weekly;byday=mo',
    assigneeIds: [tenantA.technician.id, tenantA.admin.id, tenantA.technician.id],
  });
  t.equal(res.statusCode, 201);
  const entry = res.json();
  t.match(entry, {
    title: 'Weekly patching',
    notes: 'Bring the USB stick',
    start: '2026-02-02T08:00:00.000Z',
    end: '2026-02-02T09:30:00.000Z',
    timeZone: 'Europe/Berlin',
    allDay: false,
    recurrence: 'FREQ=WEEKLY;BYDAY=MO',
    workItemType: 'ad_hoc',
    workItemId: null,
    version: 1,
  });
  t.same(entry.assigneeIds, [tenantA.technician.id, tenantA.admin.id].sort());
  t.same((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).json(), entry);
  const row = await db.selectFrom('schedule_entries').select(['recurrence', 'created_by']).where('id', '=', entry.id).executeTakeFirstOrThrow();
  t.same(row, { recurrence: 'FREQ=WEEKLY;BYDAY=MO', created_by: tenantA.admin.id }, 'stored without the RRULE: prefix');
});

t.test('an all-day entry takes dates and answers dates, with an exclusive end', async (t) => {
  const entry = await create(admin, { title: 'Offsite', start: '2026-03-10', end: '2026-03-12', allDay: true, timeZone: 'America/New_York', workItemType: 'project_task', workItemId: 'PRJ-7' });
  t.match(entry, { start: '2026-03-10', end: '2026-03-12', allDay: true, timeZone: 'America/New_York', workItemType: 'project_task', workItemId: 'PRJ-7' });
  const oneDay = await admin.request('POST', '/api/schedule-entries', { title: 'Zero days', start: '2026-03-10', end: '2026-03-10', allDay: true, timeZone: 'UTC' });
  t.equal(oneDay.statusCode, 400);
  t.same(oneDay.json().fields, [{ field: 'end', message: 'must be after start (the end date is exclusive)' }]);
});

t.test('rejects bad bodies, params and queries with 400 naming the field', async (t) => {
  const stranger = '00000000-0000-4000-8000-000000000000';
  const cases: [string, string, unknown, string[]][] = [
    ['POST', '/api/schedule-entries', { ...timed, title: ' ' }, ['title']],
    ['POST', '/api/schedule-entries', { ...timed, end: '2026-02-03T09:00:00Z' }, ['end']],
    ['POST', '/api/schedule-entries', { ...timed, end: timed.start }, ['end']],
    ['POST', '/api/schedule-entries', { ...timed, allDay: true }, ['end', 'start']],
    ['POST', '/api/schedule-entries', { ...timed, start: '2026-02-03', end: '2026-02-04' }, ['end', 'start']],
    ['POST', '/api/schedule-entries', { ...timed, start: '2026-02-03T10:00:00' }, ['start']],
    ['POST', '/api/schedule-entries', { ...timed, start: 'tomorrow' }, ['start']],
    ['POST', '/api/schedule-entries', { ...timed, timeZone: 'Mars/Olympus_Mons' }, ['timeZone']],
    ['POST', '/api/schedule-entries', { ...timed, timeZone: undefined }, ['timeZone']],
    ['POST', '/api/schedule-entries', { ...timed, recurrence: 'every monday' }, ['recurrence']],
    ['POST', '/api/schedule-entries', { ...timed, recurrence: 'FREQ=SOMETIMES' }, ['recurrence']],
    ['POST', '/api/schedule-entries', { ...timed, recurrence: 'BYDAY=MO' }, ['recurrence']],
    ['POST', '/api/schedule-entries', { ...timed, recurrence: 'FREQ=WEEKLY;BYDAY=XX' }, ['recurrence']],
    ['POST', '/api/schedule-entries', { ...timed, recurrence: 'FREQ=WEEKLY;INTERVAL=-1' }, ['recurrence']],
    ['POST', '/api/schedule-entries', { ...timed, recurrence: 'FREQ=WEEKLY;INTERVAL=0' }, ['recurrence']],
    ['POST', '/api/schedule-entries', { ...timed, recurrence: 'FREQ=DAILY;COUNT=abc' }, ['recurrence']],
    ['POST', '/api/schedule-entries', { ...timed, workItemType: 'meeting' }, ['workItemType']],
    ['POST', '/api/schedule-entries', { ...timed, assigneeIds: ['bob'] }, ['assigneeIds.0']],
    ['POST', '/api/schedule-entries', { ...timed, assigneeIds: [stranger] }, ['assigneeIds']],
    ['POST', '/api/schedule-entries', { ...timed, assigneeIds: [tenantA.clientUser.id] }, ['assigneeIds']],
    ['GET', '/api/schedule-entries/xyz', undefined, ['params.id']],
    ['PATCH', '/api/schedule-entries/xyz', { title: 'x' }, ['params.id']],
    ['DELETE', '/api/schedule-entries/xyz', undefined, ['params.id']],
    ['GET', '/api/schedule-entries?from=2026-02-01', undefined, ['querystring.from']],
    ['GET', '/api/schedule-entries?from=2026-02-02T00:00:00Z&to=2026-02-01T00:00:00Z', undefined, ['querystring.to']],
    ['GET', '/api/schedule-entries?assigneeId=me', undefined, ['querystring.assigneeId']],
  ];
  for (const [method, url, body, fields] of cases) {
    const res = await admin.request(method, url, body);
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}`);
    t.same(fieldsOf(res.json()), fields, `${JSON.stringify(body)} names ${fields}`);
    t.match(res.json().message, new RegExp(`${fields[0]}: `));
  }
  const count = await db.selectFrom('schedule_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('title', '=', 'Site visit').executeTakeFirstOrThrow();
  t.equal(Number(count.n), 0, 'no rejected entry was stored');
  const invalidJson = await admin.request('POST', '/api/schedule-entries', '{"title": "x",', { 'content-type': 'application/json' });
  t.equal(invalidJson.statusCode, 400);
  t.equal(invalidJson.json().message, 'The request body is not valid JSON.');
});

t.test('lists by window: series that recur into it and single entries that overlap it', async (t) => {
  const other = await seedTenant(db, 'sched-list');
  const s = await signIn(app, other.admin.email);
  await create(s, { title: 'Standup', start: '2026-01-05T09:00:00Z', end: '2026-01-05T09:30:00Z', timeZone: 'UTC', recurrence: 'FREQ=WEEKLY;BYDAY=MO', assigneeIds: [other.technician.id] });
  await create(s, { title: 'Ended series', start: '2026-01-01T09:00:00Z', end: '2026-01-01T10:00:00Z', timeZone: 'UTC', recurrence: 'FREQ=DAILY;UNTIL=20260110T000000Z' });
  await create(s, { title: 'Ends at from', start: '2026-02-01T23:00:00Z', end: '2026-02-02T00:00:00Z', timeZone: 'UTC' });
  await create(s, { title: 'Spans in', start: '2026-02-01T22:00:00Z', end: '2026-02-02T02:00:00Z', timeZone: 'UTC' });
  await create(s, { title: 'Inside', start: '2026-02-03T10:00:00Z', end: '2026-02-03T11:00:00Z', timeZone: 'UTC', assigneeIds: [other.technician.id, other.admin.id] });
  await create(s, { title: 'Holiday', start: '2026-02-04', end: '2026-02-05', allDay: true, timeZone: 'UTC' });
  await create(s, { title: 'Starts at to', start: '2026-02-09T00:00:00Z', end: '2026-02-09T01:00:00Z', timeZone: 'UTC' });

  const all = await s.request('GET', '/api/schedule-entries');
  t.equal(all.json().total, 7);
  const page = await s.request('GET', '/api/schedule-entries?limit=2&offset=1');
  t.same(titles(page), ['Standup', 'Spans in']);
  t.equal(page.json().total, 7);

  const window = 'from=2026-02-02T00:00:00Z&to=2026-02-09T00:00:00Z';
  const week = await s.request('GET', `/api/schedule-entries?${window}`);
  t.equal(week.statusCode, 200);
  t.same(titles(week), ['Standup', 'Spans in', 'Inside', 'Holiday']);
  t.equal(week.json().total, 4);
  const paged = await s.request('GET', `/api/schedule-entries?${window}&limit=2&offset=1`);
  t.same(titles(paged), ['Spans in', 'Inside']);
  t.equal(paged.json().total, 4);
  // Tuesday to Sunday: no Monday inside, so the weekly series is not in it.
  t.same(titles(await s.request('GET', '/api/schedule-entries?from=2026-02-03T00:00:00Z&to=2026-02-08T00:00:00Z')), ['Inside', 'Holiday']);
  t.same(titles(await s.request('GET', '/api/schedule-entries?from=2026-02-08T00:00:00Z')), ['Standup', 'Starts at to']);

  const tech = await s.request('GET', `/api/schedule-entries?assigneeId=${other.technician.id}`);
  t.same(titles(tech), ['Standup', 'Inside']);
  t.same(titles(await s.request('GET', `/api/schedule-entries?assigneeId=${other.admin.id}&${window}`)), ['Inside']);
  t.equal((await s.request('GET', `/api/schedule-entries?assigneeId=${other.viewer.id}`)).json().total, 0);
});

t.test("a series recurs on the wall clock of its time zone (BYDAY and daylight saving)", async (t) => {
  const other = await seedTenant(db, 'sched-tz');
  const s = await signIn(app, other.admin.email);
  // Monday 08:00 in Tokyo is Sunday 23:00 UTC: BYDAY=MO means the Tokyo Monday.
  await create(s, { title: 'Tokyo Monday', start: '2026-01-05T08:00:00+09:00', end: '2026-01-05T09:00:00+09:00', timeZone: 'Asia/Tokyo', recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
  const monday = await s.request('GET', '/api/schedule-entries?from=2026-02-02T00:00:00%2B09:00&to=2026-02-02T12:00:00%2B09:00');
  t.same(titles(monday), ['Tokyo Monday']);
  const tuesday = await s.request('GET', '/api/schedule-entries?from=2026-02-03T00:00:00%2B09:00&to=2026-02-03T12:00:00%2B09:00');
  t.same(titles(tuesday), []);

  // 09:00 in Berlin stays 09:00 after the clocks change on 29 March (07:00 UTC instead of 08:00).
  await create(s, { title: 'Berlin 9am', start: '2026-01-05T09:00:00+01:00', end: '2026-01-05T09:30:00+01:00', timeZone: 'Europe/Berlin', recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
  t.same(titles(await s.request('GET', '/api/schedule-entries?from=2026-04-06T07:00:00Z&to=2026-04-06T07:30:00Z')), ['Berlin 9am']);
  t.same(titles(await s.request('GET', '/api/schedule-entries?from=2026-04-06T08:00:00Z&to=2026-04-06T08:30:00Z')), []);
});

t.test('a partial update changes only the given fields and bumps the version', async (t) => {
  const entry = await create(admin, { ...timed, title: 'Patch target', notes: 'keep me', recurrence: 'FREQ=DAILY', assigneeIds: [tenantA.technician.id] });
  const res = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Patched' });
  t.equal(res.statusCode, 200);
  const patched = res.json();
  t.same({ ...patched, updatedAt: entry.updatedAt }, { ...entry, title: 'Patched', version: 2 });

  const reassigned = (await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { assigneeIds: [tenantA.admin.id], recurrence: null, notes: '' })).json();
  t.match(reassigned, { assigneeIds: [tenantA.admin.id], recurrence: null, notes: null, title: 'Patched', version: 3 });
  const later = (await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { end: '2026-02-03T12:00:00Z' })).json();
  t.match(later, { start: entry.start, end: '2026-02-03T12:00:00.000Z' });
  const allDay = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { allDay: true, start: '2026-02-03', end: '2026-02-04' });
  t.match(allDay.json(), { allDay: true, start: '2026-02-03', end: '2026-02-04', version: 5 });
});

t.test('an update that would break the time fields is refused and changes nothing', async (t) => {
  const entry = await create(admin, { ...timed, title: 'Fragile' });
  const before = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { end: '2026-02-03T09:00:00Z' });
  t.equal(before.statusCode, 400);
  t.same(before.json().fields, [{ field: 'end', message: 'must be after start' }]);
  const allDay = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { allDay: true });
  t.equal(allDay.statusCode, 400);
  t.same(fieldsOf(allDay.json()), ['end', 'start']);
  const stranger = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { assigneeIds: ['00000000-0000-4000-8000-000000000000'] });
  t.equal(stranger.statusCode, 400);
  t.same(fieldsOf(stranger.json()), ['assigneeIds']);
  t.same((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).json(), entry);
});

t.test('a stale expectedVersion answers 409 and changes nothing', async (t) => {
  const entry = await create(admin, { ...timed, title: 'Contended' });
  const first = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'First writer', expectedVersion: 1 });
  t.equal(first.json().version, 2);
  const second = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Second writer', expectedVersion: 1 });
  t.equal(second.statusCode, 409);
  t.match(second.json(), { message: /changed by someone else/, currentVersion: 2 });
  t.match((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).json(), { title: 'First writer', version: 2 });
  const events = await db.selectFrom('outbox_events').select('event_type').where('aggregate_id', '=', entry.id).execute();
  t.equal(events.length, 2, 'the refused update wrote no event');
});

t.test('deletes an entry with its assignees; a second delete answers 404', async (t) => {
  const entry = await create(admin, { ...timed, title: 'Gone soon', assigneeIds: [tenantA.technician.id] });
  t.equal((await admin.request('DELETE', `/api/schedule-entries/${entry.id}`)).statusCode, 200);
  t.equal((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).statusCode, 404);
  const assignees = await db.selectFrom('schedule_entry_assignees').select('user_id').where('schedule_entry_id', '=', entry.id).execute();
  t.same(assignees, []);
  const again = await admin.request('DELETE', `/api/schedule-entries/${entry.id}`);
  t.equal(again.statusCode, 404);
  t.equal(again.json().message, 'Schedule entry not found.');
});

t.test("another tenant's entry is invisible, and its users cannot be assigned", async (t) => {
  const foreign = await create(adminB, { ...timed, title: 'B only', assigneeIds: [tenantB.technician.id] });
  const before = await db.selectFrom('schedule_entries').selectAll().where('id', '=', foreign.id).executeTakeFirstOrThrow();
  for (const [method, body] of [['GET'], ['PATCH', { title: 'Hijacked' }], ['PATCH', { title: 'Hijacked', expectedVersion: 1 }], ['DELETE']] as const) {
    const res = await admin.request(method, `/api/schedule-entries/${foreign.id}`, body);
    t.equal(res.statusCode, 404, method);
    t.equal(res.json().message, 'Schedule entry not found.');
  }
  for (const query of ['', '?from=2026-02-01T00:00:00Z&to=2026-02-10T00:00:00Z', `?assigneeId=${tenantB.technician.id}`]) {
    const list = (await admin.request('GET', `/api/schedule-entries${query}`)).json();
    t.notOk(list.items.some((e: { id: string }) => e.id === foreign.id), `not listed for ${query || 'no filter'}`);
  }
  const assignForeign = await admin.request('POST', '/api/schedule-entries', { ...timed, assigneeIds: [tenantB.technician.id] });
  t.equal(assignForeign.statusCode, 400);
  t.same(fieldsOf(assignForeign.json()), ['assigneeIds']);
  const own = await create(admin, { ...timed, title: 'A own' });
  const patchForeign = await admin.request('PATCH', `/api/schedule-entries/${own.id}`, { assigneeIds: [tenantB.admin.id] });
  t.equal(patchForeign.statusCode, 400);
  t.same((await admin.request('GET', `/api/schedule-entries/${own.id}`)).json().assigneeIds, []);
  t.same(await db.selectFrom('schedule_entries').selectAll().where('id', '=', foreign.id).executeTakeFirstOrThrow(), before);
  t.same((await adminB.request('GET', `/api/schedule-entries/${foreign.id}`)).json(), foreign);
});

t.test('client-portal users may not use the schedule routes', async (t) => {
  const portal = await signIn(app, tenantA.clientUser.email);
  const entry = await create(admin, { ...timed, title: 'Portal target' });
  const codes = [
    (await portal.request('GET', '/api/schedule-entries')).statusCode,
    (await portal.request('GET', `/api/schedule-entries/${entry.id}`)).statusCode,
    (await portal.request('POST', '/api/schedule-entries', { ...timed, title: 'Portal made' })).statusCode,
    (await portal.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Portal renamed' })).statusCode,
    (await portal.request('DELETE', `/api/schedule-entries/${entry.id}`)).statusCode,
  ];
  t.same(codes, [403, 403, 403, 403, 403]);
  t.same((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).json(), entry);
});
