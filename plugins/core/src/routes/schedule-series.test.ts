import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp, seedTenant, signIn, type Session } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'series-split');
const admin = await signIn(app, tenant.admin.email);

type Entry = { id: string; title: string; start: string; end: string; recurrence: string | null; version: number; excludedStarts: string[]; seriesEntryId: string | null; originalStart: string | null };

// Mondays 09:00–10:00 in Berlin from 2 February 2026 (08:00Z in winter).
const weekly = {
  title: 'Site visit',
  start: '2026-02-02T09:00:00+01:00',
  end: '2026-02-02T10:00:00+01:00',
  timeZone: 'Europe/Berlin',
  recurrence: 'FREQ=WEEKLY;BYDAY=MO',
  assigneeIds: [tenant.technician.id],
};
const monday = (day: string) => `2026-${day}T08:00:00.000Z`;

const create = async (s: Session, body: Record<string, unknown>): Promise<Entry> => {
  const res = await s.request('POST', '/api/schedule-entries', body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
};
const split = (s: Session, id: string, body: Record<string, unknown>) => s.request('POST', `/api/schedule-entries/${id}/split`, body);
const occurrence = (id: string, originalStart: string) => `/api/schedule-entries/${id}/occurrences/${encodeURIComponent(originalStart)}`;
const get = async (id: string): Promise<Entry> => (await admin.request('GET', `/api/schedule-entries/${id}`)).json();
/** Which of a test's entries the schedule shows in the week (or days) from `from`; other tests share the tenant. */
const shown = async (mine: Entry[], from: string, days = 7): Promise<Entry[]> => {
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + days * 86_400_000).toISOString();
  const items: Entry[] = (await admin.request('GET', `/api/schedule-entries?from=${from}T00:00:00Z&to=${encodeURIComponent(to)}`)).json().items;
  return items.filter((e) => mine.some((m) => m.id === e.id || m.id === e.seriesEntryId));
};
const idsShown = async (mine: Entry[], from: string, days = 7) => (await shown(mine, from, days)).map((e) => e.id);
const events = async (ids: string[]) =>
  (await db.selectFrom('outbox_events').select(['event_type', 'aggregate_id']).where('aggregate_id', 'in', ids).orderBy('id').execute()).map((e) => `${e.event_type} ${e.aggregate_id}`);

t.test('splitting ends the series before the occurrence and starts a new one with the changes', async (t) => {
  const series = await create(admin, weekly);
  const res = await split(admin, series.id, { occurrenceStart: monday('02-16'), expectedVersion: 1, changes: { title: 'Site visit (new site)' } });
  t.equal(res.statusCode, 200, res.body);
  const { earlier, following } = res.json() as { earlier: Entry; following: Entry };

  t.match(earlier, { id: series.id, title: 'Site visit', start: monday('02-02'), version: 2 });
  // The end of 9 February in Berlin, in UTC: the form Outlook keeps and Google reads as an instant.
  t.equal(earlier.recurrence, 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260209T225959Z');
  t.match(following, { title: 'Site visit (new site)', start: monday('02-16'), end: '2026-02-16T09:00:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO', version: 1 });
  t.not(following.id, series.id);

  t.same(await idsShown([series, following], '2026-02-09'), [series.id], 'the week before keeps the old series');
  t.same(await idsShown([series, following], '2026-02-16'), [following.id], 'from the occurrence on, the new series');
  t.same(await idsShown([series, following], '2026-03-30'), [following.id]);
  t.same(await events([series.id, following.id]), [`schedule_entry.created ${series.id}`, `schedule_entry.updated ${series.id}`, `schedule_entry.created ${following.id}`]);
  // Schedule changes are recorded by their outbox events (not the audit log), each naming who made it.
  const actors = await db.selectFrom('outbox_events').select(sql<string>`payload->>'actorUserId'`.as('actor')).where('aggregate_id', 'in', [series.id, following.id]).execute();
  t.same(new Set(actors.map((a) => a.actor)), new Set([tenant.admin.id]));
});

t.test('later cancelled and changed occurrences go with the new series; earlier ones stay', async (t) => {
  const series = await create(admin, weekly);
  for (const day of ['02-02', '02-23']) t.equal((await admin.request('DELETE', occurrence(series.id, monday(day)))).statusCode, 204);
  const early = (await admin.request('PUT', occurrence(series.id, monday('02-09')), { title: 'Early change' })).json();
  const late = (await admin.request('PUT', occurrence(series.id, monday('03-02')), { title: 'Late change', start: '2026-03-02T13:00:00Z', end: '2026-03-02T14:00:00Z' })).json();
  const atSplit = (await admin.request('PUT', occurrence(series.id, monday('02-16')), { title: 'Replaced by the split' })).json();
  const version = (await get(series.id)).version;

  const res = await split(admin, series.id, { occurrenceStart: monday('02-16'), expectedVersion: version, changes: { notes: 'Bring the ladder' } });
  t.equal(res.statusCode, 200, res.body);
  const { earlier, following } = res.json() as { earlier: Entry; following: Entry };
  t.same(earlier.excludedStarts, [monday('02-02')]);
  t.same(following.excludedStarts, [monday('02-23')]);

  t.equal((await get(early.id)).seriesEntryId, series.id, 'the earlier override stays with the old series');
  for (const gone of [late.id, atSplit.id]) t.equal((await admin.request('GET', `/api/schedule-entries/${gone}`)).statusCode, 404);
  const moved = (await shown([following], '2026-03-02')).find((e) => e.seriesEntryId === following.id);
  t.match(moved, { title: 'Late change', start: '2026-03-02T13:00:00.000Z', originalStart: monday('03-02') }, 'the later override now belongs to the new series');
  t.same(
    (await shown([series, following], '2026-02-16')).map((e) => [e.id, e.title]),
    [[following.id, 'Site visit']],
    'the occurrence split at is the new series, not the override it had',
  );
});

t.test('moving the occurrence to another day moves the weekday and drops the later exceptions', async (t) => {
  const series = await create(admin, weekly);
  t.equal((await admin.request('DELETE', occurrence(series.id, monday('03-02')))).statusCode, 204);
  const later = (await admin.request('PUT', occurrence(series.id, monday('03-09')), { title: 'Later change' })).json();
  const version = (await get(series.id)).version;
  const res = await split(admin, series.id, {
    occurrenceStart: monday('02-16'),
    expectedVersion: version,
    changes: { start: '2026-02-17T14:00:00+01:00', end: '2026-02-17T15:30:00+01:00' },
  });
  t.equal(res.statusCode, 200, res.body);
  const { earlier, following } = res.json() as { earlier: Entry; following: Entry };
  t.match(following, { start: '2026-02-17T13:00:00.000Z', end: '2026-02-17T14:30:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=TU', excludedStarts: [] });
  t.equal((await admin.request('GET', `/api/schedule-entries/${later.id}`)).statusCode, 404);
  t.same(await idsShown([earlier, following], '2026-03-02'), [following.id], 'the Tuesday of the cancelled Monday is an occurrence again');
});

t.test('a COUNT is shared out between the two series', async (t) => {
  const series = await create(admin, { ...weekly, recurrence: 'FREQ=DAILY;COUNT=10' });
  const res = await split(admin, series.id, { occurrenceStart: '2026-02-05T08:00:00.000Z', expectedVersion: 1, changes: { title: 'Second half' } });
  t.equal(res.statusCode, 200, res.body);
  const { earlier, following } = res.json() as { earlier: Entry; following: Entry };
  t.equal(earlier.recurrence, 'FREQ=DAILY;COUNT=3');
  t.equal(following.recurrence, 'FREQ=DAILY;COUNT=7');
  t.same(await idsShown([earlier, following], '2026-02-11', 1), [following.id], 'the tenth day is the last of the new series');
  t.same(await idsShown([earlier, following], '2026-02-12', 1), []);
});

t.test('an all-day series ends on a date', async (t) => {
  const series = await create(admin, { ...weekly, start: '2026-02-02', end: '2026-02-03', allDay: true });
  const res = await split(admin, series.id, { occurrenceStart: '2026-02-16', expectedVersion: 1, changes: { title: 'On site' } });
  t.equal(res.statusCode, 200, res.body);
  const { earlier, following } = res.json() as { earlier: Entry; following: Entry };
  t.equal(earlier.recurrence, 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260209');
  t.match(following, { start: '2026-02-16', end: '2026-02-17', title: 'On site' });
  t.same(await idsShown([earlier, following], '2026-02-09'), [series.id]);
});

t.test('a series late in the evening far east of UTC ends with a COUNT, where UNTIL would mean another day to the PSA', async (t) => {
  // 23:30 in Tokyo is 14:30Z; the end of the day in UTC (14:59:59Z) read as a Tokyo wall time would cut off the last day.
  const series = await create(admin, { ...weekly, start: '2026-02-02T23:30:00+09:00', end: '2026-02-03T00:15:00+09:00', timeZone: 'Asia/Tokyo', recurrence: 'FREQ=DAILY' });
  const res = await split(admin, series.id, { occurrenceStart: '2026-02-05T14:30:00.000Z', expectedVersion: 1, changes: { title: 'Later' } });
  t.equal(res.statusCode, 200, res.body);
  const { earlier, following } = res.json() as { earlier: Entry; following: Entry };
  t.equal(earlier.recurrence, 'FREQ=DAILY;COUNT=3');
  t.same(await idsShown([earlier, following], '2026-02-04', 1), [series.id], 'the last day before the split keeps its occurrence');
  t.same(await idsShown([earlier, following], '2026-02-05', 1), [following.id]);
});

t.test('splitting at the first occurrence changes the whole series', async (t) => {
  const series = await create(admin, weekly);
  t.equal((await admin.request('DELETE', occurrence(series.id, monday('02-23')))).statusCode, 204);
  const res = await split(admin, series.id, { occurrenceStart: monday('02-02'), expectedVersion: 2, changes: { title: 'Renamed' } });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { earlier: null, following: { id: series.id, title: 'Renamed', version: 3, excludedStarts: [monday('02-23')], recurrence: 'FREQ=WEEKLY;BYDAY=MO' } });
});

t.test('what cannot be split answers 400, a stale version 409, an unknown series 404', async (t) => {
  const series = await create(admin, weekly);
  const single = await create(admin, { ...weekly, recurrence: null });
  t.equal((await admin.request('DELETE', occurrence(series.id, monday('02-09')))).statusCode, 204);
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [series.id, { occurrenceStart: monday('02-09'), expectedVersion: 2, changes: {} }, /^occurrenceStart$/], // cancelled
    [series.id, { occurrenceStart: '2026-02-10T08:00:00.000Z', expectedVersion: 2, changes: {} }, /^occurrenceStart$/], // a Tuesday
    [series.id, { occurrenceStart: 'next monday', expectedVersion: 2, changes: {} }, /occurrenceStart$/],
    [series.id, { occurrenceStart: monday('02-16'), expectedVersion: 2, changes: { workItemType: 'ticket' } }, /changes/],
    [series.id, { occurrenceStart: monday('02-16'), expectedVersion: 2, changes: { end: '2026-02-16T07:00:00Z' } }, /^changes\.end$/],
    [series.id, { occurrenceStart: monday('02-16'), expectedVersion: 2, changes: { recurrence: 'FREQ=SECONDLY' } }, /changes\.recurrence$/],
    [single.id, { occurrenceStart: single.start, expectedVersion: 1, changes: {} }, /^id$/],
  ];
  for (const [id, body, field] of cases) {
    const res = await split(admin, id, body);
    t.equal(res.statusCode, 400, JSON.stringify(body));
    t.match(res.json().fields?.map((f: { field: string }) => f.field), [field], `${JSON.stringify(body)} names the field`);
  }
  const stale = await split(admin, series.id, { occurrenceStart: monday('02-16'), expectedVersion: 1, changes: { title: 'Lost update' } });
  t.equal(stale.statusCode, 409);
  t.match(stale.json().message, /changed by someone else/);
  t.equal((await split(admin, '00000000-0000-4000-8000-000000000000', { occurrenceStart: monday('02-16'), expectedVersion: 1, changes: {} })).statusCode, 404);
  t.match(await get(series.id), { version: 2, recurrence: 'FREQ=WEEKLY;BYDAY=MO' }, 'nothing was written');
});

t.test('a split that fails part-way leaves the series as it was', async (t) => {
  const series = await create(admin, weekly);
  const override = (await admin.request('PUT', occurrence(series.id, monday('03-02')), { title: 'Late change' })).json();
  const before = await events([series.id, override.id]);
  // The assignee is checked when the new series is written, after the old one was already cut short.
  const res = await split(admin, series.id, { occurrenceStart: monday('02-16'), expectedVersion: 1, changes: { assigneeIds: ['00000000-0000-4000-8000-000000000000'] } });
  t.equal(res.statusCode, 400);
  t.match(res.json().fields, [{ field: 'assigneeIds' }]);
  t.match(await get(series.id), { version: 1, recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
  t.equal((await get(override.id)).seriesEntryId, series.id);
  t.same(await events([series.id, override.id]), before, 'no outbox event');
});

t.test('deleting this and following ends the series before the occurrence; at the first it deletes the series', async (t) => {
  const series = await create(admin, weekly);
  const late = (await admin.request('PUT', occurrence(series.id, monday('03-02')), { title: 'Late change' })).json();
  const truncate = (id: string, body: Record<string, unknown>) => admin.request('POST', `/api/schedule-entries/${id}/truncate`, body);
  t.equal((await truncate(series.id, { occurrenceStart: monday('02-16'), expectedVersion: 2 })).statusCode, 409);
  const res = await truncate(series.id, { occurrenceStart: monday('02-16'), expectedVersion: 1 });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { earlier: { id: series.id, recurrence: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260209T225959Z', version: 2 } });
  t.equal((await admin.request('GET', `/api/schedule-entries/${late.id}`)).statusCode, 404);
  t.same(await idsShown([series], '2026-02-09'), [series.id]);
  t.same(await idsShown([series], '2026-02-16', 28), []);

  const whole = await truncate(series.id, { occurrenceStart: monday('02-02'), expectedVersion: 2 });
  t.same(whole.json(), { earlier: null });
  t.equal((await admin.request('GET', `/api/schedule-entries/${series.id}`)).statusCode, 404);
  t.same((await events([series.id, late.id])).slice(-3), [`schedule_entry.deleted ${late.id}`, `schedule_entry.updated ${series.id}`, `schedule_entry.deleted ${series.id}`]);
});

t.test('client-portal users may not split or cut short a series', async (t) => {
  const portal = await signIn(app, tenant.clientUser.email);
  const series = await create(admin, weekly);
  t.equal((await split(portal, series.id, { occurrenceStart: monday('02-16'), expectedVersion: 1, changes: { title: 'Portal' } })).statusCode, 403);
  t.equal((await portal.request('POST', `/api/schedule-entries/${series.id}/truncate`, { occurrenceStart: monday('02-16'), expectedVersion: 1 })).statusCode, 403);
  t.equal((await get(series.id)).version, 1);
});
