import t from 'tap';
import { buildTestApp, seedTenant } from '@switchboard/testing';
import { createScheduleEntry, deleteScheduleEntry, getScheduleEntry, listScheduleEntries, updateScheduleEntry } from './schedule-entries.js';
import { cancelOccurrence, findOccurrenceOverride, overrideOccurrence } from './series-exceptions.js';
import { isOccurrenceStart, occurrenceStarts } from './recurrence-expansion.js';
import type { ScheduleEntryInput } from '../schemas/schedule-entries.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { db } = ctx;
const tenant = await seedTenant(db, 'series-exceptions');
const other = await seedTenant(db, 'series-exceptions-b');
const actor = tenant.admin.id;

// Mondays 09:00 Berlin from 2 February 2026: 08:00Z in winter, 07:00Z after 29 March.
const weekly: ScheduleEntryInput = {
  title: 'Patch day',
  start: '2026-02-02T08:00:00.000Z',
  end: '2026-02-02T09:00:00.000Z',
  timeZone: 'Europe/Berlin',
  allDay: false,
  recurrence: 'FREQ=WEEKLY;BYDAY=MO',
  workItemType: 'ad_hoc',
  assigneeIds: [tenant.technician.id],
};
const second = '2026-02-09T08:00:00.000Z';
const third = '2026-02-16T08:00:00.000Z';
const fourth = '2026-02-23T08:00:00.000Z';
const tx = <T>(work: (trx: typeof db) => Promise<T>) => db.transaction().execute(work);
const newSeries = (input: Partial<ScheduleEntryInput> = {}) => tx((trx) => createScheduleEntry(trx, tenant.tenantId, actor, { ...weekly, ...input }));
const eventsOf = async (aggregateId: string) =>
  (await db.selectFrom('outbox_events').select('event_type').where('aggregate_id', '=', aggregateId).orderBy('id').execute()).map((e) => e.event_type);
const week = (monday: string) => ({ from: `${monday}T00:00:00Z`, to: new Date(Date.parse(`${monday}T00:00:00Z`) + 7 * 86_400_000).toISOString(), limit: 100, offset: 0 });
const listedIds = async (monday: string) => (await listScheduleEntries(db, tenant.tenantId, week(monday))).items.map((e) => e.id);

t.test('occurrenceStarts and isOccurrenceStart follow the rule on the wall clock, in the form of start', async (t) => {
  const series = { ...weekly, recurrence: weekly.recurrence! };
  t.same(occurrenceStarts(series, new Date('2026-03-20T00:00:00Z'), new Date('2026-04-07T00:00:00Z')), [
    '2026-03-23T08:00:00.000Z',
    '2026-03-30T07:00:00.000Z',
    '2026-04-06T07:00:00.000Z',
  ]);
  t.ok(isOccurrenceStart(series, second));
  t.notOk(isOccurrenceStart(series, '2026-02-10T08:00:00.000Z'), 'a Tuesday');
  t.notOk(isOccurrenceStart(series, '2026-03-30T08:00:00.000Z'), 'winter time after the switch');
  t.notOk(isOccurrenceStart(series, '2026-02-09T08:00:00Z'), 'another spelling of the instant');
  t.notOk(isOccurrenceStart(series, '2026-01-26T08:00:00.000Z'), 'before the first occurrence');
  t.notOk(isOccurrenceStart({ ...series, recurrence: null }, weekly.start));
  const allDay = { ...series, allDay: true, start: '2026-02-02', end: '2026-02-03' };
  t.same(occurrenceStarts(allDay, new Date('2026-02-08T00:00:00Z'), new Date('2026-02-17T00:00:00Z')), ['2026-02-09', '2026-02-16']);
  t.ok(isOccurrenceStart(allDay, '2026-02-09'));
  t.notOk(isOccurrenceStart(allDay, '2026-02-09T00:00:00.000Z'));
});

t.test('cancelling an occurrence excludes it, once, with one series event; the list skips it', async (t) => {
  const series = await newSeries();
  t.ok((await listedIds('2026-02-09')).includes(series.id));
  const cancelled = await tx((trx) => cancelOccurrence(trx, tenant.tenantId, actor, series.id, second));
  t.same(cancelled.excludedStarts, [second]);
  t.equal(cancelled.version, 2);
  t.notOk((await listedIds('2026-02-09')).includes(series.id), 'the week of the cancelled occurrence has none');
  t.ok((await listedIds('2026-02-16')).includes(series.id));
  const again = await tx((trx) => cancelOccurrence(trx, tenant.tenantId, actor, series.id, second));
  t.same(again, cancelled, 'idempotent');
  t.same(await eventsOf(series.id), ['schedule_entry.created', 'schedule_entry.updated']);
});

t.test('overriding an occurrence creates an entry linked to the series with its defaults; a second call updates it', async (t) => {
  const series = await newSeries();
  const moved = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, { title: 'Patch day (late)', start: '2026-02-09T13:00:00.000Z', end: '2026-02-09T14:00:00.000Z' }));
  t.match(moved, {
    title: 'Patch day (late)',
    seriesEntryId: series.id,
    originalStart: second,
    start: '2026-02-09T13:00:00.000Z',
    recurrence: null,
    timeZone: 'Europe/Berlin',
    excludedStarts: [],
    version: 1,
  });
  const plain = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, third, {}));
  t.match(plain, { title: 'Patch day', start: third, end: '2026-02-16T09:00:00.000Z', originalStart: third }, 'omitted times are the occurrence\'s own');
  t.same(moved.assigneeIds, [tenant.technician.id], 'assignees from the series');
  t.same(await findOccurrenceOverride(db, tenant.tenantId, series.id, second), moved);
  t.equal(await findOccurrenceOverride(db, tenant.tenantId, series.id, fourth), null);
  t.equal(await findOccurrenceOverride(db, tenant.tenantId, series.id, 'not a date'), null);

  const ids = await listedIds('2026-02-09');
  t.ok(ids.includes(moved.id) && !ids.includes(series.id), 'the override replaces its occurrence in the list');

  const renamed = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, { notes: 'Bring coffee', expectedVersion: 1 }));
  t.match(renamed, { id: moved.id, title: 'Patch day (late)', notes: 'Bring coffee', version: 2 });
  await t.rejects(
    tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, { title: 'Stale', expectedVersion: 1 })),
    Conflict,
  );
  await t.rejects(
    tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, fourth, { title: 'Nothing to expect', expectedVersion: 1 })),
    Conflict,
  );
  t.same(await eventsOf(moved.id), ['schedule_entry.created', 'schedule_entry.updated']);
  t.same(await eventsOf(series.id), ['schedule_entry.created'], 'the series itself is unchanged');
});

t.test('an override with its end before its start is refused', async (t) => {
  const series = await newSeries();
  const refused = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, { start: '2026-02-09T10:00:00.000Z' })).catch((e: unknown) => e);
  t.match(refused, { statusCode: 400, details: { fields: [{ field: 'end' }] } });
});

t.test('overriding a cancelled occurrence brings it back; cancelling an overridden one deletes the override', async (t) => {
  const series = await newSeries();
  await tx((trx) => cancelOccurrence(trx, tenant.tenantId, actor, series.id, second));
  const override = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, { title: 'Back' }));
  t.same((await getScheduleEntry(db, tenant.tenantId, series.id)).excludedStarts, []);
  const cancelled = await tx((trx) => cancelOccurrence(trx, tenant.tenantId, actor, series.id, second));
  t.same(cancelled.excludedStarts, [second]);
  await t.rejects(getScheduleEntry(db, tenant.tenantId, override.id), NotFound);
  t.same(await eventsOf(override.id), ['schedule_entry.created', 'schedule_entry.deleted']);
  t.same(await eventsOf(series.id), ['schedule_entry.created', 'schedule_entry.updated', 'schedule_entry.updated', 'schedule_entry.updated']);
});

t.test('deleting an override cancels its occurrence', async (t) => {
  const series = await newSeries();
  const override = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, third, { title: 'Moved' }));
  await tx((trx) => deleteScheduleEntry(trx, tenant.tenantId, actor, override.id));
  const after = await getScheduleEntry(db, tenant.tenantId, series.id);
  t.same(after.excludedStarts, [third]);
  t.same(await eventsOf(override.id), ['schedule_entry.created', 'schedule_entry.deleted']);
  t.same(await eventsOf(series.id), ['schedule_entry.created', 'schedule_entry.updated']);
  t.notOk((await listedIds('2026-02-16')).includes(series.id));
});

t.test('changing the series times drops its exceptions; changing its title keeps them', async (t) => {
  const series = await newSeries();
  await tx((trx) => cancelOccurrence(trx, tenant.tenantId, actor, series.id, second));
  const override = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, third, { title: 'Moved' }));
  const renamed = await tx((trx) => updateScheduleEntry(trx, tenant.tenantId, actor, series.id, { title: 'Patch Monday', assigneeIds: [actor] }));
  t.same(renamed.excludedStarts, [second]);
  t.ok(await findOccurrenceOverride(db, tenant.tenantId, series.id, third));
  const moved = await tx((trx) => updateScheduleEntry(trx, tenant.tenantId, actor, series.id, { start: '2026-02-02T09:00:00.000Z', end: '2026-02-02T10:00:00.000Z' }));
  t.same(moved.excludedStarts, []);
  t.equal(await findOccurrenceOverride(db, tenant.tenantId, series.id, third), null);
  t.same(await eventsOf(override.id), ['schedule_entry.created', 'schedule_entry.deleted']);
});

t.test('deleting a series deletes its overrides, each with its event', async (t) => {
  const series = await newSeries();
  const override = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, third, { title: 'Moved' }));
  await tx((trx) => deleteScheduleEntry(trx, tenant.tenantId, actor, series.id));
  await t.rejects(getScheduleEntry(db, tenant.tenantId, override.id), NotFound);
  t.same(await eventsOf(override.id), ['schedule_entry.created', 'schedule_entry.deleted']);
});

t.test('an override cannot repeat, and only occurrences of a series can be excepted', async (t) => {
  const series = await newSeries();
  const override = await tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, {}));
  await t.rejects(tx((trx) => updateScheduleEntry(trx, tenant.tenantId, actor, override.id, { recurrence: 'FREQ=DAILY' })), BadRequest);
  await t.rejects(tx((trx) => cancelOccurrence(trx, tenant.tenantId, actor, override.id, second)), BadRequest);
  await t.rejects(tx((trx) => cancelOccurrence(trx, tenant.tenantId, actor, series.id, '2026-02-10T08:00:00.000Z')), BadRequest);
  await t.rejects(tx((trx) => cancelOccurrence(trx, other.tenantId, other.admin.id, series.id, second)), NotFound, "another tenant's series");
});

t.test('two overrides of one occurrence at the same time make one override', async (t) => {
  const series = await newSeries();
  const results = await Promise.allSettled(
    ['First', 'Second'].map((title) => tx((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, { title }))),
  );
  const overrides = await db.selectFrom('schedule_entries').select(['id', 'title']).where('series_entry_id', '=', series.id).execute();
  t.equal(overrides.length, 1);
  t.ok(results.every((r) => r.status === 'fulfilled' || (r.reason as { statusCode?: number }).statusCode === 409), 'each call succeeds or answers 409');
  t.ok(results.some((r) => r.status === 'fulfilled'));
});

t.test('the database refuses two overrides of one occurrence and an override in another tenant', async (t) => {
  const series = await newSeries();
  const row = { title: 'Raw', starts_at: second, ends_at: '2026-02-09T09:00:00.000Z', time_zone: 'UTC', is_all_day: false, series_entry_id: series.id, original_start: second, original_all_day: false };
  await db.insertInto('schedule_entries').values({ ...row, tenant_id: tenant.tenantId }).execute();
  await t.rejects(db.insertInto('schedule_entries').values({ ...row, tenant_id: tenant.tenantId }).execute(), { code: '23505' });
  await t.rejects(db.insertInto('schedule_entries').values({ ...row, tenant_id: other.tenantId, original_start: third }).execute(), { code: '23503' });
  await t.rejects(db.insertInto('schedule_entries').values({ ...row, tenant_id: tenant.tenantId, original_start: null }).execute(), { code: '23514' });
});

t.test('an override moved to another week is listed there and where its occurrence was', async (t) => {
  const series = await newSeries({ recurrence: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' });
  const override = await tx((trx) =>
    overrideOccurrence(trx, tenant.tenantId, actor, series.id, second, { start: '2026-03-04T08:00:00.000Z', end: '2026-03-04T09:00:00.000Z' }),
  );
  const mine = async (monday: string) => (await listedIds(monday)).filter((id) => id === series.id || id === override.id);
  t.same(await mine('2026-02-09'), [override.id], 'the week it left: the override, so a client skips that occurrence, and no series');
  t.same(await mine('2026-03-02'), [override.id], 'the week it moved to');
  t.same(await mine('2026-02-16'), [series.id]);
});
