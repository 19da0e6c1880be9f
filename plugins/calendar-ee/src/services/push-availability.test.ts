// Google and Graph refuse webhook URLs that are not https. With a plain-http PUBLIC_URL (and the
// providers not the local emulators) no channel is asked for, the connection card and the health
// view say why, and the sync still runs (the sweep's job).
import t from 'tap';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
// '' unsets the harness's SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS=true: a server in production mode.
const ctx = await startCalendarApp(t, emulators, { env: { SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: '' } });
const WATCH = 'POST /calendar/v3/calendars/:calendarId/events/watch';

t.test('with an http PUBLIC_URL a connection syncs without a push channel, and the card and health view say why', async (t) => {
  const tenant = await setupTenant(ctx, emulators, 'push-http');
  const google = await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, 'google');
  const microsoft = await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, 'microsoft');
  const synced = () =>
    ctx.db.selectFrom('calendar_providers').selectAll().where('id', 'in', [google.providerId, microsoft.providerId]).where('last_sync_at', 'is not', null).execute();
  const rows = await eventually(async () => ((await synced()).length === 2 ? synced() : null));

  t.same(rows.map((r) => r.channel_id), [null, null], 'no channel stored');
  t.equal(emulators.google.controls.count(WATCH), 0, 'Google was not asked to watch');
  t.equal(emulators.microsoft.controls.count('POST /v1.0/subscriptions'), 0, 'Graph was not asked to subscribe');
  t.same(rows.map((r) => r.status), ['connected', 'connected'], 'no failure is counted against the connection');

  const { items } = (await tenant.tech.request('GET', '/api/calendar/providers?scope=mine')).json();
  t.equal(items.length, 2);
  for (const card of items) {
    t.match(card.push, { available: false, reason: /^PUBLIC_URL is not https, so Google and Microsoft cannot deliver change notifications; changes are picked up by the periodic sync every 15 minutes\.$/ });
  }
  const health = (await tenant.admin.session.request('GET', '/api/integrations/health')).json();
  t.match(health.items, [{ kind: 'calendar_push_unavailable', severity: 'warning', reason: /^PUBLIC_URL is not https/, action: /https PUBLIC_URL/ }]);
});
