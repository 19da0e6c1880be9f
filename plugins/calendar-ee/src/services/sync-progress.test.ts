// The page says a sync runs only while one can: progress a dead run left on the connection (a killed
// worker writes no "done") is not reported once the sync job would have expired, nor on a
// connection that does not sync. No job runs here, so the progress rows are exactly what the test wrote.
import t from 'tap';
import type { SyncProgress } from '@switchboard/db';
import { connectCalendar, setupTenant, startCalendarApp, startEmulators, type CalendarTenant } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators, { workers: false });
const { db } = ctx;
const MINUTE = 60_000;

const tenant: CalendarTenant = await setupTenant(ctx, emulators, 'cal-progress');
const { providerId } = await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, 'google');

async function withProgress(startedMinutesAgo: number, status: { status: 'connected' | 'error'; needs_reconnect: boolean } = { status: 'connected', needs_reconnect: false }) {
  const progress: SyncProgress = { phase: 'push', done: 10, total: 40, startedAt: new Date(Date.now() - startedMinutesAgo * MINUTE).toISOString() };
  await db.updateTable('calendar_providers').set({ ...status, sync_progress: JSON.stringify(progress) }).where('id', '=', providerId).execute();
  const card = (await tenant.tech.request('GET', `/api/calendar/providers/${providerId}`)).json();
  const listed = (await tenant.admin.session.request('GET', '/api/calendar/providers?scope=all')).json().items.find((p: { id: string }) => p.id === providerId);
  return { card: card.syncProgress, listed: listed.syncProgress, progress };
}

t.test('a sync that started a minute ago is reported with its progress', async (t) => {
  const { card, listed, progress } = await withProgress(1);
  t.same(card, progress, "on the technician's card");
  t.same(listed, progress, "on the admin's list");
});

t.test('progress older than a sync job may run is a dead run and not reported', async (t) => {
  const { card, listed } = await withProgress(16);
  t.equal(card, null);
  t.equal(listed, null);
});

t.test('progress on a connection that needs a reconnect is not reported: it cannot be syncing', async (t) => {
  const { card, listed } = await withProgress(1, { status: 'error', needs_reconnect: true });
  t.equal(card, null);
  t.equal(listed, null);
});
