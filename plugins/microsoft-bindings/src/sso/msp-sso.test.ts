// MSP SSO against the Microsoft identity emulator, through msal-node: full sign-in, every refusal,
// replayed and foreign state, tenant isolation, discovery that reveals nothing about accounts.
import t, { type Test } from 'tap';
import { buildTestApp, createTestDatabase, seedTenant, signIn, testDns, type Session, type TestApp } from '@switchboard/testing';
import { completeMicrosoftConsent, startMicrosoftEmulator } from '@switchboard/emulators';
import { deleteStaleSsoStates } from './msp-sso.js';

const PUBLIC_URL = 'http://switchboard.test:3000';
const SECRET = 'Sso~client-secret-value-never-logged-42';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const dns = await testDns();

/** An MSP tenant in Switchboard and the same company in the emulator's directory, with an app registration. */
// One database and one app per edition for the file; each test has its own tenant.
const database = await createTestDatabase();
const apps: Partial<Record<'ce' | 'ee', TestApp>> = {};
t.teardown(async () => {
  for (const ctx of Object.values(apps)) await ctx.close();
  await database.close();
});

async function setupEdition(t: Test, edition: 'ce' | 'ee') {
  const ctx = (apps[edition] ??= await buildTestApp({ edition, database, env: { PUBLIC_URL, MICROSOFT_LOGIN_URL: ms.url } }));
  const label = `sso-${edition}-${Math.random().toString(36).slice(2, 7)}`;
  const seeded = await seedTenant(ctx.db, label);
  const domain = `${label}.test`;
  const directory = ms.identity.addTenant({ displayName: `MSP ${label}`, domains: [domain, `other-${label}.test`] });
  const app = ms.identity.addApp({ homeTenantId: directory.id, clientSecrets: [SECRET], redirectUris: [`${PUBLIC_URL}/api/auth/msp/sso/callback`], multiTenant: false });
  const admin = await signIn(ctx.app, seeded.admin.email);
  const profile = (await admin.request('POST', '/api/microsoft/profiles', { displayName: 'MSP SSO', clientId: app.clientId, authorityTenant: directory.id, clientSecret: SECRET })).json();
  t.equal((await admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: profile.id })).statusCode, 200);
  const added = (await admin.request('POST', '/api/msp-sso/domains', { domain })).json();
  dns.setTxt(domain, [added.verification.value]);
  t.equal((await admin.request('POST', `/api/msp-sso/domains/${added.id}/verify`)).statusCode, 200);
  const msUser = (upn: string) => ms.identity.addUser(directory.id, { displayName: upn.split('@')[0], userPrincipalName: upn });
  return { ...ctx, seeded, domain, directory, admin, profile, domainId: added.id as string, msUser };
}

type Setup = Awaited<ReturnType<typeof setupEdition>>;

/** Start → consent page → callback, as a browser would; `cookie` false drops the state cookie. */
async function microsoftSignIn(s: Setup, email: string, opts: { login?: string; action?: 'accept' | 'cancel'; cookie?: boolean } = {}) {
  const start = await s.app.inject({ method: 'GET', url: `/api/auth/msp/sso/start?email=${encodeURIComponent(email)}` });
  const location = String(start.headers.location);
  if (!location.startsWith(ms.url)) return { start, location, callback: null };
  const stateCookie = String(start.headers['set-cookie']).split(';')[0];
  const consent = await completeMicrosoftConsent(location, { login: opts.login ?? email, action: opts.action });
  const back = new URL(consent.location);
  const callbackUrl = back.pathname + back.search;
  const callback = await s.app.inject({ method: 'GET', url: callbackUrl, headers: opts.cookie === false ? {} : { cookie: stateCookie } });
  return { start, location: String(callback.headers.location), callback, callbackUrl, stateCookie };
}

const sessionCookieOf = (res: { headers: Record<string, unknown> }) =>
  ([res.headers['set-cookie']].flat().find((c) => String(c).startsWith('sb_session=')) as string | undefined)?.split(';')[0];

for (const edition of ['ce', 'ee'] as const) {
  t.test(`${edition.toUpperCase()}: a member of the verified domain signs in with Microsoft and lands on the schedule`, async (t) => {
    const s = await setupEdition(t, edition);
    s.msUser(s.seeded.technician.email);
    const { location, callback } = await microsoftSignIn(s, s.seeded.technician.email);
    t.equal(location, '/schedule');
    const cookie = sessionCookieOf(callback!);
    t.ok(cookie, 'a session cookie is set');
    const session = await s.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: cookie! } });
    t.equal(session.statusCode, 200);
    t.equal(session.json().user.email, s.seeded.technician.email);
    const audit = await s.db.selectFrom('audit_log').select('details').where('action', '=', 'auth.login').where('actor_user_id', '=', s.seeded.technician.id).execute();
    t.same(audit.map((a) => a.details), [{ method: 'microsoft' }]);
    t.notOk(s.logs.join('\n').includes(SECRET), 'the client secret is never logged');
  });
}

t.test('refusals: each one says why on the sign-in page and creates no session', async (t) => {
  const s = await setupEdition(t, 'ee');
  const sessionsBefore = async () => Number((await s.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const before = await sessionsBefore();

  t.test('replayed state', async (t) => {
    s.msUser(s.seeded.admin.email);
    const first = await microsoftSignIn(s, s.seeded.admin.email);
    t.equal(first.location, '/schedule');
    const replay = await s.app.inject({ method: 'GET', url: first.callbackUrl!, headers: { cookie: first.stateCookie! } });
    t.equal(replay.headers.location, '/?sso=state_used');
    t.notOk(sessionCookieOf(replay));
  });

  t.test('a state started in another browser (no state cookie)', async (t) => {
    t.equal((await microsoftSignIn(s, s.seeded.admin.email, { cookie: false })).location, '/?sso=state_mismatch');
  });

  t.test('a forged state', async (t) => {
    const res = await s.app.inject({ method: 'GET', url: '/api/auth/msp/sso/callback?state=forged&code=abc' });
    t.equal(res.headers.location, '/?sso=state_mismatch');
    const missing = await s.app.inject({ method: 'GET', url: '/api/auth/msp/sso/callback?code=abc' });
    t.equal(missing.headers.location, '/?sso=state_missing');
  });

  t.test('an expired state', async (t) => {
    const start = await s.app.inject({ method: 'GET', url: `/api/auth/msp/sso/start?email=${encodeURIComponent(s.seeded.admin.email)}` });
    await s.db.updateTable('msp_sso_states').set({ expires_at: new Date(Date.now() - 1000) }).where('consumed_at', 'is', null).execute();
    const consent = await completeMicrosoftConsent(String(start.headers.location), { login: s.seeded.admin.email });
    const back = new URL(consent.location);
    const res = await s.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie: String(start.headers['set-cookie']).split(';')[0] } });
    t.equal(res.headers.location, '/?sso=state_expired');
  });

  t.test('cancelled on the consent page', async (t) => {
    t.equal((await microsoftSignIn(s, s.seeded.admin.email, { action: 'cancel' })).location, '/?sso=cancelled');
  });

  t.test('an id token for another domain', async (t) => {
    const outsider = `someone@other-${s.domain}`;
    s.msUser(outsider);
    t.equal((await microsoftSignIn(s, s.seeded.admin.email, { login: outsider })).location, '/?sso=wrong_domain');
  });

  t.test('no Switchboard account for the Microsoft user', async (t) => {
    const stranger = `stranger@${s.domain}`;
    s.msUser(stranger);
    t.equal((await microsoftSignIn(s, stranger)).location, '/?sso=no_account');
  });

  t.test('a disabled user', async (t) => {
    s.msUser(s.seeded.viewer.email);
    await s.db.updateTable('users').set({ is_active: false }).where('id', '=', s.seeded.viewer.id).execute();
    t.equal((await microsoftSignIn(s, s.seeded.viewer.email)).location, '/?sso=account_disabled');
  });

  t.test('a client-portal user', async (t) => {
    s.msUser(s.seeded.clientUser.email);
    t.equal((await microsoftSignIn(s, s.seeded.clientUser.email)).location, '/?sso=client_user');
  });

  t.test('the binding changed between start and callback', async (t) => {
    const start = await s.app.inject({ method: 'GET', url: `/api/auth/msp/sso/start?email=${encodeURIComponent(s.seeded.admin.email)}` });
    const other = (await s.admin.request('POST', '/api/microsoft/profiles', { displayName: 'Other SSO', clientId: '99999999-0000-0000-0000-000000000000', clientSecret: SECRET })).json();
    await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: other.id });
    const consent = await completeMicrosoftConsent(String(start.headers.location), { login: s.seeded.admin.email });
    const back = new URL(consent.location);
    const res = await s.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie: String(start.headers['set-cookie']).split(';')[0] } });
    t.equal(res.headers.location, '/?sso=config_changed');
    await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: s.profile.id });
  });

  t.test('no binding, or an unverified or disabled domain: Microsoft sign-in is not offered', async (t) => {
    await s.admin.request('DELETE', '/api/microsoft/consumers/msp_sso/binding');
    t.equal((await microsoftSignIn(s, s.seeded.admin.email)).location, '/?sso=not_available');
    t.same((await s.app.inject({ method: 'POST', url: '/api/auth/msp/sso/discover', payload: { email: s.seeded.admin.email } })).json(), { microsoft: false, passwordAllowed: true });
    await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: s.profile.id });
    await s.admin.request('POST', `/api/msp-sso/domains/${s.domainId}/disable`);
    t.equal((await microsoftSignIn(s, s.seeded.admin.email)).location, '/?sso=not_available');
    const again = (await s.admin.request('POST', '/api/msp-sso/domains', { domain: s.domain })).json();
    t.equal(again.status, 'pending', 'a disabled domain can be added again, pending');
    t.equal((await microsoftSignIn(s, s.seeded.admin.email)).location, '/?sso=not_available', 'pending is not enough');
  });

  t.test('nothing was created by any refusal', async (t) => {
    t.equal(await sessionsBefore(), before + 1, 'only the one successful sign-in made a session');
  });
});

t.test('tenant isolation: a domain of tenant A never signs anyone into tenant B', async (t) => {
  const a = await setupEdition(t, 'ee');
  const b = await buildTestApp({ edition: 'ee', database: a.database, env: { PUBLIC_URL, MICROSOFT_LOGIN_URL: ms.url } });
  t.teardown(b.close);
  const tenantB = await seedTenant(a.db, `iso-b-${Math.random().toString(36).slice(2, 7)}`);
  // A tenant-B account whose address is in tenant A's domain.
  const crossEmail = `crossover@${a.domain}`;
  await a.db.insertInto('users').values({ tenant_id: tenantB.tenantId, email: crossEmail, display_name: 'Crossover', user_type: 'internal' }).execute();
  a.msUser(crossEmail);
  t.equal((await microsoftSignIn(a, crossEmail)).location, '/?sso=no_account', 'looked up only in tenant A');

  const adminB = await signIn(a.app, tenantB.admin.email);
  const claim = await adminB.request('POST', '/api/msp-sso/domains', { domain: a.domain.toUpperCase() });
  t.equal(claim.statusCode, 409, 'B cannot claim A’s verified domain');
  t.match(claim.json().message, /already verified .* by another organization/);
  const listB = (await adminB.request('GET', '/api/msp-sso/domains')).json();
  t.same(listB.items, []);
  t.equal((await adminB.request('POST', `/api/msp-sso/domains/${a.domainId}/disable`)).statusCode, 404, "A's domain id is a 404 for B");
});

t.test('discovery answers the same for unknown addresses, unknown users and unknown domains', async (t) => {
  const s = await setupEdition(t, 'ce');
  const ask = async (email: string) => (await s.app.inject({ method: 'POST', url: '/api/auth/msp/sso/discover', payload: { email } })).json();
  const known = await ask(s.seeded.admin.email);
  t.same(known, { microsoft: true, passwordAllowed: true });
  t.same(await ask(`nobody-here@${s.domain}`), known, 'an unknown user of an SSO domain looks exactly like a known one');
  const negative = await ask('someone@unknown-domain.test');
  t.same(negative, { microsoft: false, passwordAllowed: true });
  t.same(await ask(s.seeded.clientUser.email.replace(/@.*/, '@not-a-tenant.test')), negative);
  t.same(await ask('not an email'), negative);
  t.same(Object.keys(known).sort(), Object.keys(negative).sort(), 'same shape');
});

t.test('SSO required: discovery says so and password sign-in is refused for the domain', async (t) => {
  const s = await setupEdition(t, 'ee');
  const pending = (await s.admin.request('POST', '/api/msp-sso/domains', { domain: `pending-${s.domain}` })).json();
  t.equal((await s.admin.request('PATCH', `/api/msp-sso/domains/${pending.id}`, { ssoRequired: true })).statusCode, 409, 'only verified domains');
  const res = await s.admin.request('PATCH', `/api/msp-sso/domains/${s.domainId}`, { ssoRequired: true });
  t.equal(res.statusCode, 200);
  t.same((await s.app.inject({ method: 'POST', url: '/api/auth/msp/sso/discover', payload: { email: s.seeded.technician.email } })).json(), { microsoft: true, passwordAllowed: false });
  const password = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: s.seeded.technician.email, password: 'correct horse battery staple' } });
  t.equal(password.statusCode, 403);
  t.match(password.json().message, /requires signing in with Microsoft/);
  const wrong = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: s.seeded.technician.email, password: 'wrong password' } });
  t.equal(wrong.statusCode, 401, 'a wrong password still gets the generic answer');
  const portal = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: s.seeded.clientUser.email, password: 'correct horse battery staple' } });
  t.equal(portal.statusCode, 200, 'client-portal users keep password sign-in');
});

t.test('login domains: the state machine and its guards', async (t) => {
  const s = await setupEdition(t, 'ce');
  const added = (await s.admin.request('POST', '/api/msp-sso/domains', { domain: ' New-Domain.TEST ' })).json();
  t.match(added, { domain: 'new-domain.test', status: 'pending', ssoRequired: false, verification: { type: 'TXT', name: 'new-domain.test', value: /^switchboard-domain-verification=[0-9a-f]{32}$/ } });
  t.equal((await s.admin.request('POST', '/api/msp-sso/domains', { domain: 'new-domain.test' })).statusCode, 409, 'no duplicates');
  t.equal((await s.admin.request('POST', '/api/msp-sso/domains', { domain: 'not a domain' })).statusCode, 400);
  dns.setTxt('new-domain.test', [added.verification.value]);
  const verified = (await s.admin.request('POST', `/api/msp-sso/domains/${added.id}/verify`)).json();
  t.equal(verified.status, 'verified');
  t.ok(verified.verifiedAt);
  t.equal((await s.admin.request('POST', `/api/msp-sso/domains/${added.id}/verify`)).statusCode, 409, 'verify only from pending');
  const disabled = (await s.admin.request('POST', `/api/msp-sso/domains/${added.id}/disable`)).json();
  t.equal(disabled.status, 'disabled');
  t.equal((await s.admin.request('POST', `/api/msp-sso/domains/${added.id}/verify`)).statusCode, 409);

  const viewer: Session = await signIn(s.app, s.seeded.viewer.email);
  t.equal((await viewer.request('GET', '/api/msp-sso/domains')).statusCode, 200);
  t.equal((await viewer.request('POST', '/api/msp-sso/domains', { domain: 'x.test' })).statusCode, 403);
  for (const email of [s.seeded.technician.email, s.seeded.clientUser.email]) {
    const other = await signIn(s.app, email);
    t.equal((await other.request('GET', '/api/msp-sso/domains')).statusCode, 403);
    t.equal((await other.request('POST', `/api/msp-sso/domains/${added.id}/disable`)).statusCode, 403);
  }
  const audit = await s.db.selectFrom('audit_log').select('action').where('target_id', '=', added.id).orderBy('id').execute();
  t.same(audit.map((a) => a.action), ['msp_sso_domain.added', 'msp_sso_domain.verified', 'msp_sso_domain.disabled']);
});

t.test('sign-in attempts older than a day are cleaned up', async (t) => {
  const s = await setupEdition(t, 'ce');
  for (let i = 0; i < 2; i++) await s.app.inject({ method: 'GET', url: `/api/auth/msp/sso/start?email=${encodeURIComponent(s.seeded.admin.email)}` });
  const states = () => s.db.selectFrom('msp_sso_states').select('state_hash').where('tenant_id', '=', s.seeded.tenantId).execute();
  const [old] = await states();
  await s.db.updateTable('msp_sso_states').set({ expires_at: new Date(Date.now() - 25 * 3600_000) }).where('state_hash', '=', old.state_hash).execute();
  t.equal(await deleteStaleSsoStates(s.db), 1);
  t.equal((await states()).length, 1, 'the fresh one stays');
});
