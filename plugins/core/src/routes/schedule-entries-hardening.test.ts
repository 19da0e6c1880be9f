import t from 'tap';
import type { Kysely } from 'kysely';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import * as recurrenceGuard from '../../../../db/src/migrations/0007_recurrence_guard.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'sched-hard');
const admin = await signIn(app, tenant.admin.email);

const timed = { title: 'Hardening', start: '2026-02-03T10:00:00Z', end: '2026-02-03T11:00:00Z', timeZone: 'UTC' };
const create = async (body: Record<string, unknown>) => {
  const res = await admin.request('POST', '/api/schedule-entries', { ...timed, ...body });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
};
const week = '/api/schedule-entries?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z';

t.test('recurrence outside the supported subset is refused with a message on recurrence', async (t) => {
  const cases: [unknown, RegExp][] = [
    ['FREQ=SECONDLY', /FREQ=SECONDLY is not supported; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['FREQ=MINUTELY;UNTIL=20270101', /FREQ=MINUTELY is not supported/],
    ['FREQ=DAILY;BYHOUR=9,10', /BYHOUR is not supported; use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY with INTERVAL, COUNT, UNTIL/],
    ['FREQ=MONTHLY;BYMONTHDAY=40', /BYMONTHDAY must list days from 1 to 31 or from -31 to -1/],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', /no day that exists every year/],
    [`FREQ=DAILY;${'X'.repeat(300_000)}`, /must be at most 500 characters/],
    ['FREQ=DAILY;COUNT=100000', /COUNT must be a whole number from 1 to 1000/],
  ];
  for (const [recurrence, message] of cases) {
    const res = await admin.request('POST', '/api/schedule-entries', { ...timed, recurrence });
    t.equal(res.statusCode, 400, String(recurrence).slice(0, 40));
    t.equal(res.json().fields?.length, 1);
    t.equal(res.json().fields?.[0].field, 'recurrence');
    t.match(res.json().fields?.[0].message, message);
  }
  const entry = await create({ title: 'Valid series', recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
  const patched = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { recurrence: 'FREQ=SECONDLY' });
  t.equal(patched.statusCode, 400);
  t.same(patched.json().fields.map((f: { field: string }) => f.field), ['recurrence']);
  t.equal((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).json().recurrence, 'FREQ=WEEKLY;BYDAY=MO');
});

t.test('dates outside the years 1900 to 2999 (UTC) are refused, in bodies and list windows', async (t) => {
  const cases: [string, string, unknown, string][] = [
    ['POST', '/api/schedule-entries', { ...timed, allDay: true, start: '0000-01-01', end: '0000-01-02' }, 'start'],
    ['POST', '/api/schedule-entries', { ...timed, start: '9999-12-31T22:00:00-14:00', end: '9999-12-31T23:00:00-14:00' }, 'start'],
    ['POST', '/api/schedule-entries', { ...timed, start: '1899-12-31T23:00:00Z', end: '1900-01-01T01:00:00Z' }, 'start'],
    ['POST', '/api/schedule-entries', { ...timed, end: '3000-01-01T00:00:00Z' }, 'end'],
    ['GET', '/api/schedule-entries?from=0000-01-01T00:00:00Z', undefined, 'querystring.from'],
    ['GET', '/api/schedule-entries?to=9999-12-31T23:00:00-14:00', undefined, 'querystring.to'],
    ['GET', '/api/schedule-entries?from=2026-01-01T00:00:00Z&to=2027-01-03T00:00:00Z', undefined, 'querystring.to'],
  ];
  for (const [method, url, body, field] of cases) {
    const res = await admin.request(method, url, body);
    t.equal(res.statusCode, 400, `${url} ${JSON.stringify(body)}`);
    t.ok(res.json().fields?.some((f: { field: string; message: string }) => f.field === field && /years 1900 to 2999|at most 366 days/.test(f.message)), field);
  }
  const edge = await create({ title: 'Edge of range', start: '2999-12-31T22:00:00Z', end: '2999-12-31T23:00:00Z' });
  t.equal(edge.start, '2999-12-31T22:00:00.000Z');
  const year = await admin.request('GET', '/api/schedule-entries?from=2026-01-01T00:00:00Z&to=2027-01-02T00:00:00Z');
  t.equal(year.statusCode, 200, 'a 366-day window is allowed');
});

t.test('stored rules outside the subset neither hang nor hide the list, and the upgrade neutralises them', async (t) => {
  const other = await seedTenant(db, 'sched-stored');
  const s = await signIn(app, other.admin.email);
  const good = (await s.request('POST', '/api/schedule-entries', { ...timed, title: 'Good series', recurrence: 'FREQ=DAILY' })).json();
  // Written before the subset existed: the first would expand until out of memory, the second
  // (inside the stored grammar, but matching no date) would scan every day up to the year 9999.
  await recurrenceGuard.down(db as unknown as Kysely<unknown>);
  const insert = (title: string, recurrence: string, notes: string | null = null) =>
    db
      .insertInto('schedule_entries')
      .values({ tenant_id: other.tenantId, title, notes, starts_at: new Date('2026-03-03T10:00:00Z'), ends_at: new Date('2026-03-03T11:00:00Z'), time_zone: 'UTC', is_all_day: false, recurrence })
      .returning('id')
      .executeTakeFirstOrThrow();
  const secondly = await insert('Every second', 'FREQ=SECONDLY', 'Bring the key');
  const huge = await insert('Huge rule', `FREQ=DAILY;${'BYDAY=MO;'.repeat(40_000)}`);
  const never = await insert('Never matches', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30');

  const before = await s.request('GET', week);
  t.equal(before.statusCode, 200);
  t.same(before.json().items.map((e: { title: string }) => e.title).sort(), ['Every second', 'Good series', 'Huge rule', 'Never matches'], 'each bad rule counts as its first occurrence');
  const later = await s.request('GET', '/api/schedule-entries?from=2026-03-10T00:00:00Z&to=2026-03-17T00:00:00Z');
  t.same(later.json().items.map((e: { id: string }) => e.id), [good.id]);

  await recurrenceGuard.up(db as unknown as Kysely<unknown>);
  const rows = await db.selectFrom('schedule_entries').select(['id', 'recurrence', 'notes', 'version']).where('tenant_id', '=', other.tenantId).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  t.match(byId.get(secondly.id), { recurrence: null, notes: 'Bring the key\n\nRepeat rule removed on upgrade (not supported): FREQ=SECONDLY', version: 2 });
  t.equal(byId.get(huge.id)?.recurrence, null);
  t.equal(byId.get(huge.id)?.notes?.length, 'Repeat rule removed on upgrade (not supported): '.length + 1000, 'at most 1,000 characters of the rule are kept');
  t.equal(byId.get(never.id)?.recurrence, 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'inside the grammar: left to the application, which expands it as one occurrence');
  t.match(byId.get(good.id), { recurrence: 'FREQ=DAILY', version: 1 });
  t.equal((await s.request('GET', week)).statusCode, 200);
  await t.rejects(insert('After upgrade', 'FREQ=SECONDLY'), 'the database refuses rules outside the grammar');
});

t.test('20 concurrent deletes of one entry: one succeeds, the rest answer 404, one deleted event', async (t) => {
  const entry = await create({ title: 'Deleted by many', assigneeIds: [tenant.technician.id] });
  const results = await Promise.all(Array.from({ length: 20 }, () => admin.request('DELETE', `/api/schedule-entries/${entry.id}`)));
  const codes = results.map((r) => r.statusCode).sort();
  t.same(codes, [200, ...Array(19).fill(404)]);
  const events = await db.selectFrom('outbox_events').select('event_type').where('aggregate_id', '=', entry.id).execute();
  t.same(events.map((e) => e.event_type).sort(), ['schedule_entry.created', 'schedule_entry.deleted']);
  // Schedule entries are not audited (DESIGN.md: audit_log is for settings, bindings and
  // connections); the outbox event is their record, so no delete may leave audit rows either.
  const audits = await db.selectFrom('audit_log').select('id').where('target_id', '=', entry.id).execute();
  t.same(audits, []);
});

t.test('10 concurrent updates with the same expectedVersion: one wins, the rest answer 409', async (t) => {
  const entry = await create({ title: 'Raced' });
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: `Writer ${i}`, expectedVersion: 1 })),
  );
  const codes = results.map((r) => r.statusCode).sort();
  t.same(codes, [200, ...Array(9).fill(409)]);
  const winner = results.find((r) => r.statusCode === 200)!.json();
  t.match((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).json(), { title: winner.title, version: 2 });
  const events = await db.selectFrom('outbox_events').select('event_type').where('aggregate_id', '=', entry.id).execute();
  t.same(events.map((e) => e.event_type).sort(), ['schedule_entry.created', 'schedule_entry.updated']);
});
