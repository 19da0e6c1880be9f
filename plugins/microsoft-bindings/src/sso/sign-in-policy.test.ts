// Microsoft sign-in that cannot lock anyone out: the lockout sequence of issue 17 (require Microsoft
// sign-in, then clear the msp_sso binding) is refused, and confirmed it turns the requirement off
// first; rebinding, archiving and deleting are guarded the same way; a requirement whose Microsoft
// sign-in stopped working lets passwords in again and tells the admins; and "require" against
// "clear" run at the same time never end in a required domain without a binding.
import t, { type Test } from 'tap';
import { buildTestApp, createTestDatabase, seedTenant, signIn, TEST_PASSWORD, type Session, type TestApp } from '@switchboard/testing';
import type { Db } from '@switchboard/core';
import { assertMspSsoReady, mspSsoReadiness } from './msp-sso.js';
import { clearBinding } from '../services/bindings.js';
import { setSsoRequired } from './login-domains.js';

const SECRET = 'Policy~client-secret-never-shown-0451';

// One database and one app per edition for the whole file; each test seeds its own tenant.
const database = await createTestDatabase();
const apps: Partial<Record<'ce' | 'ee', TestApp>> = {};
t.teardown(async () => {
  for (const ctx of Object.values(apps)) await ctx.close();
  await database.close();
});

async function setup(t: Test, edition: 'ce' | 'ee') {
  const ctx = (apps[edition] ??= await buildTestApp({ edition, database }));
  const label = `pol-${edition}-${Math.random().toString(36).slice(2, 7)}`;
  const seeded = await seedTenant(ctx.db, label);
  const admin = await signIn(ctx.app, seeded.admin.email);
  const profile = await createProfile(admin, 'MSP SSO');
  t.equal((await admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: profile.id })).statusCode, 200);
  return { ...ctx, seeded, admin, profile, domain: `${label}.test` };
}
type Setup = Awaited<ReturnType<typeof setup>>;

async function createProfile(s: Session, displayName: string) {
  const res = await s.request('POST', '/api/microsoft/profiles', { displayName, clientId: '11111111-2222-3333-4444-555555555555', clientSecret: SECRET });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string };
}

/** A domain of the tenant, verified and requiring Microsoft sign-in. Set directly: DNS verification has its own tests. */
async function requireMicrosoft(db: Db, tenantId: string, domain: string) {
  return db
    .insertInto('msp_sso_login_domains')
    .values({ tenant_id: tenantId, domain, verification_token: 'token', status: 'verified', verified_at: new Date(), sso_required: true })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** A verified domain of the tenant that does not require Microsoft sign-in yet. */
async function verifiedDomain(db: Db, tenantId: string, domain: string) {
  return db
    .insertInto('msp_sso_login_domains')
    .values({ tenant_id: tenantId, domain, verification_token: 'token', status: 'verified', verified_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
}

const passwordLogin = (s: Setup, email: string) => s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } });
const discover = async (s: Setup, email: string) => (await s.app.inject({ method: 'POST', url: '/api/auth/msp/sso/discover', payload: { email } })).json();
const domainRow = (s: Setup, id: string) => s.db.selectFrom('msp_sso_login_domains').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const openNotices = (s: Setup, kind: string) =>
  s.db.selectFrom('notifications').select(['user_id', 'title', 'body']).where('tenant_id', '=', s.seeded.tenantId).where('kind', '=', kind).where('resolved_at', 'is', null).execute();
const mspBinding = (s: Setup) =>
  s.db.selectFrom('microsoft_profile_consumer_bindings').select('profile_id').where('tenant_id', '=', s.seeded.tenantId).where('consumer', '=', 'msp_sso').executeTakeFirst();

for (const edition of ['ce', 'ee'] as const) {
  t.test(`${edition.toUpperCase()}: the lockout sequence (require, then clear the binding) is refused; confirmed, the requirement goes first and the admin signs in with a password`, async (t) => {
    const s = await setup(t, edition);
    const { id } = await verifiedDomain(s.db, s.seeded.tenantId, s.domain);
    const required = await s.admin.request('PATCH', `/api/msp-sso/domains/${id}`, { ssoRequired: true });
    t.equal(required.statusCode, 200, 'the admin requires Microsoft sign-in');
    t.match(required.json(), { status: 'verified', ssoRequired: true });
    const refused = await passwordLogin(s, s.seeded.admin.email);
    t.equal(refused.statusCode, 403, 'while Microsoft sign-in works and is required, passwords are refused');
    t.match(refused.json().message, /requires signing in with Microsoft/);
    t.same(await discover(s, s.seeded.admin.email), { microsoft: true, passwordAllowed: false });

    const clear = await s.admin.request('DELETE', '/api/microsoft/consumers/msp_sso/binding');
    t.equal(clear.statusCode, 409);
    t.match(clear.json(), {
      code: 'sso_required',
      domains: [s.domain],
      message: `Microsoft sign-in is required for ${s.domain}. Clearing the binding would leave its users unable to sign in. Confirm to first turn that requirement off; they will then sign in with their password.`,
    });
    t.same(await mspBinding(s), { profile_id: s.profile.id }, 'refused: the binding stays');
    t.equal((await domainRow(s, id)).sso_required, true, 'refused: the requirement stays');
    t.equal((await passwordLogin(s, s.seeded.admin.email)).statusCode, 403);

    const confirmed = await s.admin.request('DELETE', '/api/microsoft/consumers/msp_sso/binding?confirm=true');
    t.equal(confirmed.statusCode, 200);
    t.match(confirmed.json(), { consumer: { binding: null, readiness: 'not_bound' }, warnings: [`Microsoft sign-in is no longer required for ${s.domain}; its users sign in with their password until you require it again.`], affected: [] });
    t.equal((await domainRow(s, id)).sso_required, false);
    t.equal(await mspBinding(s), undefined);
    const audit = await s.db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', s.seeded.tenantId).where('action', 'in', ['msp_sso_domain.sso_required_set', 'microsoft_binding.cleared']).orderBy('id').execute();
    t.same(audit.map((a) => [a.action, a.details.ssoRequired ?? null, a.details.reason ?? null]), [
      ['msp_sso_domain.sso_required_set', true, null],
      ['msp_sso_domain.sso_required_set', false, 'msp_sso_binding_cleared'],
      ['microsoft_binding.cleared', null, null],
    ], 'the requirement was turned off first, then the binding cleared; both audited');
    const notices = await openNotices(s, 'msp_sso.requirement_turned_off');
    t.same(notices.map((n) => n.user_id), [s.seeded.admin.id], 'the admins are told');
    t.match(notices[0], { title: `Microsoft sign-in is no longer required for ${s.domain}` });

    t.equal((await passwordLogin(s, s.seeded.admin.email)).statusCode, 200, 'the admin signs in with a password');
    t.same(await discover(s, s.seeded.technician.email), { microsoft: false, passwordAllowed: true });
  });
}

t.test('rebinding MSP sign-in while a domain requires it asks first; confirmed, the requirement goes and the new profile is bound', async (t) => {
  const s = await setup(t, 'ee');
  const { id } = await requireMicrosoft(s.db, s.seeded.tenantId, s.domain);
  const other = await createProfile(s.admin, 'MSP SSO (new app)');
  const res = await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: other.id });
  t.equal(res.statusCode, 409);
  t.match(res.json(), { code: 'sso_required', domains: [s.domain], message: /Binding MSP sign-in to "MSP SSO \(new app\)" would leave its users unable to sign in .* Confirm to first turn that requirement off/ });
  t.same(await mspBinding(s), { profile_id: s.profile.id });

  t.same((await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: s.profile.id })).json().warnings, [], 'binding the same profile again asks nothing and changes nothing');
  t.equal((await domainRow(s, id)).sso_required, true);

  const confirmed = await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding?confirm=true', { profileId: other.id });
  t.equal(confirmed.statusCode, 200);
  t.match(confirmed.json().consumer, { readiness: 'ready', binding: { profileId: other.id } });
  t.equal((await domainRow(s, id)).sso_required, false);
  t.equal((await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding?confirm=maybe', { profileId: s.profile.id })).statusCode, 400, 'confirm is true or false');
});

t.test('the profile MSP sign-in uses can be neither archived nor deleted, and its secret can only be replaced', async (t) => {
  const s = await setup(t, 'ee');
  await requireMicrosoft(s.db, s.seeded.tenantId, s.domain);
  for (const [method, url] of [
    ['POST', `/api/microsoft/profiles/${s.profile.id}/archive`],
    ['DELETE', `/api/microsoft/profiles/${s.profile.id}`],
  ] as const) {
    const res = await s.admin.request(method, url);
    t.equal(res.statusCode, 409, `${method} ${url}`);
    t.match(res.json(), {
      code: 'sso_required',
      domains: [s.domain],
      message: new RegExp(`used by MSP single sign-on\\..* Microsoft sign-in is required for ${s.domain.replace(/\./g, '\\.')}: clearing MSP single sign-on first asks`),
      usedBy: [{ key: 'consumer:msp_sso' }],
    });
  }
  const emptied = await s.admin.request('PATCH', `/api/microsoft/profiles/${s.profile.id}`, { clientSecret: '' });
  t.equal(emptied.statusCode, 400, 'an empty secret is refused, so no request removes it');
  t.match((await s.admin.request('GET', `/api/microsoft/profiles/${s.profile.id}`)).json(), { hasClientSecret: true, isArchived: false });
  t.equal((await passwordLogin(s, s.seeded.admin.email)).statusCode, 403, 'Microsoft sign-in is still required, and works');
});

t.test('requiring Microsoft sign-in needs a ready MSP sign-in binding', async (t) => {
  const s = await setup(t, 'ee');
  const readiness = () => s.db.transaction().execute((trx) => mspSsoReadiness(trx, s.seeded.tenantId));
  t.same(await readiness(), { ready: true, profileId: s.profile.id });

  await s.app.secrets.delete(s.db, s.seeded.tenantId, `microsoft_profile:${s.profile.id}:client_secret`);
  t.same(await readiness(), { ready: false, message: 'The profile "MSP SSO" bound to MSP single sign-on has no client secret. Bind a profile with a client secret to MSP sign-in first.' });

  const { id } = await verifiedDomain(s.db, s.seeded.tenantId, s.domain);
  const noSecret = await s.admin.request('PATCH', `/api/msp-sso/domains/${id}`, { ssoRequired: true });
  t.match({ status: noSecret.statusCode, ...noSecret.json() }, { status: 409, code: 'msp_sso_not_ready', message: /has no client secret\. Bind a profile with a client secret/ }, 'the API refuses the same');

  await s.db.deleteFrom('microsoft_profile_consumer_bindings').where('tenant_id', '=', s.seeded.tenantId).execute();
  const unbound = await s.admin.request('PATCH', `/api/msp-sso/domains/${id}`, { ssoRequired: true });
  t.match({ status: unbound.statusCode, ...unbound.json() }, { status: 409, code: 'msp_sso_not_ready', message: /^MSP single sign-on is not bound/ });
  t.equal((await domainRow(s, id)).sso_required, false, 'refused: nothing required');
  t.equal((await s.admin.request('PATCH', `/api/msp-sso/domains/${id}`, { ssoRequired: false })).statusCode, 200, 'turning it off never needs a binding');
  const refusal = await s.db.transaction().execute((trx) => assertMspSsoReady(trx, s.seeded.tenantId)).catch((e) => e);
  t.match(refusal, { statusCode: 409, message: 'MSP single sign-on is not bound to a Microsoft profile. Bind a profile with a client secret to MSP sign-in first.', details: { code: 'msp_sso_not_ready' } });
});

t.test('when Microsoft sign-in stops working for a domain that requires it, passwords work again and the admins are told once, until it works again', async (t) => {
  const s = await setup(t, 'ee');
  const { id } = await requireMicrosoft(s.db, s.seeded.tenantId, s.domain);
  // The secret vanished behind the API's back (no request can remove it).
  await s.app.secrets.delete(s.db, s.seeded.tenantId, `microsoft_profile:${s.profile.id}:client_secret`);
  t.same(await discover(s, s.seeded.technician.email), { microsoft: false, passwordAllowed: true }, 'discovery offers the password');
  t.equal((await passwordLogin(s, s.seeded.technician.email)).statusCode, 200, 'the technician signs in with a password');
  t.equal((await passwordLogin(s, s.seeded.admin.email)).statusCode, 200, 'so does the admin');
  const notices = await openNotices(s, 'msp_sso.password_fallback');
  t.same(notices.map((n) => n.user_id), [s.seeded.admin.id], 'one notice per admin, however many sign-ins');
  t.match(notices[0], { title: `Password sign-in is allowed again for ${s.domain}`, body: /cannot work/ });
  t.equal((await domainRow(s, id)).sso_required, true, 'the requirement itself stays: it applies again once Microsoft sign-in works');

  const fixed = await s.admin.request('PATCH', `/api/microsoft/profiles/${s.profile.id}`, { clientSecret: SECRET });
  t.equal(fixed.statusCode, 200);
  t.same(await openNotices(s, 'msp_sso.password_fallback'), [], 'the notice is resolved once Microsoft sign-in works again');
  t.equal((await passwordLogin(s, s.seeded.technician.email)).statusCode, 403, 'and the requirement applies again');
  t.notOk(s.logs.join('\n').includes(SECRET), 'the secret is never logged');
});

t.test('disabling a domain that requires Microsoft sign-in is refused naming it; confirmed, the requirement goes first and the admins are told', async (t) => {
  const s = await setup(t, 'ee');
  const { id } = await requireMicrosoft(s.db, s.seeded.tenantId, s.domain);
  const refused = await s.admin.request('POST', `/api/msp-sso/domains/${id}/disable`);
  t.match({ status: refused.statusCode, ...refused.json() }, { status: 409, code: 'sso_required', domains: [s.domain], message: new RegExp(`^Microsoft sign-in is required for ${s.domain.replace(/\./g, '\\.')}\\.`) });
  t.match(await domainRow(s, id), { status: 'verified', sso_required: true }, 'refused: nothing changed');

  const confirmed = await s.admin.request('POST', `/api/msp-sso/domains/${id}/disable?confirm=true`);
  t.equal(confirmed.statusCode, 200);
  t.match(confirmed.json(), { status: 'disabled', ssoRequired: false });
  t.match(await domainRow(s, id), { status: 'disabled', sso_required: false });
  const notices = await openNotices(s, 'msp_sso.requirement_turned_off');
  t.same(notices.map((n) => n.user_id), [s.seeded.admin.id], 'the admins are told');
  t.match(notices[0], { body: new RegExp(`turned off before ${s.domain.replace(/\./g, '\\.')} was disabled`) });
  t.equal((await passwordLogin(s, s.seeded.technician.email)).statusCode, 200, 'its users sign in with their password');
});

t.test('client-portal users and other tenants are not subject to the requirement', async (t) => {
  const s = await setup(t, 'ee');
  await requireMicrosoft(s.db, s.seeded.tenantId, s.domain);
  // The portal user's address is in the domain too (portal@<label>.test).
  t.equal((await passwordLogin(s, s.seeded.clientUser.email)).statusCode, 200);
  const other = await seedTenant(s.db, `other-${s.domain.replace(/\.test$/, '')}`);
  t.equal((await passwordLogin(s, other.admin.email)).statusCode, 200);
});

t.test('"require Microsoft sign-in" and "clear the binding" at the same time never leave a required domain without a binding', async (t) => {
  const s = await setup(t, 'ee');
  const domain = await s.db
    .insertInto('msp_sso_login_domains')
    .values({ tenant_id: s.seeded.tenantId, domain: s.domain, verification_token: 'token', status: 'verified', verified_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const actor = { tenantId: s.seeded.tenantId, userId: s.seeded.admin.id };
  const deps = { edition: s.app.edition, secrets: s.app.secrets, publicUrl: 'https://psa.example.com', dependents: [] };
  for (let round = 0; round < 8; round++) {
    await s.db.updateTable('msp_sso_login_domains').set({ sso_required: false }).where('id', '=', domain.id).execute();
    await s.admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: s.profile.id });
    // What PATCH /api/msp-sso/domains/:id { ssoRequired: true } runs: readiness (share-locks the binding), then the update.
    const require = s.db.transaction().execute((trx) => setSsoRequired(trx, actor, domain.id, true));
    const clear = s.db.transaction().execute((trx) => clearBinding(trx, actor, 'msp_sso', deps, { confirm: false }));
    const [required, cleared] = await Promise.allSettled([require, clear]);
    const bound = (await mspBinding(s)) !== undefined;
    const isRequired = (await domainRow(s, domain.id)).sso_required;
    t.ok(bound || !isRequired, `round ${round}: never required without a binding`);
    t.ok(required.status === 'fulfilled' || cleared.status === 'fulfilled', `round ${round}: one of them went through`);
    t.equal(required.status === 'fulfilled' && cleared.status === 'fulfilled', false, `round ${round}: not both`);
    const refusals = [required, cleared].flatMap((r) => (r.status === 'rejected' ? [(r.reason as { statusCode?: number }).statusCode] : []));
    t.same(refusals, [409], `round ${round}: the other is refused with a 409, never a deadlock`);
  }
});
