// Reconnect refills the calendar. When the provider lost the calendar's events with the grant, a
// reconnect to the same account verifies every mapping and re-creates what is gone (without
// deleting anything from the PSA); a reconnect to another account pushes every entry afresh. A
// single push that finds its event deleted in a two-way calendar leaves the decision to the pull.
import t from 'tap';
import { createScheduleEntry, getScheduleEntry, updateScheduleEntry } from '@switchboard/core';
import { loseGoogleCalendarState } from '@switchboard/emulators';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators, type CalendarTenant } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { db } = ctx;

const providerRow = (id: string) => db.selectFrom('calendar_providers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const mappingOf = (providerId: string, entryId: string) =>
  db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirst();
const liveGoogleEvents = (calendarId: string) => emulators.google.events(calendarId).filter((e) => e.status !== 'cancelled') as unknown as { id: string; summary: string }[];

/** Waits for the sync that follows a connect (or "Sync now") to end: a newer last sync, or an error. */
async function syncEnded(providerId: string, after: number) {
  return eventually(async () => {
    const row = await providerRow(providerId);
    return (row.last_sync_at?.getTime() ?? 0) > after || row.status === 'error' ? row : null;
  });
}
const lastSync = async (providerId: string) => (await providerRow(providerId)).last_sync_at?.getTime() ?? 0;

async function syncNow(tenant: CalendarTenant, providerId: string) {
  const before = await lastSync(providerId);
  const res = await tenant.tech.request('POST', `/api/calendar/providers/${providerId}/sync`);
  if (res.statusCode !== 202) throw new Error(`sync now answered ${res.statusCode}`);
  return syncEnded(providerId, before);
}

async function entriesFor(tenant: CalendarTenant, providerId: string, titles: string[]) {
  const entries = [];
  for (const [i, title] of titles.entries()) {
    entries.push(
      await db.transaction().execute((trx) =>
        createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, {
          title,
          notes: null,
          start: `2026-12-1${i}T09:00:00.000Z`,
          end: `2026-12-1${i}T10:00:00.000Z`,
          timeZone: 'UTC',
          allDay: false,
          recurrence: null,
          assigneeIds: [tenant.technician.id],
          workItemType: 'ad_hoc',
        } as Parameters<typeof createScheduleEntry>[3]),
      ),
    );
  }
  for (const entry of entries) await eventually(async () => (await mappingOf(providerId, entry.id))?.status === 'synced');
  return entries;
}

async function connectedGoogle(label: string) {
  const tenant = await setupTenant(ctx, emulators, label);
  const { providerId } = await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, 'google');
  await syncEnded(providerId, 0);
  return { tenant, providerId };
}

t.test('Google lost the calendar and the grant: after a reconnect to the same account the calendar is filled again', async (t) => {
  const { tenant, providerId } = await connectedGoogle('cal-reconnect-same');
  const titles = ['Patch Tuesday', 'Backup check', 'Printer swap'];
  const entries = await entriesFor(tenant, providerId, titles);
  await syncNow(tenant, providerId);

  loseGoogleCalendarState(emulators.google.context, tenant.technician.email, { revokeGrants: true });
  emulators.google.expireAccessTokens({ email: tenant.technician.email });
  t.match(await syncNow(tenant, providerId), { status: 'error', needs_reconnect: true }, 'the lost grant is noticed');

  const before = await lastSync(providerId);
  await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, 'google');
  const row = await syncEnded(providerId, before);
  t.equal(row.status, 'connected');
  t.same(liveGoogleEvents(tenant.technician.email).map((e) => e.summary).sort(), [...titles].sort(), 'every entry is in the calendar again');
  for (const entry of entries) {
    t.ok(await getScheduleEntry(db, tenant.tenantId, entry.id), `"${entry.title}" is still in the PSA`);
    t.equal((await mappingOf(providerId, entry.id))?.status, 'synced');
  }
  t.match((await tenant.tech.request('GET', `/api/calendar/providers/${providerId}`)).json(), { status: 'connected', tokenStatus: 'valid', syncProgress: null });
});

t.test('Microsoft lost the mailbox and the grant: a reconnect re-creates every event', async (t) => {
  const tenant = await setupTenant(ctx, emulators, 'cal-reconnect-ms');
  const { providerId } = await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, 'microsoft');
  await syncEnded(providerId, 0);
  const titles = ['Switch firmware', 'Onboarding'];
  const entries = await entriesFor(tenant, providerId, titles);
  await syncNow(tenant, providerId);

  const mailbox = emulators.microsoft.calendar.mailbox(tenant.microsoft.tenantId, tenant.microsoft.userId);
  mailbox.events.clear();
  mailbox.transactions.clear();
  emulators.microsoft.calendar.expireDeltaTokens();
  emulators.microsoft.identity.revokeRefreshTokens(tenant.microsoft.userId);
  emulators.microsoft.tokens.revoke(tenant.microsoft.tenantId, tenant.microsoft.userId);
  t.match(await syncNow(tenant, providerId), { status: 'error', needs_reconnect: true });

  const before = await lastSync(providerId);
  await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, 'microsoft');
  await syncEnded(providerId, before);
  t.same([...mailbox.events.values()].map((e) => e.subject).sort(), [...titles].sort(), 'the mailbox has every entry again');
  for (const entry of entries) t.ok(await getScheduleEntry(db, tenant.tenantId, entry.id), `"${entry.title}" is still in the PSA`);
});

t.test('a reconnect to another Google account pushes every entry to the new calendar', async (t) => {
  const { tenant, providerId } = await connectedGoogle('cal-reconnect-other');
  const titles = ['Site survey', 'Rack install'];
  await entriesFor(tenant, providerId, titles);
  const other = `second.${tenant.technician.email}`;
  emulators.google.addAccount({ email: other });

  const before = await lastSync(providerId);
  await connectCalendar(ctx, emulators, tenant.tech, other, 'google');
  await syncEnded(providerId, before);
  t.equal((await providerRow(providerId)).account_email, other);
  t.same(liveGoogleEvents(other).map((e) => e.summary).sort(), [...titles].sort(), 'the new calendar has every entry');
  t.equal(liveGoogleEvents(tenant.technician.email).length, titles.length, 'the old calendar keeps its events');
});

t.test('two-way: an event deleted in the calendar before the pull saw it still deletes the entry', async (t) => {
  const { tenant, providerId } = await connectedGoogle('cal-reconnect-delete');
  const [entry] = await entriesFor(tenant, providerId, ['Deleted in Google']);
  const mapping = (await mappingOf(providerId, entry.id))!;
  emulators.google.deleteEvent(tenant.technician.email, mapping.external_id!);
  // A PSA edit pushes before any pull: the push finds the event gone and must not bring it back.
  await db.transaction().execute((trx) => updateScheduleEntry(trx, tenant.tenantId, tenant.admin.id, entry.id, { title: 'Edited in the PSA' }));
  await eventually(async () => (await mappingOf(providerId, entry.id))?.status === 'error');
  await syncNow(tenant, providerId);
  t.equal(await getScheduleEntry(db, tenant.tenantId, entry.id).catch(() => null), null, 'the pull applied the deletion');
  t.equal(liveGoogleEvents(tenant.technician.email).length, 0, 'nothing was re-created');
});
