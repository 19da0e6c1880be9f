import t from 'tap';
import { buildTestApp, seedTenant, signIn, type Session } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'occurrences');
const admin = await signIn(app, tenant.admin.email);

const weekly = {
  title: 'Standup',
  start: '2026-02-02T09:00:00Z',
  end: '2026-02-02T09:15:00Z',
  timeZone: 'UTC',
  recurrence: 'FREQ=WEEKLY;BYDAY=MO',
  assigneeIds: [tenant.technician.id],
};
const second = '2026-02-09T09:00:00.000Z';
const create = async (s: Session, body: Record<string, unknown>) => {
  const res = await s.request('POST', '/api/schedule-entries', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
};
const occurrence = (id: string, originalStart: string) => `/api/schedule-entries/${id}/occurrences/${encodeURIComponent(originalStart)}`;
const eventTypes = async (id: string) =>
  (await db.selectFrom('outbox_events').select('event_type').where('aggregate_id', '=', id).orderBy('id').execute()).map((e) => e.event_type);
const week = (monday: string) => `/api/schedule-entries?from=${monday}T00:00:00Z&to=${encodeURIComponent(new Date(Date.parse(`${monday}T00:00:00Z`) + 7 * 86_400_000).toISOString())}`;

t.test('PUT overrides one occurrence and a second PUT updates that override; a stale version is 409', async (t) => {
  const series = await create(admin, weekly);
  const res = await admin.request('PUT', occurrence(series.id, second), { title: 'Standup (remote)', start: '2026-02-09T10:00:00+01:00', end: '2026-02-09T10:30:00+01:00' });
  t.equal(res.statusCode, 200);
  const override = res.json();
  t.match(override, { title: 'Standup (remote)', start: second, end: '2026-02-09T09:30:00.000Z', seriesEntryId: series.id, originalStart: second, recurrence: null, version: 1 });

  const listed = (await admin.request('GET', week('2026-02-09'))).json().items;
  t.same(listed.map((e: { id: string }) => e.id), [override.id], 'the override stands in for its occurrence');

  const again = await admin.request('PUT', occurrence(series.id, second), { notes: 'Teams link in the invite', expectedVersion: 1 });
  t.match(again.json(), { id: override.id, notes: 'Teams link in the invite', version: 2 });
  const stale = await admin.request('PUT', occurrence(series.id, second), { title: 'Lost update', expectedVersion: 1 });
  t.equal(stale.statusCode, 409);
  t.same(await eventTypes(override.id), ['schedule_entry.created', 'schedule_entry.updated']);
});

t.test('DELETE cancels one occurrence (204), twice is the same; the series shows the cancelled start', async (t) => {
  const series = await create(admin, weekly);
  t.equal((await admin.request('DELETE', occurrence(series.id, second))).statusCode, 204);
  t.equal((await admin.request('DELETE', occurrence(series.id, second))).statusCode, 204);
  const after = (await admin.request('GET', `/api/schedule-entries/${series.id}`)).json();
  t.same(after.excludedStarts, [second]);
  t.equal(after.version, 2);
  t.same(await eventTypes(series.id), ['schedule_entry.created', 'schedule_entry.updated']);
  t.notOk((await admin.request('GET', week('2026-02-09'))).json().items.some((e: { id: string }) => e.id === series.id));
});

t.test('an all-day series names its occurrences by date', async (t) => {
  const series = await create(admin, { ...weekly, start: '2026-02-02', end: '2026-02-03', allDay: true });
  t.equal((await admin.request('DELETE', occurrence(series.id, '2026-02-09'))).statusCode, 204);
  const override = (await admin.request('PUT', occurrence(series.id, '2026-02-16'), { title: 'Offsite' })).json();
  t.match(override, { start: '2026-02-16', end: '2026-02-17', allDay: true, originalStart: '2026-02-16' });
  // Made a timed meeting, it is still that date's occurrence of the all-day series.
  const timed = (await admin.request('PUT', occurrence(series.id, '2026-02-16'), { allDay: false, start: '2026-02-16T13:00:00.000Z', end: '2026-02-16T15:00:00.000Z' })).json();
  t.match(timed, { id: override.id, allDay: false, start: '2026-02-16T13:00:00.000Z', originalStart: '2026-02-16' });
  t.same((await admin.request('GET', `/api/schedule-entries/${series.id}`)).json().excludedStarts, ['2026-02-09']);
});

t.test('bad occurrences answer 400 naming originalStart; an unknown series 404', async (t) => {
  const series = await create(admin, weekly);
  const single = await create(admin, { ...weekly, recurrence: undefined });
  const cases: [string, string][] = [
    [series.id, 'tomorrow'],
    [series.id, '2026-02-10T09:00:00.000Z'], // a Tuesday
    [series.id, '2026-02-09T09:00:00Z'], // not in the form of start
    [series.id, '2026-02-09'], // a date for a timed series
    [series.id, '2026-02-09T10:00:00+01:00'],
    [single.id, weekly.start.replace('Z', '.000Z')], // not a series
  ];
  for (const [id, start] of cases) {
    for (const method of ['PUT', 'DELETE'] as const) {
      const res = await admin.request(method, occurrence(id, start), method === 'PUT' ? { title: 'x' } : undefined);
      t.equal(res.statusCode, 400, `${method} ${start}`);
      // Malformed values fail the params schema (params.originalStart), others the service check.
      t.match(res.json().fields?.map((f: { field: string }) => f.field), [/^(params\.)?originalStart$/], `${method} ${start} names the field`);
    }
  }
  t.equal((await admin.request('PUT', occurrence('not-a-uuid', second), {})).statusCode, 400);
  t.equal((await admin.request('DELETE', occurrence('00000000-0000-4000-8000-000000000000', second))).statusCode, 404);
  const body = await admin.request('PUT', occurrence(series.id, second), { recurrence: 'FREQ=DAILY' });
  t.equal(body.statusCode, 400, 'an override cannot repeat');
  t.same(await eventTypes(series.id), ['schedule_entry.created'], 'nothing was written');
});

t.test('client-portal users may not change occurrences', async (t) => {
  const portal = await signIn(app, tenant.clientUser.email);
  const series = await create(admin, weekly);
  t.equal((await portal.request('PUT', occurrence(series.id, second), { title: 'Portal' })).statusCode, 403);
  t.equal((await portal.request('DELETE', occurrence(series.id, second))).statusCode, 403);
});
