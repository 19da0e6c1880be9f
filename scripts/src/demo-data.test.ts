import t from 'tap';
import { DateTime } from 'luxon';
import { buildTestApp, signIn } from '@switchboard/testing';
import { completeMicrosoftConsent, submitGoogleConsent } from '@switchboard/emulators';
import { DEMO_ADMIN, seedDemo, seedDemoIntegrations } from './demo-data.js';
import { DEMO_DIRECTORY, DEMO_GOOGLE_CLIENT, DEMO_MICROSOFT_APP, DEMO_PARTNER_APP, startDemoEmulators } from './demo-emulators.js';

t.test('the demo seed creates a usable tenant once', async (t) => {
  const ctx = await buildTestApp();
  t.teardown(ctx.close);
  const monday = DateTime.fromISO('2026-11-23T12:00:00', { zone: 'America/New_York' });
  t.equal(await seedDemo(ctx.db, monday), true);
  t.equal(await seedDemo(ctx.db, monday), false, 'a second run changes nothing');

  const admin = await signIn(ctx.app, DEMO_ADMIN.email, DEMO_ADMIN.password);
  const clients = (await admin.request('GET', '/api/clients')).json();
  t.equal(clients.total, 5);
  t.ok((await admin.request('GET', '/api/contacts')).json().total >= 10);
  const users = (await admin.request('GET', '/api/users')).json().items;
  t.equal(users.length, 4);
  const week = await admin.request('GET', '/api/schedule-entries?from=2026-11-23T00:00:00-05:00&to=2026-11-30T00:00:00-05:00');
  t.equal(week.statusCode, 200);
  t.equal(week.json().total, 12, 'ten visits, the recurring stand-up and an all-day entry');
  t.ok(week.json().items.some((e: { recurrence: string | null }) => e.recurrence === 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'));
  t.ok(week.json().items.some((e: { allDay: boolean; start: string }) => e.allDay && e.start === '2026-11-27'));
  await signIn(ctx.app, 'alex.tech@switchboard.local', DEMO_ADMIN.password);
});

t.test('the demo integrations work against the demo emulators, and seeding twice changes nothing', async (t) => {
  const publicUrl = 'http://switchboard.demo.test';
  const emulators = await startDemoEmulators({ publicUrl, googlePort: 0, microsoftPort: 0 });
  t.teardown(emulators.close);
  const ctx = await buildTestApp({ edition: 'ee', env: { PUBLIC_URL: publicUrl, ...emulators.env } });
  t.teardown(ctx.close);
  await seedDemo(ctx.db);
  const admin = await signIn(ctx.app, DEMO_ADMIN.email, DEMO_ADMIN.password);
  t.same(await seedDemoIntegrations(admin, emulators.dns), [
    'Microsoft profile "Demo Microsoft app"',
    'Microsoft profile "Demo partner app (Entra)"',
    'msp_sso bound to "Demo Microsoft app"',
    'calendar bound to "Demo Microsoft app"',
    'login domain switchboard.local verified',
    'Google calendar app',
  ]);
  const [loginDomain] = (await admin.request('GET', '/api/msp-sso/domains')).json().items;
  t.match(loginDomain, { domain: 'switchboard.local', status: 'verified' }, 'verified through the demo DNS emulator');
  t.same(emulators.dns.records()['switchboard.local'], [[loginDomain.verification.value]]);
  // A restart of the demo starts an empty DNS emulator: seeding publishes the record again.
  emulators.dns.clear('switchboard.local');
  t.same(await seedDemoIntegrations(admin, emulators.dns), [], 'a second run changes nothing');
  t.same(emulators.dns.records()['switchboard.local'], [[loginDomain.verification.value]], 'and the TXT record is back');
  const profiles = (await admin.request('GET', '/api/microsoft/profiles')).json().items;
  t.equal(profiles.length, 2);
  const secrets = [DEMO_MICROSOFT_APP.clientSecret, DEMO_PARTNER_APP.clientSecret, DEMO_GOOGLE_CLIENT.clientSecret];
  for (const url of ['/api/microsoft/profiles', '/api/microsoft/consumers', '/api/calendar/settings']) {
    const body = (await admin.request('GET', url)).body;
    t.notOk(secrets.some((s) => body.includes(s)), `no secret in ${url}`);
  }
  const stored = await ctx.db.selectFrom('tenant_secrets').select('name').execute();
  t.equal(stored.length, 3, 'the three secrets are in the secret store');

  // MSP SSO: discovery, then the emulator's consent page signs the demo admin in.
  const discover = await ctx.app.inject({ method: 'POST', url: '/api/auth/msp/sso/discover', payload: { email: DEMO_ADMIN.email } });
  t.same(discover.json(), { microsoft: true, passwordAllowed: true });
  const start = await ctx.app.inject({ method: 'GET', url: `/api/auth/msp/sso/start?email=${encodeURIComponent(DEMO_ADMIN.email)}` });
  t.ok(String(start.headers.location).startsWith(emulators.microsoft.url), 'sent to the Microsoft emulator');
  const consent = await completeMicrosoftConsent(String(start.headers.location), { login: DEMO_ADMIN.email });
  const back = new URL(consent.location);
  t.equal(back.origin + back.pathname, `${publicUrl}/api/auth/msp/sso/callback`);
  const callback = await ctx.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie: String(start.headers['set-cookie']).split(';')[0] } });
  t.equal(callback.headers.location, '/schedule', 'signed in with Microsoft');

  // A technician connects each calendar through the emulators' consent pages.
  const alex = await signIn(ctx.app, 'alex.tech@switchboard.local', DEMO_ADMIN.password);
  for (const providerType of ['google', 'microsoft'] as const) {
    const provider = (await alex.request('POST', '/api/calendar/providers', { providerType })).json();
    const { authorizeUrl } = (await alex.request('POST', `/api/calendar/providers/${provider.id}/connect`)).json();
    const url =
      providerType === 'google'
        ? await submitGoogleConsent(authorizeUrl, { email: 'alex.tech@switchboard.local' })
        : new URL((await completeMicrosoftConsent(authorizeUrl, { login: 'alex.tech@switchboard.local' })).location);
    const done = await alex.request('GET', url.pathname + url.search);
    t.equal(done.headers.location, `/profile?tab=calendar&connected=${providerType}`, `${providerType} connected`);
  }
});

t.test('the demo emulators are seeded the same on every start', async (t) => {
  const snapshot = async () => {
    const e = await startDemoEmulators({ publicUrl: 'http://localhost:3000', googlePort: 0, microsoftPort: 0 });
    try {
      const store = e.microsoft.identity.store;
      return {
        partnerAdmin: e.partnerAdmin,
        tenants: [...store.tenants.values()].map((x) => [x.id, x.displayName, x.domains.map((d) => d.id)]),
        users: store.users(DEMO_DIRECTORY.id).map((u) => [u.id, u.userPrincipalName]),
        apps: [...store.apps.values()].map((a) => [a.clientId, a.redirectUris, a.multiTenant]),
        customerUsers: [...store.tenants.keys()].reduce((n, id) => n + store.users(id).length, 0),
      };
    } finally {
      await e.close();
    }
  };
  const first = await snapshot();
  t.same(await snapshot(), first);
  t.equal(first.tenants.length, 22, 'the demo MSP, the partner and its 20 customers');
  t.match(first.tenants.find((x) => x[0] === DEMO_DIRECTORY.id), [DEMO_DIRECTORY.id, 'Demo MSP', ['switchboard.local']]);
  t.same(first.users.map((u) => u[1]), [DEMO_ADMIN.email, 'alex.tech@switchboard.local', 'sam.tech@switchboard.local', 'jo.tech@switchboard.local']);
  t.same(first.apps.find((a) => a[0] === DEMO_MICROSOFT_APP.clientId), [
    DEMO_MICROSOFT_APP.clientId,
    ['http://localhost:3000/api/auth/msp/sso/callback', 'http://localhost:3000/api/auth/microsoft/calendar/callback'],
    true,
  ]);
  t.equal(first.customerUsers, 4 + 4 + 20 * 25, 'demo MSP users, partner users and 25 per customer');
});
