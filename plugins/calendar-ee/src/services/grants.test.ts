// Lost grants are noticed at once. The emulators age refresh tokens on their own clock (Google: six
// months unused; Microsoft: 90 days inactive, rotated on every redemption); once one is past its
// lifetime the next sync, through google-auth-library and msal-node, marks the connection
// needs_reconnect and tells the technician and the tenant's admins.
import t, { type Test } from 'tap';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators, type CalendarTenant } from '@switchboard/testing/calendar';
import { loadTokens } from './tokens.js';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { db } = ctx;
const DAY = 86_400;

const providerRow = (id: string) => db.selectFrom('calendar_providers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** "Sync now" and wait until it ended: a newer last sync, or the connection in error. */
async function syncNow(tenant: CalendarTenant, providerId: string) {
  const before = (await providerRow(providerId)).last_sync_at?.getTime() ?? 0;
  const res = await tenant.tech.request('POST', `/api/calendar/providers/${providerId}/sync`);
  if (res.statusCode !== 202) throw new Error(`sync now answered ${res.statusCode}`);
  return eventually(async () => {
    const row = await providerRow(providerId);
    return (row.last_sync_at?.getTime() ?? 0) > before || row.status === 'error' ? row : null;
  });
}

const notificationsOf = (userId: string) => db.selectFrom('notifications').select(['kind', 'title', 'link', 'resolved_at']).where('user_id', '=', userId).where('kind', '=', 'calendar.reconnect_required').execute();

async function connected(label: string, providerType: 'google' | 'microsoft') {
  const tenant = await setupTenant(ctx, emulators, label);
  const { providerId } = await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, providerType);
  await eventually(async () => (await providerRow(providerId)).last_sync_at);
  return { tenant, providerId };
}

async function expectReconnectAsked(t: Test, tenant: CalendarTenant, providerId: string) {
  const card = (await tenant.tech.request('GET', `/api/calendar/providers/${providerId}`)).json();
  t.match(card, { status: 'error', tokenStatus: 'revoked', error: /reconnect/ }, 'the card asks to reconnect');
  t.match(await notificationsOf(tenant.technician.id), [{ title: 'Action required: reconnect your calendar', link: '/profile?tab=calendar', resolved_at: null }], 'the technician is told once');
  t.match(await notificationsOf(tenant.admin.id), [{ title: /calendar needs to be reconnected/, link: '/settings?category=calendar', resolved_at: null }], 'so is the admin');
}

t.test('Google: a refresh token unused for six months answers invalid_grant; the next sync asks to reconnect', async (t) => {
  const { tenant, providerId } = await connected('cal-grant-g', 'google');
  emulators.google.controls.advanceClock(184 * DAY);
  const row = await syncNow(tenant, providerId);
  t.equal(row.needs_reconnect, true);
  await expectReconnectAsked(t, tenant, providerId);
});

t.test('Microsoft: rotated refresh tokens live on; one inactive for 90 days answers AADSTS700082 and the next sync asks to reconnect', async (t) => {
  const { tenant, providerId } = await connected('cal-grant-m', 'microsoft');
  // Each sync refreshes (the access token aged too) and stores the new refresh token.
  for (const days of [60, 60]) {
    emulators.microsoft.controls.advanceClock(days * DAY);
    const row = await syncNow(tenant, providerId);
    t.equal(row.status, 'connected', `still connected after ${days} more days`);
  }
  emulators.microsoft.controls.advanceClock(91 * DAY);
  const row = await syncNow(tenant, providerId);
  t.equal(row.needs_reconnect, true);
  await expectReconnectAsked(t, tenant, providerId);
});

t.test('Microsoft: every refresh stores the rotated refresh token, and the next refresh sends it', async (t) => {
  const { tenant, providerId } = await connected('cal-grant-rotate', 'microsoft');
  const storedRefreshToken = async () => (await loadTokens(db, ctx.app.secrets, tenant.tenantId, providerId))!.refreshToken!;
  const lastUsed = (token: string) => emulators.microsoft.identity.refreshTokenLastUsedAt(token);
  const tokens = [await storedRefreshToken()];
  // A day on the emulator's clock ages the access token: Graph answers 401 and the sync refreshes.
  for (const round of [1, 2]) {
    emulators.microsoft.controls.advanceClock(DAY);
    t.equal((await syncNow(tenant, providerId)).status, 'connected', `sync ${round} succeeded`);
    tokens.push(await storedRefreshToken());
    // Compared with ok, not not(): a failure must not print the tokens.
    t.ok(tokens[round] !== tokens[round - 1], `refresh ${round} stored the rotated refresh token`);
  }
  t.ok(lastUsed(tokens[1])! > lastUsed(tokens[0])!, 'the second refresh redeemed the token the first one received, not the original');
});
