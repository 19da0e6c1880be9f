// The schedule's sync badges through GET /api/calendar/entry-sync, against the emulators. No worker
// runs: each step pushes itself, so what the API reports before and after a push is deterministic.
import t from 'tap';
import { connectCalendar, setupTenant, startCalendarApp, startEmulators, type CalendarTenant } from '@switchboard/testing/calendar';
import { signIn, type Session } from '@switchboard/testing';
import { createAdapterFactory } from './adapter-factory.js';
import { pushEntry } from './push.js';
import type { EntrySyncState } from './entry-sync.js';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators, { workers: false });
const { app, db } = ctx;
const adapterFor = createAdapterFactory({
  db,
  secrets: app.secrets,
  providerUrls: app.coreOptions.providerUrls,
  publicUrl: app.coreOptions.publicUrl,
  resolveMicrosoft: (tenantId) => app.microsoft.resolveConsumerProfile(tenantId, 'calendar'),
});

const a = await setupTenant(ctx, emulators, 'cal-entry-sync-a');
const b = await setupTenant(ctx, emulators, 'cal-entry-sync-b');
const googleA = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
const googleB = await connectCalendar(ctx, emulators, b.tech, b.technician.email, 'google');

/** The first week of December 2026 (Monday to Monday). */
const WEEK = { from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' };

async function syncStates(session: Session, window: { from: string; to: string } = WEEK): Promise<EntrySyncState[]> {
  const res = await session.request('GET', `/api/calendar/entry-sync?from=${encodeURIComponent(window.from)}&to=${encodeURIComponent(window.to)}`);
  if (res.statusCode !== 200) throw new Error(`entry-sync answered ${res.statusCode}: ${res.body}`);
  return res.json().items;
}
const statesOf = async (session: Session, entryId: string, window = WEEK) => (await syncStates(session, window)).filter((s) => s.entryId === entryId);

async function push(providerId: string, entryId: string) {
  const row = await db.selectFrom('calendar_providers').selectAll().where('id', '=', providerId).executeTakeFirstOrThrow();
  return pushEntry(db, adapterFor(row), row, entryId, app.notifications);
}

async function createEntry(tenant: CalendarTenant, fields: Record<string, unknown>) {
  const res = await tenant.admin.session.request('POST', '/api/schedule-entries', {
    start: '2026-12-02T09:00:00.000Z',
    end: '2026-12-02T10:00:00.000Z',
    timeZone: 'UTC',
    assigneeIds: [tenant.technician.id],
    ...fields,
  });
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}: ${res.body}`);
  return res.json() as { id: string; start: string };
}

t.test('an entry is pending until pushed, synced after, and pending again once edited', async (t) => {
  // The admin has no calendar: only the technician's state is reported.
  const entry = await createEntry(a, { title: 'Firewall upgrade', assigneeIds: [a.technician.id, a.admin.id] });
  t.same(await statesOf(a.tech, entry.id), [{ entryId: entry.id, userId: a.technician.id, status: 'pending', message: null }], 'not in the calendar yet');

  t.equal(await push(googleA.providerId, entry.id), 'created');
  t.same(await statesOf(a.tech, entry.id), [{ entryId: entry.id, userId: a.technician.id, status: 'synced', message: null }]);

  const edited = await a.admin.session.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Firewall upgrade (moved)', start: '2026-12-03T09:00:00.000Z', end: '2026-12-03T10:00:00.000Z' });
  t.equal(edited.statusCode, 200);
  t.match(await statesOf(a.tech, entry.id), [{ status: 'pending' }], 'changed since the last push');
  t.equal(await push(googleA.providerId, entry.id), 'updated');
  t.match(await statesOf(a.tech, entry.id), [{ status: 'synced' }]);

  const moved = await a.admin.session.request('PATCH', `/api/schedule-entries/${entry.id}`, { assigneeIds: [a.admin.id] });
  t.equal(moved.statusCode, 200);
  t.same(await statesOf(a.tech, entry.id), [], 'no state for a technician who is not assigned any more');
});

t.test('a series recurring into the window, its cancelled and its changed occurrences', async (t) => {
  // Weekly on Mondays from 23 November: the occurrences of 30 November and 7 December fall into these two weeks.
  const twoWeeks = { from: WEEK.from, to: '2026-12-14T00:00:00.000Z' };
  const series = await createEntry(a, { title: 'Weekly check', start: '2026-11-23T09:00:00.000Z', end: '2026-11-23T10:00:00.000Z', recurrence: 'FREQ=WEEKLY;COUNT=6' });
  t.match(await statesOf(a.tech, series.id, twoWeeks), [{ status: 'pending' }], 'listed: it recurs into the window');
  await push(googleA.providerId, series.id);
  t.match(await statesOf(a.tech, series.id, twoWeeks), [{ status: 'synced' }]);

  const occurrence = (start: string) => `/api/schedule-entries/${series.id}/occurrences/${encodeURIComponent(start)}`;
  t.equal((await a.admin.session.request('DELETE', occurrence('2026-11-30T09:00:00.000Z'))).statusCode, 204);
  t.match(await statesOf(a.tech, series.id, twoWeeks), [{ status: 'pending' }], 'the cancellation is not in the calendar yet');
  await push(googleA.providerId, series.id);
  t.match(await statesOf(a.tech, series.id, twoWeeks), [{ status: 'synced' }], 'the cancellation was sent');

  const changed = await a.admin.session.request('PUT', occurrence('2026-12-07T09:00:00.000Z'), { title: 'Weekly check (longer)', end: '2026-12-07T11:00:00.000Z' });
  t.equal(changed.statusCode, 200);
  const override = changed.json() as { id: string };
  t.match(await statesOf(a.tech, override.id, twoWeeks), [{ status: 'pending' }], 'the changed occurrence is an entry of its own');
  await push(googleA.providerId, override.id);
  t.match(await statesOf(a.tech, override.id, twoWeeks), [{ status: 'synced' }]);
});

t.test('an entry changed in the calendar and here is a conflict the technician resolves', async (t) => {
  const entry = await createEntry(a, { title: 'Printer swap' });
  await push(googleA.providerId, entry.id);
  const mapping = await db.selectFrom('calendar_event_mappings').selectAll().where('schedule_entry_id', '=', entry.id).executeTakeFirstOrThrow();
  emulators.google.changeEvent(a.technician.email, mapping.external_id!, { summary: 'Printer swap (Google)' });
  await a.admin.session.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Printer swap (PSA)' });
  t.equal(await push(googleA.providerId, entry.id), 'conflict');

  const [state] = await statesOf(a.tech, entry.id);
  t.equal(state.status, 'conflict');
  t.match(state.message, 'tech cal-entry-sync-a chooses which version to keep', "named as seedTenant names the technician");
});

t.test('a calendar that must be reconnected is an error saying who must reconnect', async (t) => {
  const c = await setupTenant(ctx, emulators, 'cal-entry-sync-c');
  const outlook = await connectCalendar(ctx, emulators, c.tech, c.technician.email, 'microsoft');
  const entry = await createEntry(c, { title: 'Switch firmware' });
  await push(outlook.providerId, entry.id);
  t.match(await statesOf(c.tech, entry.id), [{ status: 'synced' }]);

  // The admin moves Calendar off the app registration the technician's calendar was authorized through.
  t.equal((await c.admin.session.request('DELETE', '/api/microsoft/consumers/calendar/binding?confirm=true')).statusCode, 200);
  const [state] = await statesOf(c.tech, entry.id);
  t.equal(state.status, 'error');
  t.equal(state.message, 'tech cal-entry-sync-c must reconnect Microsoft 365 calendar (Profile → Calendar).');
});

t.test("another tenant's entries never appear", async (t) => {
  const mine = await createEntry(a, { title: 'Tenant A only' });
  const theirs = await createEntry(b, { title: 'Tenant B only' });
  await push(googleB.providerId, theirs.id);
  const seenByA = (await syncStates(a.tech)).map((s) => s.entryId);
  const seenByB = (await syncStates(b.tech)).map((s) => s.entryId);
  t.ok(seenByA.includes(mine.id));
  t.notOk(seenByA.includes(theirs.id));
  t.same(seenByB, [theirs.id], 'tenant B sees its own entry only');
});

t.test('the window is validated and only MSP staff may ask', async (t) => {
  const ask = (query: string) => a.tech.request('GET', `/api/calendar/entry-sync?${query}`);
  const cases: [string, RegExp][] = [
    ['to=2026-12-07T00:00:00Z', /from.*is required/],
    ['from=2026-11-30T00:00:00Z', /to.*is required/],
    ['from=yesterday&to=2026-12-07T00:00:00Z', /from.*date-time with offset/],
    ['from=2026-12-07T00:00:00Z&to=2026-11-30T00:00:00Z', /to.*must be after from/],
    ['from=2026-01-01T00:00:00Z&to=2027-01-03T00:00:00Z', /to.*at most 366 days after from/],
  ];
  for (const [query, message] of cases) {
    const res = await ask(query);
    t.equal(res.statusCode, 400, query);
    t.match(res.body, message, query);
  }
  const portal = await signIn(app, a.clientUser.email);
  t.equal((await portal.request('GET', `/api/calendar/entry-sync?from=${WEEK.from}&to=${WEEK.to}`)).statusCode, 403, 'client portal users cannot read the schedule');
  t.equal((await app.inject({ method: 'GET', url: `/api/calendar/entry-sync?from=${WEEK.from}&to=${WEEK.to}` })).statusCode, 401);
});
