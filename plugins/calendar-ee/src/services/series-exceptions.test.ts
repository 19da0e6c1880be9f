// Series exceptions both ways, through the real adapters against both emulators. No worker runs:
// each step calls push or pull itself, so what a step did (its outcome counts) is what it asserts.
import t from 'tap';
import { sql } from 'kysely';
import { cancelOccurrence, createScheduleEntry, deleteScheduleEntry, findOccurrenceOverride, getScheduleEntry, overrideOccurrence, updateScheduleEntry } from '@switchboard/core';
import { connectCalendar, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';
import { PUSH_JOB } from './calendar-jobs.js';
import { createAdapterFactory } from './adapter-factory.js';
import { pullProvider } from './pull.js';
import { pushEntry } from './push.js';
import { SERIES_IN_CONFLICT } from './series-exceptions.js';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators, { workers: false });
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-series');
const adapterFor = createAdapterFactory({
  db,
  secrets: app.secrets,
  providerUrls: app.coreOptions.providerUrls,
  publicUrl: app.coreOptions.publicUrl,
  resolveMicrosoft: (tenantId) => app.microsoft.resolveConsumerProfile(tenantId, 'calendar'),
});
const providerRow = (id: string) => db.selectFrom('calendar_providers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const mappingOf = (providerId: string, entryId: string) =>
  db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirstOrThrow();

/** Mondays 09:00 New York (14:00Z), five of them from 7 December. */
const at = (date: string) => `${date}T14:00:00.000Z`;
const [first, second, third, fourth, fifth] = ['2026-12-07', '2026-12-14', '2026-12-21', '2026-12-28', '2027-01-04'].map(at);

/** A weekly series of five, assigned to the technician. */
const createSeries = (title: string) =>
  db.transaction().execute((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, {
      title,
      notes: null,
      start: first,
      end: '2026-12-07T15:00:00.000Z',
      timeZone: 'America/New_York',
      allDay: false,
      recurrence: 'FREQ=WEEKLY;COUNT=5',
      assigneeIds: [a.technician.id],
      workItemType: 'ad_hoc',
    } as Parameters<typeof createScheduleEntry>[3]),
  );

/** How a technician edits and deletes one occurrence in each calendar app. */
function calendarSide(provider: 'google' | 'microsoft') {
  const { token } = emulators.microsoft.tokens.issue({ tenantId: a.microsoft.tenantId, clientId: 'outlook-web', userId: a.microsoft.userId, scopes: ['Calendars.ReadWrite'] });
  const graph = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulators.microsoft.url}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`Graph ${method} ${path}: ${res.status}`);
    return res.status === 204 ? null : res.json();
  };
  const instances = async (seriesId: string) =>
    (await graph('GET', `/me/events/${encodeURIComponent(seriesId)}/instances?startDateTime=2026-12-01T00:00:00Z&endDateTime=2027-02-01T00:00:00Z`)).value as Array<Record<string, any>>;
  const graphOccurrence = async (seriesId: string, originalStart: string) =>
    (await instances(seriesId)).find((i) => new Date(i.originalStart).toISOString() === originalStart)!.id as string;
  const googleInstance = (seriesId: string, originalStart: string) => `${seriesId}_${originalStart.replace(/[-:]/g, '').replace('.000', '')}`;
  return {
    async edit(seriesId: string, originalStart: string, title: string) {
      if (provider === 'google') emulators.google.changeEvent(a.technician.email, googleInstance(seriesId, originalStart), { summary: title });
      else await graph('PATCH', `/me/events/${encodeURIComponent(await graphOccurrence(seriesId, originalStart))}`, { subject: title });
    },
    async cancel(seriesId: string, originalStart: string) {
      if (provider === 'google') emulators.google.deleteEvent(a.technician.email, googleInstance(seriesId, originalStart));
      else await graph('DELETE', `/me/events/${encodeURIComponent(await graphOccurrence(seriesId, originalStart))}`);
    },
    /** What the calendar shows of the series: [original start, title] per remaining occurrence. */
    async shown(seriesId: string): Promise<Array<[string, string]>> {
      if (provider === 'microsoft') return (await instances(seriesId)).map((i) => [new Date(i.originalStart).toISOString(), i.subject]);
      const stored = emulators.google.events(a.technician.email) as Array<Record<string, any>>;
      const master = stored.find((e) => e.id === seriesId)!;
      const exceptions = new Map(stored.filter((e) => e.recurringEventId === seriesId).map((e) => [new Date(e.originalStartTime.dateTime).toISOString(), e]));
      return [first, second, third, fourth, fifth]
        .filter((start) => exceptions.get(start)?.status !== 'cancelled')
        .map((start) => [start, String((exceptions.get(start) ?? master).summary)]);
    },
  };
}

for (const provider of ['google', 'microsoft'] as const) {
  t.test(`${provider}: one occurrence edited or cancelled on either side reaches the other side as that occurrence`, async (t) => {
    const { providerId } = await connectCalendar(ctx, emulators, a.tech, a.technician.email, provider);
    const row = await providerRow(providerId);
    const adapter = adapterFor(row);
    const pull = () => pullProvider(db, adapter, row, app.notifications);
    const push = (entryId: string) => pushEntry(db, adapter, row, entryId, app.notifications);
    const side = calendarSide(provider);

    const series = await createSeries(`Rounds (${provider})`);
    t.equal(await push(series.id), 'created');
    const seriesEvent = (await mappingOf(providerId, series.id)).external_id!;
    await pull();

    // Calendar → PSA.
    await side.edit(seriesEvent, second, 'Rounds (moved by the technician)');
    await side.cancel(seriesEvent, third);
    const inbound = await pull();
    t.match(inbound, { updated: 1, deleted: 1, conflict: 0 });
    const override = (await findOccurrenceOverride(db, a.tenantId, series.id, second))!;
    t.match(override, { title: 'Rounds (moved by the technician)', seriesEntryId: series.id, originalStart: second, start: second });
    t.same((await getScheduleEntry(db, a.tenantId, series.id)).excludedStarts, [third]);
    t.equal((await mappingOf(providerId, series.id)).cancelled_starts.length, 1, 'the calendar is known to have that cancellation');
    t.equal(await push(override.id), 'unchanged', 'the override is not written back');
    t.equal(await push(series.id), 'unchanged', 'nor is the cancellation');

    // PSA → calendar.
    const psaOverride = await db.transaction().execute((trx) =>
      overrideOccurrence(trx, a.tenantId, a.admin.id, series.id, fourth, { title: 'Rounds (moved in the PSA)' }),
    );
    await db.transaction().execute((trx) => cancelOccurrence(trx, a.tenantId, a.admin.id, series.id, first));
    t.equal(await push(psaOverride.id), 'created');
    await push(series.id);
    t.same(await side.shown(seriesEvent), [
      [second, 'Rounds (moved by the technician)'],
      [fourth, 'Rounds (moved in the PSA)'],
      [fifth, `Rounds (${provider})`],
    ]);

    // Our own writes read back are echoes, and nothing is duplicated.
    const echoes = await pull();
    t.match(echoes, { updated: 0, deleted: 0, imported: 0, conflict: 0 });
    t.ok(echoes.echo >= 2, 'the exception and the cancellation we wrote come back as echoes');
    const overrides = await db.selectFrom('schedule_entries').select('id').where('series_entry_id', '=', series.id).execute();
    t.equal(overrides.length, 2);
    const { rows } = await sql<{ n: string }>`select count(*) as n from calendar_event_mappings where provider_id = ${providerId}`.execute(db);
    t.equal(Number(rows[0].n), 3, 'the series and its two overrides');

    // Deleting an override in the PSA cancels that occurrence, in the PSA and in the calendar.
    await db.transaction().execute((trx) => deleteScheduleEntry(trx, a.tenantId, a.admin.id, psaOverride.id));
    t.equal(await push(psaOverride.id), 'deleted');
    await push(series.id);
    t.same(await side.shown(seriesEvent), [
      [second, 'Rounds (moved by the technician)'],
      [fifth, `Rounds (${provider})`],
    ]);
    t.match(await pull(), { updated: 0, deleted: 0, imported: 0, conflict: 0 });
    t.same([...(await getScheduleEntry(db, a.tenantId, series.id)).excludedStarts].sort(), [first, third, fourth]);
  });
}

t.test('an occurrence changed in the PSA while its series is in conflict waits for the resolution, then reaches the calendar', async (t) => {
  const { providerId } = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
  const row = await providerRow(providerId);
  const adapter = adapterFor(row);
  const push = (entryId: string) => pushEntry(db, adapter, row, entryId, app.notifications);
  const series = await createSeries('Backups');
  t.equal(await push(series.id), 'created');
  const seriesEvent = (await mappingOf(providerId, series.id)).external_id!;
  await pullProvider(db, adapter, row, app.notifications);

  // Renamed on both sides: the series is a conflict.
  emulators.google.changeEvent(a.technician.email, seriesEvent, { summary: 'Backups (calendar)' });
  await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, series.id, { title: 'Backups (PSA)' }));
  t.match(await pullProvider(db, adapter, row, app.notifications), { conflict: 1 });

  const override = await db.transaction().execute((trx) => overrideOccurrence(trx, a.tenantId, a.admin.id, series.id, second, { title: 'Backups (late)' }));
  t.equal(await push(override.id), 'conflict', 'the occurrence waits');
  t.match(await mappingOf(providerId, override.id), { status: 'pending', external_id: null, last_error: SERIES_IN_CONFLICT });
  const instances = () => (emulators.google.events(a.technician.email) as Array<Record<string, any>>).filter((e) => e.recurringEventId === seriesEvent);
  t.same(instances(), [], 'nothing was written to the calendar');

  const [conflict] = (await a.tech.request('GET', '/api/calendar/conflicts')).json().items as Array<{ id: string }>;
  t.equal((await a.tech.request('POST', `/api/calendar/conflicts/${conflict.id}/resolve`, { resolution: 'keep_psa' })).statusCode, 200);
  const { rows } = await sql<{ n: string }>`select count(*) as n from pgboss.job where name = ${PUSH_JOB} and data->>'entryId' = ${override.id} and state = 'created'`.execute(db);
  t.equal(Number(rows[0].n), 1, 'the resolution queued the push of the waiting occurrence');
  await push(series.id);
  t.equal(await push(override.id), 'created');
  t.match(instances(), [{ summary: 'Backups (late)' }]);
  t.match(await mappingOf(providerId, override.id), { status: 'synced', last_error: null });
});

t.test('microsoft: an occurrence moved to another week in the PSA can be changed again', async (t) => {
  const { providerId } = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'microsoft');
  const row = await providerRow(providerId);
  const push = (entryId: string) => pushEntry(db, adapterFor(row), row, entryId, app.notifications);
  const series = await createSeries('Audit');
  t.equal(await push(series.id), 'created');
  const seriesEvent = (await mappingOf(providerId, series.id)).external_id!;
  const nextWeek = { start: '2026-12-21T19:00:00.000Z', end: '2026-12-21T20:00:00.000Z' };
  const override = await db.transaction().execute((trx) => overrideOccurrence(trx, a.tenantId, a.admin.id, series.id, second, { title: 'Audit (moved)', ...nextWeek }));
  t.equal(await push(override.id), 'created');
  await db.transaction().execute((trx) => overrideOccurrence(trx, a.tenantId, a.admin.id, series.id, second, { title: 'Audit (moved, renamed)' }));
  t.equal(await push(override.id), 'updated');
  t.match(await mappingOf(providerId, override.id), { status: 'synced', last_error: null });
  const shown = await calendarSide('microsoft').shown(seriesEvent);
  t.same(shown.filter(([start]) => start === second), [[second, 'Audit (moved, renamed)']]);

  // The technician leaves that occurrence: it leaves their calendar, found by its id far from its original start.
  await db.transaction().execute((trx) => overrideOccurrence(trx, a.tenantId, a.admin.id, series.id, second, { assigneeIds: [] }));
  t.equal(await push(override.id), 'deleted');
  const after = await calendarSide('microsoft').shown(seriesEvent);
  t.same(after.map(([start]) => start), [first, third, fourth, fifth], 'the other occurrences stay');
});
