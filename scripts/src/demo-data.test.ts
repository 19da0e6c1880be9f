import t from 'tap';
import { DateTime } from 'luxon';
import { buildTestApp, signIn } from '@switchboard/testing';
import { waitForRun } from '@switchboard/testing/entra';
import { FEATURE_FLAGS } from '@switchboard/core';
import { completeMicrosoftConsent, submitGoogleConsent } from '@switchboard/emulators';
import { DEMO_ADMIN, seedDemo, seedDemoIntegrations } from './demo-data.js';
import { DEMO_DIRECTORY, DEMO_ENTRA_CUSTOMERS, DEMO_GOOGLE_CLIENT, DEMO_MICROSOFT_APP, DEMO_PARTNER, DEMO_PARTNER_APP, startDemoEmulators } from './demo-emulators.js';

const ENTRA_FLAGS = FEATURE_FLAGS.map((f) => f.key).filter((key) => key.startsWith('entra-integration-'));

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
    `Entra feature flags on: ${ENTRA_FLAGS.join(', ')}`,
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
  t.equal(first.tenants.length, 2 + DEMO_PARTNER.customers + DEMO_ENTRA_CUSTOMERS.length, 'the demo MSP, the partner and its customers');
  t.match(first.tenants.find((x) => x[0] === DEMO_DIRECTORY.id), [DEMO_DIRECTORY.id, 'Demo MSP', ['switchboard.local']]);
  t.same(first.users.map((u) => u[1]), [DEMO_ADMIN.email, 'alex.tech@switchboard.local', 'sam.tech@switchboard.local', 'jo.tech@switchboard.local']);
  t.same(first.apps.find((a) => a[0] === DEMO_MICROSOFT_APP.clientId), [
    DEMO_MICROSOFT_APP.clientId,
    ['http://localhost:3000/api/auth/msp/sso/callback', 'http://localhost:3000/api/auth/microsoft/calendar/callback'],
    true,
  ]);
  const named = DEMO_ENTRA_CUSTOMERS.reduce((n, c) => n + (c.people?.length ?? 0), 0);
  t.equal(first.customerUsers, 4 + 4 + (DEMO_PARTNER.customers + DEMO_ENTRA_CUSTOMERS.length) * 25 + named, 'demo MSP users, partner users, 25 per customer and the named people');
});

t.test('the demo Entra partner lines up with the demo clients: domain matches, names to review, no match; the first sync queues an ambiguous user', async (t) => {
  const publicUrl = 'http://switchboard.demo.test';
  const emulators = await startDemoEmulators({ publicUrl, googlePort: 0, microsoftPort: 0 });
  t.teardown(emulators.close);
  const ctx = await buildTestApp({ edition: 'ee', runWorkers: true, env: { PUBLIC_URL: publicUrl, ...emulators.env } });
  t.teardown(ctx.close);
  await seedDemo(ctx.db);
  const admin = await signIn(ctx.app, DEMO_ADMIN.email, DEMO_ADMIN.password);
  await seedDemoIntegrations(admin, emulators.dns);

  // Connect as the demo's README says: the partner app's profile, the partner admin on the consent page.
  const profile = (await admin.request('GET', '/api/microsoft/profiles')).json().items.find((p: { displayName: string }) => p.displayName === DEMO_PARTNER_APP.displayName);
  const start = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'direct', profileId: profile.id });
  t.equal(start.statusCode, 200, start.body);
  const back = new URL((await completeMicrosoftConsent(start.json().redirectUrl, { login: emulators.partnerAdmin })).location);
  t.equal((await admin.request('GET', back.pathname + back.search)).headers.location, '/settings?category=entra&entra=connected');
  const discovered = await admin.request('POST', '/api/integrations/entra/discover');
  t.equal(discovered.json().discovered, DEMO_PARTNER.customers + DEMO_ENTRA_CUSTOMERS.length, 'every customer discovered');

  const clients: { id: string; name: string }[] = (await admin.request('GET', '/api/clients')).json().items;
  const clientId = (name: string) => clients.find((c) => c.name === name)!.id;
  type Row = { managedTenantId: string; displayName: string; state: string; clientId: string | null; candidates: { clientId: string }[] };
  const preview: Row[] = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items;
  const row = (name: string) => preview.find((p) => p.displayName === name)!;
  t.match(row('Contoso Dental Ltd'), { state: 'auto_matched', clientId: clientId('Contoso Dental') });
  t.match(row('Fabrikam, Inc.'), { state: 'auto_matched', clientId: clientId('Fabrikam Logistics') });
  t.match(row('Northwind Legal'), { state: 'needs_review', clientId: null });
  t.equal(row('Northwind Legal').candidates[0].clientId, clientId('Northwind Legal LLP'));
  t.match(row('Tailspin Architecture'), { state: 'needs_review', clientId: null });
  t.equal(row('Tailspin Architecture').candidates[0].clientId, clientId('Tailspin Architects'));
  const named = new Set(DEMO_ENTRA_CUSTOMERS.map((c) => c.displayName));
  const generated = preview.filter((p) => !named.has(p.displayName));
  t.equal(generated.length, DEMO_PARTNER.customers);
  t.same(generated.map((p) => p.state), generated.map(() => 'unmatched'), 'the generated customers match no demo client');

  const mapped = await admin.request('POST', '/api/integrations/entra/mappings', {
    mappings: [
      { managedTenantId: row('Contoso Dental Ltd').managedTenantId, action: 'map', clientId: clientId('Contoso Dental') },
      { managedTenantId: row('Northwind Legal').managedTenantId, action: 'map', clientId: clientId('Northwind Legal LLP') },
      { managedTenantId: generated[0].managedTenantId, action: 'create_client' },
    ],
  });
  t.equal(mapped.statusCode, 200, mapped.body);
  const started = await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' });
  const run = await waitForRun(admin, started.json().run.id);
  t.equal(run.status, 'succeeded', JSON.stringify(run));
  t.ok(run.counts.linked >= 1, 'Tom Reed is linked to his contact');
  const queue = (await admin.request('GET', '/api/integrations/entra/ambiguous')).json().items;
  t.equal(queue.length, 1, 'the review queue is not empty');
  t.match(queue[0], { displayName: 'Maria Lopez', email: 'maria@contosodental.example', clientName: 'Contoso Dental' });
  t.same(queue[0].candidates.map((c: { fullName: string }) => c.fullName).sort(), ['Maria Lopez', 'Maria Lopez-Garcia']);
});
