// Connecting calendars end to end through the emulators' consent pages and the real libraries
// (google-auth-library, msal-node): success for both providers, every refusal of the callback,
// missing configuration, guards and tenant isolation.
import t from 'tap';
import { createHash } from 'node:crypto';
import { signIn } from '@switchboard/testing';
import { submitGoogleConsent } from '@switchboard/emulators';
import { connectCalendar, GOOGLE_SECRET, MICROSOFT_SECRET, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';

const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators);
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-connect-a');
const b = await setupTenant(ctx, emulators, 'cal-connect-b');

for (const providerType of ['google', 'microsoft'] as const) {
  t.test(`${providerType}: connects end to end; tokens stay in the secret store`, async (t) => {
    const { providerId, location } = await connectCalendar(ctx, emulators, a.tech, a.technician.email, providerType);
    t.equal(location, `/profile?tab=calendar&connected=${providerType}`);
    const provider = (await a.tech.request('GET', `/api/calendar/providers/${providerId}`)).json();
    t.match(provider, { status: 'connected', accountEmail: a.technician.email, tokenStatus: 'valid', error: null, providerType });
    const stored = JSON.parse((await app.secrets.get(db, a.tenantId, `calendar_provider:${providerId}:tokens`))!);
    t.ok(stored.accessToken && stored.refreshToken, 'access and refresh tokens are stored');
    const listed = (await a.tech.request('GET', '/api/calendar/providers')).body;
    t.notOk(listed.includes(stored.accessToken) || listed.includes(stored.refreshToken), 'no token in any response');
    const audit = await db.selectFrom('audit_log').select('action').where('target_id', '=', providerId).orderBy('id').execute();
    t.same(audit.map((x) => x.action), ['calendar_provider.created', 'calendar_provider.connected']);
  });
}

t.test('the authorize URL uses PKCE S256 with the stored verifier and a state bound to the provider', async (t) => {
  const created = (await b.tech.request('POST', '/api/calendar/providers', { providerType: 'google' })).json();
  const { authorizeUrl } = (await b.tech.request('POST', `/api/calendar/providers/${created.id}/connect`)).json();
  const url = new URL(authorizeUrl);
  t.equal(url.searchParams.get('code_challenge_method'), 'S256');
  t.equal(url.searchParams.get('access_type'), 'offline');
  const stateHash = createHash('sha256').update(url.searchParams.get('state')!).digest('hex');
  const row = await db.selectFrom('calendar_oauth_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirstOrThrow();
  t.match(row, { tenant_id: b.tenantId, user_id: b.technician.id, provider_id: created.id, provider_type: 'google', consumed_at: null });
  t.equal(createHash('sha256').update(row.code_verifier).digest('base64url'), url.searchParams.get('code_challenge'));
  t.ok(row.expires_at.getTime() - Date.now() <= 10 * 60_000 && row.expires_at.getTime() - Date.now() > 9 * 60_000, 'expires in 10 minutes');
});

t.test('callback refusals write nothing', async (t) => {
  const tech = await signIn(app, b.technician.email);
  const providerRow = await db.selectFrom('calendar_providers').select('id').where('tenant_id', '=', b.tenantId).where('user_id', '=', b.technician.id).where('provider_type', '=', 'google').executeTakeFirstOrThrow();
  const start = async () => {
    const { authorizeUrl } = (await tech.request('POST', `/api/calendar/providers/${providerRow.id}/connect`)).json();
    const back = await submitGoogleConsent(authorizeUrl, { email: b.technician.email });
    return back.pathname + back.search;
  };
  const call = async (url: string, cookie = tech.cookie) => String((await app.inject({ method: 'GET', url, headers: { cookie } })).headers.location);
  const refusal = (reason: string) => `/profile?tab=calendar&calendarError=${reason}`;

  const foreign = await start();
  t.equal(await call(foreign, b.admin.session.cookie), refusal('wrong_user'), "another user's browser cannot complete it");
  t.equal(await call('/api/auth/google/calendar/callback?code=x&state=forged'), refusal('state_invalid'));
  t.equal(await call('/api/auth/google/calendar/callback?code=x'), refusal('state_missing'));
  t.equal(await call(foreign.replace('/google/', '/microsoft/')), refusal('state_invalid'), 'a Google state is not a Microsoft one');

  const expired = await start();
  await db.updateTable('calendar_oauth_states').set({ expires_at: new Date(Date.now() - 1000) }).where('consumed_at', 'is', null).where('user_id', '=', b.technician.id).execute();
  t.equal(await call(expired), refusal('state_expired'));

  const { authorizeUrl } = (await tech.request('POST', `/api/calendar/providers/${providerRow.id}/connect`)).json();
  const denied = await submitGoogleConsent(authorizeUrl, { email: b.technician.email, decision: 'deny' });
  t.equal(await call(denied.pathname + denied.search), refusal('cancelled'));

  const unconnected = (await tech.request('GET', `/api/calendar/providers/${providerRow.id}`)).json();
  t.match(unconnected, { status: 'configuring', tokenStatus: 'missing', accountEmail: null });
  t.equal(await app.secrets.has(db, b.tenantId, `calendar_provider:${providerRow.id}:tokens`), false);

  const good = await start();
  t.equal(await call(good), '/profile?tab=calendar&connected=google');
  t.equal(await call(good), refusal('state_used'), 'a replayed callback is refused');
});

t.test('connect needs the tenant configuration: a Google app, a Microsoft profile bound to Calendar', async (t) => {
  const c = await setupTenant(ctx, emulators, 'cal-connect-c');
  await c.admin.session.request('DELETE', '/api/microsoft/consumers/calendar/binding');
  await c.admin.session.request('PUT', '/api/calendar/settings', { googleClientSecret: null });
  for (const providerType of ['google', 'microsoft'] as const) {
    const created = (await c.tech.request('POST', '/api/calendar/providers', { providerType })).json();
    const res = await c.tech.request('POST', `/api/calendar/providers/${created.id}/connect`);
    t.equal(res.statusCode, 409, providerType);
    t.match(res.json().message, providerType === 'google' ? /Google app credentials/ : /Bind a Microsoft profile to Calendar first/);
  }
  const status = (await c.tech.request('GET', '/api/calendar/status')).json();
  t.match(status, { googleAvailable: false, microsoftAvailable: false });
});

t.test('guards: own connections only for technicians, every one for admins, nothing across tenants', async (t) => {
  const mine = (await a.tech.request('GET', '/api/calendar/providers')).json().items;
  t.equal(mine.length, 2);
  t.equal((await a.tech.request('GET', '/api/calendar/providers?scope=all')).statusCode, 403);
  const all = (await a.admin.session.request('GET', '/api/calendar/providers?scope=all')).json().items;
  t.same(all.map((p: { userId: string }) => p.userId).sort(), mine.map((p: { userId: string }) => p.userId).sort());
  t.equal((await a.admin.session.request('POST', `/api/calendar/providers/${mine[0].id}/connect`)).statusCode, 403, 'an admin cannot connect someone else’s calendar');
  const otherTech = await signIn(app, a.viewer.email);
  t.equal((await otherTech.request('GET', `/api/calendar/providers/${mine[0].id}`)).statusCode, 404, "another user's connection is a 404");
  t.equal((await b.admin.session.request('GET', `/api/calendar/providers/${mine[0].id}`)).statusCode, 404, "another tenant's connection is a 404");
  t.notOk((await b.admin.session.request('GET', '/api/calendar/providers?scope=all')).json().items.some((p: { id: string }) => p.id === mine[0].id));
  const portal = await signIn(app, a.clientUser.email);
  t.equal((await portal.request('GET', '/api/calendar/providers')).statusCode, 403);
  t.equal((await a.tech.request('POST', '/api/calendar/providers', { providerType: 'google' })).statusCode, 409, 'one connection per provider type');
  t.equal((await a.tech.request('POST', '/api/calendar/providers', { providerType: 'yahoo' })).statusCode, 400);
  t.equal((await a.tech.request('GET', '/api/calendar/settings')).statusCode, 403, 'settings need system_settings.read');
});

t.test('settings keep the Google secret write-only', async (t) => {
  const res = await a.admin.session.request('GET', '/api/calendar/settings');
  t.match(res.json(), { google: { hasClientSecret: true, redirectUri: 'http://switchboard.test/api/auth/google/calendar/callback' } });
  t.notOk(res.body.includes(GOOGLE_SECRET));
  const logs = ctx.logs.join('\n');
  t.notOk(logs.includes(GOOGLE_SECRET) || logs.includes(MICROSOFT_SECRET), 'no client secret in the logs');
});
