// Outbound sync against the emulators: schedule changes become calendar events (create, update,
// delete, unassign), idempotent creates, 412 handling, throttling, revoked grants, removing a
// connection, and no effect across tenants.
import t from 'tap';
import { createScheduleEntry, deleteScheduleEntry, updateScheduleEntry } from '@switchboard/core';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-push-a');
const b = await setupTenant(ctx, emulators, 'cal-push-b');
const google = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
const microsoft = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'microsoft');
const googleB = await connectCalendar(ctx, emulators, b.tech, b.technician.email, 'google');
// Let the post-connect sync jobs finish before counting requests.
await eventually(async () => (await db.selectFrom('calendar_providers').select('last_sync_at').where('id', 'in', [google.providerId, microsoft.providerId, googleB.providerId]).execute()).every((p) => p.last_sync_at));

// The emulator's stored resources, read loosely: the shape is Calendar v3's event resource.
const googleEvents = (email: string) => emulators.google.events(email).filter((e) => e.status !== 'cancelled') as unknown as Record<string, any>[];
const graphEvents = () => [...emulators.microsoft.calendar.mailbox(a.microsoft.tenantId, a.microsoft.userId).events.values()];
const mappingOf = (providerId: string, entryId: string) =>
  db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirst();

let n = 0;
async function newEntry(overrides: Record<string, unknown> = {}) {
  n += 1;
  return db.transaction().execute((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, {
      title: `Visit ${n}`,
      notes: null,
      start: `2026-12-0${(n % 8) + 1}T14:00:00.000Z`,
      end: `2026-12-0${(n % 8) + 1}T15:30:00.000Z`,
      timeZone: 'America/New_York',
      allDay: false,
      recurrence: null,
      assigneeIds: [a.technician.id],
      workItemType: 'ad_hoc',
      ...overrides,
    } as Parameters<typeof createScheduleEntry>[3]),
  );
}

t.test('a new entry appears in both calendars, carrying our mapping id', async (t) => {
  const entry = await newEntry({ title: 'Firewall upgrade', notes: 'Bring the console cable' });
  const mapping = await eventually(async () => {
    const m = await mappingOf(google.providerId, entry.id);
    return m?.status === 'synced' ? m : null;
  });
  const event = googleEvents(a.technician.email).find((e) => e.id === mapping.external_id)!;
  t.match(event, { summary: 'Firewall upgrade', description: 'Bring the console cable', start: { timeZone: 'America/New_York' } });
  t.equal(new Date(String(event.start.dateTime)).toISOString(), '2026-12-02T14:00:00.000Z');
  t.same(event.extendedProperties?.private, { switchboardMappingId: mapping.id });
  const graph = await eventually(async () => {
    const m = await mappingOf(microsoft.providerId, entry.id);
    return m?.status === 'synced' ? graphEvents().find((e) => e.id === m.external_id) : null;
  });
  t.equal(graph.subject, 'Firewall upgrade');
  t.equal(graph.transactionId, (await mappingOf(microsoft.providerId, entry.id))!.id);
});

t.test('updates and deletes follow; unassigning removes only that technician’s event', async (t) => {
  const entry = await newEntry({ assigneeIds: [a.technician.id, a.admin.id] });
  const mapping = await eventually(async () => ((await mappingOf(google.providerId, entry.id))?.status === 'synced' ? mappingOf(google.providerId, entry.id) : null));
  await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, entry.id, { title: 'Moved visit', start: '2026-12-10T16:00:00.000Z', end: '2026-12-10T17:00:00.000Z' }));
  await eventually(async () => googleEvents(a.technician.email).find((e) => e.id === mapping!.external_id && e.summary === 'Moved visit'));
  t.pass('the update reached Google');
  await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, entry.id, { assigneeIds: [a.admin.id] }));
  await eventually(async () => !(await mappingOf(google.providerId, entry.id)) && !(await mappingOf(microsoft.providerId, entry.id)));
  t.notOk(googleEvents(a.technician.email).some((e) => e.id === mapping!.external_id), 'the unassigned technician’s event is gone');

  const other = await newEntry();
  const otherMapping = await eventually(async () => ((await mappingOf(google.providerId, other.id))?.status === 'synced' ? mappingOf(google.providerId, other.id) : null));
  await db.transaction().execute((trx) => deleteScheduleEntry(trx, a.tenantId, a.admin.id, other.id));
  await eventually(async () => !(await mappingOf(google.providerId, other.id)) && !(await mappingOf(microsoft.providerId, other.id)));
  t.notOk(googleEvents(a.technician.email).some((e) => e.id === otherMapping!.external_id));
});

t.test('all-day and recurring entries round-trip exactly', async (t) => {
  const allDay = await newEntry({ title: 'Offsite', allDay: true, start: '2026-12-21', end: '2026-12-23', timeZone: 'Europe/Berlin' });
  const weekly = await newEntry({ title: 'Standup', start: '2026-12-07T14:00:00.000Z', end: '2026-12-07T14:15:00.000Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270131T235959Z' });
  for (const entry of [allDay, weekly]) {
    for (const providerId of [google.providerId, microsoft.providerId]) {
      await eventually(async () => (await mappingOf(providerId, entry.id))?.status === 'synced');
    }
  }
  const g = googleEvents(a.technician.email);
  t.match(g.find((e) => e.summary === 'Offsite'), { start: { date: '2026-12-21' }, end: { date: '2026-12-23' } });
  t.same(g.find((e) => e.summary === 'Standup')?.recurrence, ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270131T235959Z']);
  const m = graphEvents();
  t.match(m.find((e) => e.subject === 'Offsite'), { isAllDay: true });
  t.match(m.find((e) => e.subject === 'Standup')?.recurrence, { pattern: { type: 'weekly', daysOfWeek: ['monday', 'wednesday'] } });
});

t.test('an event created before a crash is adopted, not duplicated', async (t) => {
  // A previous attempt created the event and died before recording it: the mapping is pending.
  const entry = await newEntry({ title: 'Crash test' });
  await eventually(async () => (await mappingOf(google.providerId, entry.id))?.status === 'synced');
  const mapping = (await mappingOf(google.providerId, entry.id))!;
  await db.updateTable('calendar_event_mappings').set({ external_id: null, status: 'pending', content_hash: null }).where('id', '=', mapping.id).execute();
  await app.jobs.send('calendar.push-entry', { tenantId: a.tenantId, providerId: google.providerId, entryId: entry.id });
  await eventually(async () => (await mappingOf(google.providerId, entry.id))?.status === 'synced');
  t.equal(googleEvents(a.technician.email).filter((e) => e.summary === 'Crash test').length, 1, 'one event');
  t.equal((await mappingOf(google.providerId, entry.id))!.external_id, mapping.external_id, 'the same event');
});

t.test('throttling: a 429 with Retry-After is waited out and retried', async (t) => {
  const before = emulators.google.controls.count('POST /calendar/v3/calendars/:calendarId/events');
  emulators.google.controls.inject({ method: 'POST', path: '^/calendar/v3/calendars/[^/]+/events$', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
  const entry = await newEntry({ title: 'Throttled' });
  await eventually(async () => (await mappingOf(google.providerId, entry.id))?.status === 'synced');
  t.equal(emulators.google.controls.count('POST /calendar/v3/calendars/:calendarId/events') - before, 3, 'two refusals, then the create');
  t.equal(googleEvents(a.technician.email).filter((e) => e.summary === 'Throttled').length, 1);
});

t.test('412: a calendar-side edit of the content is a conflict; a metadata-only change is overwritten', async (t) => {
  const entry = await newEntry({ title: 'Edited both sides' });
  const mapping = await eventually(async () => ((await mappingOf(google.providerId, entry.id))?.status === 'synced' ? mappingOf(google.providerId, entry.id) : null));
  emulators.google.changeEvent(a.technician.email, mapping!.external_id!, { summary: 'Renamed in Google' });
  await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, entry.id, { title: 'Renamed in the PSA' }));
  const conflicted = await eventually(async () => ((await mappingOf(google.providerId, entry.id))?.status === 'conflict' ? mappingOf(google.providerId, entry.id) : null));
  t.match(conflicted!.last_error, /both/);
  t.equal(googleEvents(a.technician.email).find((e) => e.id === mapping!.external_id)?.summary, 'Renamed in Google', 'nothing overwritten');

  const second = await newEntry({ title: 'Color only' });
  const m2 = await eventually(async () => ((await mappingOf(google.providerId, second.id))?.status === 'synced' ? mappingOf(google.providerId, second.id) : null));
  emulators.google.changeEvent(a.technician.email, m2!.external_id!, { colorId: '5' });
  await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, second.id, { title: 'Color only, renamed' }));
  await eventually(async () => googleEvents(a.technician.email).find((e) => e.id === m2!.external_id)?.summary === 'Color only, renamed');
  t.equal((await mappingOf(google.providerId, second.id))!.status, 'synced');
});

t.test('no effect across tenants', async (t) => {
  const before = googleEvents(b.technician.email).length;
  await newEntry({ title: 'Tenant A only' });
  await eventually(async () => googleEvents(a.technician.email).some((e) => e.summary === 'Tenant A only'));
  t.equal(googleEvents(b.technician.email).length, before);
  t.equal((await db.selectFrom('calendar_event_mappings').select('id').where('tenant_id', '=', b.tenantId).execute()).length, 0);
});

t.test('a revoked grant turns the connection to error and asks the technician to reconnect, once', async (t) => {
  emulators.google.revokeRefreshTokens({ email: b.technician.email });
  emulators.google.expireAccessTokens({ email: b.technician.email });
  await db.updateTable('calendar_providers').set({ updated_at: new Date() }).where('id', '=', googleB.providerId).execute();
  // Expire our copy too, so the next call must refresh.
  const stored = JSON.parse((await app.secrets.get(db, b.tenantId, `calendar_provider:${googleB.providerId}:tokens`))!);
  await app.secrets.put(db, b.tenantId, `calendar_provider:${googleB.providerId}:tokens`, JSON.stringify({ ...stored, expiresAt: 0 }));
  // Two changes to push: both need a token, the refresh is refused each time, the technician is told once.
  for (const title of ['After revocation 1', 'After revocation 2']) {
    await db.transaction().execute((trx) =>
      createScheduleEntry(trx, b.tenantId, b.admin.id, { title, notes: null, start: '2026-12-03T10:00:00.000Z', end: '2026-12-03T11:00:00.000Z', timeZone: 'UTC', allDay: false, recurrence: null, assigneeIds: [b.technician.id], workItemType: 'ad_hoc' } as Parameters<typeof createScheduleEntry>[3]),
    );
  }
  const provider = await eventually(async () => {
    const p = (await b.tech.request('GET', `/api/calendar/providers/${googleB.providerId}`)).json();
    return p.status === 'error' ? p : null;
  });
  t.match(provider, { tokenStatus: 'revoked', error: /Action required: reconnect/ });
  const notes = await db.selectFrom('notifications').select(['title', 'resolved_at']).where('user_id', '=', b.technician.id).execute();
  t.same(notes.map((x) => x.title), ['Action required: reconnect your calendar'], 'one notification');
  t.equal((await b.tech.request('POST', `/api/calendar/providers/${googleB.providerId}/sync`)).statusCode, 409, 'sync now needs a connected calendar');

  const again = await connectCalendar(ctx, emulators, b.tech, b.technician.email, 'google');
  t.equal(again.location, '/profile?tab=calendar&connected=google');
  t.match((await b.tech.request('GET', `/api/calendar/providers/${googleB.providerId}`)).json(), { status: 'connected', tokenStatus: 'valid', error: null });
  t.ok((await db.selectFrom('notifications').select('resolved_at').where('user_id', '=', b.technician.id).executeTakeFirstOrThrow()).resolved_at, 'reconnecting clears it');
});

t.test('removing a connection revokes the Google grant and forgets mappings and tokens; events stay', async (t) => {
  const eventsBefore = googleEvents(a.technician.email).length;
  const revokes = emulators.google.controls.count('POST /revoke');
  const res = await a.tech.request('DELETE', `/api/calendar/providers/${google.providerId}`);
  t.equal(res.statusCode, 200);
  t.equal(emulators.google.controls.count('POST /revoke') - revokes, 1);
  t.equal((await db.selectFrom('calendar_event_mappings').select('id').where('provider_id', '=', google.providerId).execute()).length, 0);
  t.equal(await app.secrets.has(db, a.tenantId, `calendar_provider:${google.providerId}:tokens`), false);
  t.equal(googleEvents(a.technician.email).length, eventsBefore, 'the calendar keeps its events');
  t.equal((await a.tech.request('GET', `/api/calendar/providers/${google.providerId}`)).statusCode, 404);
});
