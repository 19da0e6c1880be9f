// Calendar → PSA against the emulators, with the app listening so their notifications really
// arrive: webhooks lead to pulls, echo suppression, deletes and unassigns, dropped and duplicated
// notifications, expired cursors, conflicts and their resolutions, forged webhooks, lifecycle
// events and channel renewal.
import t from 'tap';
import { sql } from 'kysely';
import { createScheduleEntry, getScheduleEntry, updateScheduleEntry } from '@switchboard/core';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
// A one-minute sweep spreads its syncs over a few seconds (a tenth of the interval).
const ctx = await startCalendarApp(t, emulators, { listen: true, sweepMinutes: 1 });
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-in-a');
const google = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
const microsoft = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'microsoft');
const providerRow = (id: string) => db.selectFrom('calendar_providers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
// The post-connect sync creates the push channels.
await eventually(async () => (await providerRow(google.providerId)).channel_id && (await providerRow(microsoft.providerId)).channel_id);

/** No calendar job queued, retrying or running (checked twice, a moment apart). */
async function calendarJobsDone() {
  let quiet = 0;
  await eventually(async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from pgboss.job where name like 'calendar.%' and name not in ('calendar.sweep', 'calendar.recover-jobs') and state in ('created', 'retry', 'active')`.execute(db);
    quiet = Number(rows[0].n) === 0 ? quiet + 1 : 0;
    if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, 1200));
    return quiet >= 2;
  });
}

const mappingOf = (providerId: string, entryId: string) =>
  db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirst();
const entryOf = (id: string) => getScheduleEntry(db, a.tenantId, id).catch(() => null);

let n = 0;
async function syncedEntry(providerId: string, assigneeIds = [a.technician.id]) {
  n += 1;
  const entry = await db.transaction().execute((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, {
      title: `Inbound ${n}`,
      notes: null,
      start: '2026-12-14T15:00:00.000Z',
      end: '2026-12-14T16:00:00.000Z',
      timeZone: 'Europe/London',
      allDay: false,
      recurrence: null,
      assigneeIds,
      workItemType: 'ad_hoc',
    } as Parameters<typeof createScheduleEntry>[3]),
  );
  const mapping = await eventually(async () => {
    const m = await mappingOf(providerId, entry.id);
    return m?.status === 'synced' ? m : null;
  });
  return { entry, mapping };
}

async function graphPatch(eventId: string, body: Record<string, unknown>) {
  const { token } = emulators.microsoft.tokens.issue({ tenantId: a.microsoft.tenantId, clientId: 'outside-app', userId: a.microsoft.userId, scopes: ['Calendars.ReadWrite'] });
  const res = await fetch(`${emulators.microsoft.url}/v1.0/me/events/${eventId}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`Graph PATCH ${res.status}`);
}

t.test('a change in Google reaches the PSA through the webhook; our own writes are not echoed back', async (t) => {
  const { entry, mapping } = await syncedEntry(google.providerId);
  await emulators.google.idle();
  const version = (await entryOf(entry.id))!.version;
  emulators.google.changeEvent(a.technician.email, mapping.external_id!, { summary: 'Renamed in Google' });
  const changed = await eventually(async () => ((await entryOf(entry.id))?.title === 'Renamed in Google' ? entryOf(entry.id) : null));
  t.equal(changed!.version, version + 1, 'one PSA write');
  t.ok((await providerRow(google.providerId)).last_notification_at, 'the notification was recorded');
  // Our push of that change (to the Microsoft calendar) and its read-back change nothing more.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await emulators.google.idle();
  t.equal((await entryOf(entry.id))!.version, version + 1, 'no ping-pong');
});

t.test('a change in Microsoft 365 reaches the PSA', async (t) => {
  const { entry, mapping } = await syncedEntry(microsoft.providerId);
  await graphPatch(mapping.external_id!, { subject: 'Renamed in Outlook' });
  await eventually(async () => (await entryOf(entry.id))?.title === 'Renamed in Outlook');
  t.pass();
});

t.test('deleting in the calendar deletes the entry, or only unassigns when others are assigned', async (t) => {
  const single = await syncedEntry(google.providerId);
  emulators.google.deleteEvent(a.technician.email, single.mapping.external_id!);
  await eventually(async () => (await entryOf(single.entry.id)) === null);
  const shared = await syncedEntry(google.providerId, [a.technician.id, a.admin.id]);
  emulators.google.deleteEvent(a.technician.email, shared.mapping.external_id!);
  const after = await eventually(async () => {
    const e = await entryOf(shared.entry.id);
    return e && !e.assigneeIds.includes(a.technician.id) ? e : null;
  });
  t.same(after.assigneeIds, [a.admin.id], 'the other assignee keeps the entry');
});

t.test('unmapped events are imported only when the connection says so', async (t) => {
  const before = (await db.selectFrom('schedule_entries').select('id').where('tenant_id', '=', a.tenantId).execute()).length;
  emulators.google.insertEvent(a.technician.email, { summary: 'Dentist', start: { dateTime: '2026-12-15T09:00:00Z' }, end: { dateTime: '2026-12-15T10:00:00Z' } });
  await emulators.google.idle();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.equal((await db.selectFrom('schedule_entries').select('id').where('tenant_id', '=', a.tenantId).execute()).length, before, 'not imported by default');
  await a.tech.request('PATCH', `/api/calendar/providers/${google.providerId}`, { importUnmapped: true });
  emulators.google.insertEvent(a.technician.email, { summary: 'Customer lunch', start: { dateTime: '2026-12-16T12:00:00Z' }, end: { dateTime: '2026-12-16T13:00:00Z' }, attendees: [{ email: a.admin.email.toUpperCase() }] });
  const imported = await eventually(async () =>
    db.selectFrom('schedule_entries').selectAll().where('tenant_id', '=', a.tenantId).where('title', '=', 'Customer lunch').executeTakeFirst(),
  );
  t.equal(imported.work_item_type, 'ad_hoc');
  t.same((await entryOf(imported.id))!.assigneeIds.sort(), [a.technician.id, a.admin.id].sort(), 'attendees matched by normalised email');
  await a.tech.request('PATCH', `/api/calendar/providers/${google.providerId}`, { importUnmapped: false });
});

t.test('a calendar series the schedule cannot hold is left out, never cut down to one occurrence', async (t) => {
  await a.tech.request('PATCH', `/api/calendar/providers/${google.providerId}`, { importUnmapped: true });
  t.teardown(() => a.tech.request('PATCH', `/api/calendar/providers/${google.providerId}`, { importUnmapped: false }));
  const titled = (title: string) => db.selectFrom('schedule_entries').selectAll().where('tenant_id', '=', a.tenantId).where('title', '=', title).executeTakeFirst();
  // Created before a series the schedule can hold; once that one is imported, this one was seen too.
  emulators.google.insertEvent(a.technician.email, { summary: 'Hourly check', start: { dateTime: '2026-12-17T09:00:00Z' }, end: { dateTime: '2026-12-17T09:10:00Z' }, recurrence: ['RRULE:FREQ=HOURLY'] });
  emulators.google.insertEvent(a.technician.email, { summary: 'Weekly sync', start: { dateTime: '2026-12-17T10:00:00Z' }, end: { dateTime: '2026-12-17T11:00:00Z' }, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=TH'] });
  const weekly = await eventually(() => titled('Weekly sync'));
  t.equal(weekly.recurrence, 'FREQ=WEEKLY;BYDAY=TH');
  t.notOk(await titled('Hourly check'), 'the hourly series is not imported');

  // A mapped series changed in the calendar to a rule the schedule cannot hold keeps its PSA version.
  const series = await syncedEntry(google.providerId);
  await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, series.entry.id, { recurrence: 'FREQ=DAILY;COUNT=5' }));
  await calendarJobsDone();
  const before = (await entryOf(series.entry.id))!;
  emulators.google.changeEvent(a.technician.email, series.mapping.external_id!, { summary: 'Every hour now', recurrence: ['RRULE:FREQ=HOURLY;COUNT=50'] });
  emulators.google.insertEvent(a.technician.email, { summary: 'Barrier', start: { dateTime: '2026-12-18T10:00:00Z' }, end: { dateTime: '2026-12-18T11:00:00Z' } });
  await eventually(() => titled('Barrier'));
  const after = (await entryOf(series.entry.id))!;
  t.equal(after.version, before.version, 'the PSA entry is not rewritten');
  t.equal(after.recurrence, 'FREQ=DAILY;COUNT=5', 'and keeps its series');
});

t.test('duplicated notifications cause one PSA write; dropped ones are healed by the sweep', async (t) => {
  const { entry, mapping } = await syncedEntry(google.providerId);
  await emulators.google.idle();
  const version = (await entryOf(entry.id))!.version;
  emulators.google.controls.duplicateNotifications(3);
  emulators.google.changeEvent(a.technician.email, mapping.external_id!, { summary: 'Duplicated' });
  await eventually(async () => (await entryOf(entry.id))?.title === 'Duplicated');
  await emulators.google.idle();
  await calendarJobsDone();
  t.equal((await entryOf(entry.id))!.version, version + 1);

  emulators.google.controls.dropNotifications(1);
  emulators.google.changeEvent(a.technician.email, mapping.external_id!, { summary: 'Nobody told us' });
  await emulators.google.idle();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  t.equal((await entryOf(entry.id))!.title, 'Duplicated', 'no notification, no change yet');
  await app.jobs.send('calendar.sweep', {});
  await eventually(async () => (await entryOf(entry.id))?.title === 'Nobody told us', 30_000);
  t.pass('the sweep pulled it');
});

t.test('an expired sync token resets the cursor and re-lists without duplicates', async (t) => {
  const { entry, mapping } = await syncedEntry(google.providerId);
  const count = async () => (await db.selectFrom('calendar_event_mappings').select('id').where('provider_id', '=', google.providerId).execute()).length;
  const entries = async () => (await db.selectFrom('schedule_entries').select('id').where('tenant_id', '=', a.tenantId).execute()).length;
  const [mappingsBefore, entriesBefore] = [await count(), await entries()];
  emulators.google.expireSyncTokens();
  emulators.google.changeEvent(a.technician.email, mapping.external_id!, { summary: 'After expiry' });
  await eventually(async () => (await entryOf(entry.id))?.title === 'After expiry');
  t.equal(await count(), mappingsBefore);
  t.equal(await entries(), entriesBefore);
});

t.test('a change on both sides is a conflict, resolved each way', async (t) => {
  const resolveWith = async (body: Record<string, unknown>) => {
    const { entry, mapping } = await syncedEntry(google.providerId);
    await emulators.google.idle();
    // A pull still running from the round before (its echoes) would take the calendar change
    // below as a plain update before the PSA change exists, and there would be no conflict.
    await calendarJobsDone();
    emulators.google.controls.dropNotifications(5);
    emulators.google.changeEvent(a.technician.email, mapping.external_id!, { summary: 'Calendar title', start: { dateTime: '2026-12-14T17:00:00Z' }, end: { dateTime: '2026-12-14T18:00:00Z' } });
    await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, entry.id, { title: 'PSA title' }));
    await eventually(async () => (await mappingOf(google.providerId, entry.id))?.status === 'conflict');
    const listed = (await a.tech.request('GET', '/api/calendar/conflicts')).json().items.find((c: { scheduleEntryId: string }) => c.scheduleEntryId === entry.id);
    t.match(listed, { psa: { title: 'PSA title' }, calendar: { title: 'Calendar title' } });
    const res = await a.tech.request('POST', `/api/calendar/conflicts/${listed.id}/resolve`, body);
    t.equal(res.statusCode, 200);
    await eventually(async () => {
      const m = await mappingOf(google.providerId, entry.id);
      const remote = emulators.google.events(a.technician.email).find((e) => e.id === m?.external_id) as unknown as { summary: string } | undefined;
      const psa = await entryOf(entry.id);
      return m?.status === 'synced' && remote?.summary === psa?.title;
    });
    return { entry: (await entryOf(entry.id))! };
  };
  const keepPsa = await resolveWith({ resolution: 'keep_psa' });
  t.equal(keepPsa.entry.title, 'PSA title');
  t.equal(keepPsa.entry.start, '2026-12-14T15:00:00.000Z', 'PSA time kept');
  const keepCalendar = await resolveWith({ resolution: 'keep_calendar' });
  t.equal(keepCalendar.entry.title, 'Calendar title');
  t.equal(keepCalendar.entry.start, '2026-12-14T17:00:00.000Z');
  const merge = await resolveWith({ resolution: 'merge', fields: { title: 'calendar', time: 'psa' } });
  t.equal(merge.entry.title, 'Calendar title');
  t.equal(merge.entry.start, '2026-12-14T15:00:00.000Z');
  const notes = await db.selectFrom('notifications').select(['kind', 'resolved_at']).where('user_id', '=', a.technician.id).where('kind', '=', 'calendar.conflict').execute();
  t.equal(notes.length, 3, 'one notification per conflict');
  t.ok(notes.every((x) => x.resolved_at), 'each cleared by its resolution');
  const events = await db.selectFrom('outbox_events').select('id').where('tenant_id', '=', a.tenantId).where('event_type', '=', 'calendar.conflict_detected').execute();
  t.equal(events.length, 3);
});

t.test('forged or unknown webhooks are refused and start no work', async (t) => {
  const googleRow = await providerRow(google.providerId);
  const post = (url: string, headers: Record<string, string>, payload?: unknown) => app.inject({ method: 'POST', url, headers, payload: payload as object });
  t.equal((await post('/api/calendar/webhooks/google', { 'x-goog-channel-id': googleRow.channel_id!, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': googleRow.channel_resource_id!, 'x-goog-channel-token': 'forged' })).statusCode, 401);
  // A token of the real one's length (43 characters) that is not it.
  const sameLength = (await app.secrets.get(db, a.tenantId, `calendar_provider:${google.providerId}:webhook`))!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  t.equal((await post('/api/calendar/webhooks/google', { 'x-goog-channel-id': googleRow.channel_id!, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': googleRow.channel_resource_id!, 'x-goog-channel-token': sameLength })).statusCode, 401);
  t.equal((await post('/api/calendar/webhooks/google', { 'x-goog-channel-id': 'unknown', 'x-goog-resource-state': 'exists', 'x-goog-channel-token': 'x' })).statusCode, 404);
  t.equal((await post('/api/calendar/webhooks/google', {})).statusCode, 400);
  const graph = await providerRow(microsoft.providerId);
  const forged = await post('/api/calendar/webhooks/microsoft', { 'content-type': 'application/json' }, { value: [{ subscriptionId: graph.channel_id, clientState: 'forged', changeType: 'updated' }] });
  t.equal(forged.statusCode, 401);
  const echo = await app.inject({ method: 'POST', url: '/api/calendar/webhooks/microsoft?validationToken=Validation%3A%20Testing%20client%20application%20reachability', headers: { 'content-type': 'text/plain' }, payload: '' });
  t.equal(echo.statusCode, 200);
  t.equal(echo.body, 'Validation: Testing client application reachability');
  t.match(echo.headers['content-type'], /^text\/plain/);
});

t.test('Graph lifecycle events: removed → re-created, reauthorization → renewed, missed → full pull', async (t) => {
  const before = await providerRow(microsoft.providerId);
  emulators.microsoft.calendar.sendLifecycle(before.channel_id!, 'subscriptionRemoved');
  const recreated = await eventually(async () => {
    const p = await providerRow(microsoft.providerId);
    return p.channel_id && p.channel_id !== before.channel_id ? p : null;
  });
  t.ok(emulators.microsoft.calendar.subscriptions().some((s) => s.id === recreated.channel_id), 'a new subscription exists');
  const patches = emulators.microsoft.controls.count('PATCH /v1.0/subscriptions/:id');
  emulators.microsoft.calendar.sendLifecycle(recreated.channel_id!, 'reauthorizationRequired');
  await eventually(async () => emulators.microsoft.controls.count('PATCH /v1.0/subscriptions/:id') > patches);
  t.pass('renewed');
  const { entry, mapping } = await syncedEntry(microsoft.providerId);
  // Exactly the change's notification is lost (a drop left over would swallow the lifecycle event).
  await emulators.microsoft.calendar.notificationsIdle();
  emulators.microsoft.controls.dropNotifications(1);
  await graphPatch(mapping.external_id!, { subject: 'Missed change' });
  await emulators.microsoft.calendar.notificationsIdle();
  t.equal(emulators.microsoft.calendar.deliveries.at(-1)?.outcome, 'dropped', "the change's notification was lost");
  emulators.microsoft.calendar.sendLifecycle(recreated.channel_id!, 'missed');
  await eventually(async () => (await entryOf(entry.id))?.title === 'Missed change');
  t.pass('the missed change was pulled');
});

t.test('renewal before expiry: Google gets a new channel and the old one is stopped', async (t) => {
  const before = await providerRow(google.providerId);
  // As if six and a half days had passed: the channel expires within the renewal margin.
  await db.updateTable('calendar_providers').set({ channel_expires_at: new Date(Date.now() + 3600_000) }).where('id', '=', google.providerId).execute();
  await app.jobs.send('calendar.maintain-watch', { tenantId: a.tenantId, providerId: google.providerId }, { singletonKey: google.providerId });
  // The new channel is saved first, the old one stopped right after.
  const after = await eventually(async () => {
    const p = await providerRow(google.providerId);
    return p.channel_id !== before.channel_id && emulators.google.channels().find((c) => c.id === before.channel_id)?.stopped ? p : null;
  });
  t.ok(after.channel_expires_at!.getTime() > Date.now() + 6 * 86_400_000, 'about a week ahead');
  t.equal(emulators.google.channels().find((c) => c.id === before.channel_id)?.stopped, true, 'the old channel was stopped');
});

t.test('repeated renewal failures turn the connection to error and tell the technician; a later success heals it', async (t) => {
  const failures = async () => (await providerRow(microsoft.providerId)).consecutive_failures;
  emulators.microsoft.controls.inject({ path: '^/v1.0/subscriptions', kind: 'status', status: 400, times: 0 });
  for (let i = 1; i <= 3; i++) {
    await app.jobs.send('calendar.maintain-watch', { tenantId: a.tenantId, providerId: microsoft.providerId, force: 'renew' }, { singletonKey: microsoft.providerId });
    await eventually(async () => (await failures()) >= i);
  }
  const broken = (await a.tech.request('GET', `/api/calendar/providers/${microsoft.providerId}`)).json();
  t.match(broken, { status: 'error', error: /Calendar updates are delayed/, tokenStatus: 'valid', health: { consecutiveFailures: 3 } });
  const alert = await db.selectFrom('notifications').selectAll().where('user_id', '=', a.technician.id).where('kind', '=', 'calendar.renewal_failed').execute();
  t.equal(alert.length, 1, 'told once');
  emulators.microsoft.controls.clearFaults();
  await app.jobs.send('calendar.maintain-watch', { tenantId: a.tenantId, providerId: microsoft.providerId, force: 'renew' }, { singletonKey: microsoft.providerId });
  const healed = await eventually(async () => {
    const p = (await a.tech.request('GET', `/api/calendar/providers/${microsoft.providerId}`)).json();
    return p.status === 'connected' ? p : null;
  });
  t.equal(healed.health.consecutiveFailures, 0);
  t.ok((await db.selectFrom('notifications').select('resolved_at').where('id', '=', alert[0].id).executeTakeFirstOrThrow()).resolved_at, 'the alert is cleared');
});
