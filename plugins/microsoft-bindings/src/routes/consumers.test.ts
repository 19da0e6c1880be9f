import t, { type Test } from 'tap';
import { buildTestApp, seedTenant, signIn, type Session } from '@switchboard/api/testing';

const SECRET = 'Qq7~binding-test-secret-never-shown-55555';

async function setup(edition: 'ce' | 'ee', t: Test) {
  const ctx = await buildTestApp({ edition, env: { PUBLIC_URL: 'https://psa.example.com' } });
  t.teardown(ctx.close);
  const a = await seedTenant(ctx.db, `${edition}-bind-a`);
  const b = await seedTenant(ctx.db, `${edition}-bind-b`);
  const admin = await signIn(ctx.app, a.admin.email);
  return { ctx, a, b, admin, adminB: await signIn(ctx.app, b.admin.email) };
}

let n = 0;
async function createProfile(session: Session, name = `Profile ${++n}`, clientId = '11111111-2222-3333-4444-555555555555') {
  const res = await session.request('POST', '/api/microsoft/profiles', { displayName: name, clientId, clientSecret: SECRET });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { id: string; displayName: string };
}

const bind = (s: Session, consumer: string, profileId: string) => s.request('PUT', `/api/microsoft/consumers/${consumer}/binding`, { profileId });
const clear = (s: Session, consumer: string) => s.request('DELETE', `/api/microsoft/consumers/${consumer}/binding`);

t.test('EE', async (t) => {
  const { ctx, a, b, admin, adminB } = await setup('ee', t);
  const { app, db } = ctx;

  t.test('the matrix lists the four consumers, unbound, with redirect URIs and Teams guidance', async (t) => {
    const res = await admin.request('GET', '/api/microsoft/consumers');
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.equal(body.edition, 'ee');
    t.same(body.consumers.map((c: { consumer: string }) => c.consumer), ['msp_sso', 'email', 'calendar', 'teams']);
    for (const c of body.consumers) t.match(c, { binding: null, readiness: 'not_bound', readinessMessage: /Not bound/ });
    const calendar = body.consumers.find((c: { consumer: string }) => c.consumer === 'calendar');
    t.same(calendar.redirectUris, ['https://psa.example.com/api/auth/microsoft/calendar/callback']);
    const teams = body.consumers.find((c: { consumer: string }) => c.consumer === 'teams');
    t.match(teams.teams, { installStatus: 'not_configured', applicationIdUri: null });
  });

  t.test('binds a consumer; the resolver returns its credentials; rebinding Calendar warns', async (t) => {
    t.equal(await app.microsoft.resolveConsumerProfile(a.tenantId, 'calendar'), null, 'null while unbound, never a fallback');
    const first = await createProfile(admin, 'Calendar App', 'aaaaaaaa-0000-0000-0000-000000000001');
    const res = await bind(admin, 'calendar', first.id);
    t.equal(res.statusCode, 200);
    t.match(res.json(), { consumer: { consumer: 'calendar', readiness: 'ready', binding: { profileId: first.id, profileName: 'Calendar App' } }, warnings: [] });
    t.same(await app.microsoft.resolveConsumerProfile(a.tenantId, 'calendar'), {
      profileId: first.id,
      displayName: 'Calendar App',
      clientId: 'aaaaaaaa-0000-0000-0000-000000000001',
      clientSecret: SECRET,
      authorityTenant: 'common',
    });
    t.equal(await app.microsoft.resolveConsumerProfile(a.tenantId, 'email'), null, 'other consumers stay unbound');
    t.equal(await app.microsoft.resolveConsumerProfile(b.tenantId, 'calendar'), null, 'other tenants stay unbound');

    await db.insertInto('calendar_providers').values({ tenant_id: a.tenantId, user_id: a.technician.id, provider_type: 'microsoft', display_name: 'Tech calendar' }).execute();
    const second = await createProfile(admin, 'Calendar App 2', 'aaaaaaaa-0000-0000-0000-000000000002');
    const rebound = await bind(admin, 'calendar', second.id);
    t.equal(rebound.statusCode, 200);
    t.match(rebound.json().warnings, [/calendar connections must re-authorize: 1 connection/]);
    t.equal((await app.microsoft.resolveConsumerProfile(a.tenantId, 'calendar'))?.profileId, second.id);
    t.same((await bind(admin, 'calendar', second.id)).json().warnings, [], 'binding the same profile again changes nothing');

    const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', a.tenantId).where('target_type', '=', 'microsoft_binding').orderBy('id').execute();
    t.same(audit.map((x) => [x.action, x.details.profileId, x.details.previousProfileId]), [
      ['microsoft_binding.set', first.id, null],
      ['microsoft_binding.set', second.id, first.id],
    ]);
    const events = await db.selectFrom('outbox_events').select('payload').where('tenant_id', '=', a.tenantId).where('event_type', '=', 'microsoft.binding_changed').execute();
    t.equal(events.length, 2, 'each change is published for the features that use the binding');
  });

  t.test('rebinding Email warns about its mailboxes', async (t) => {
    await db.insertInto('email_providers').values({ tenant_id: a.tenantId, provider_type: 'microsoft', mailbox: 'help@a.test' }).execute();
    const p1 = await createProfile(admin);
    const p2 = await createProfile(admin);
    t.same((await bind(admin, 'email', p1.id)).json().warnings, [], 'a first binding is not a rebinding');
    t.match((await bind(admin, 'email', p2.id)).json().warnings, [/email connections must re-authorize: 1 mailbox /]);
  });

  t.test('rebinding Teams resets its install state and clears the package, bot and app ids', async (t) => {
    const p1 = await createProfile(admin, 'Teams One', 'bbbbbbbb-0000-0000-0000-000000000001');
    const p2 = await createProfile(admin, 'Teams Two', 'bbbbbbbb-0000-0000-0000-000000000002');
    await bind(admin, 'teams', p1.id);
    await db
      .updateTable('teams_integrations')
      .set({ install_status: 'error', package_id: 'pkg-1', bot_id: 'bot-1', app_id: 'app-1', last_error: 'Upload failed' })
      .where('tenant_id', '=', a.tenantId)
      .execute();
    const res = await bind(admin, 'teams', p2.id);
    t.match(res.json().consumer.teams, { installStatus: 'install_pending', applicationIdUri: 'api://psa.example.com/bbbbbbbb-0000-0000-0000-000000000002', guidance: /Expose an API/ });
    t.match(await db.selectFrom('teams_integrations').selectAll().where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow(), {
      install_status: 'install_pending',
      package_id: null,
      bot_id: null,
      app_id: null,
      last_error: null,
    });
  });

  t.test('a binding must name an active profile of the same tenant', async (t) => {
    const foreign = await createProfile(adminB);
    const cross = await bind(admin, 'msp_sso', foreign.id);
    t.equal(cross.statusCode, 404, "another tenant's profile does not exist here");
    t.match(cross.json().message, /Microsoft profile/);
    t.equal(await app.microsoft.resolveConsumerProfile(a.tenantId, 'msp_sso'), null);

    const archived = await createProfile(admin, 'Old App');
    await admin.request('POST', `/api/microsoft/profiles/${archived.id}/archive`);
    const res = await bind(admin, 'msp_sso', archived.id);
    t.equal(res.statusCode, 409);
    t.match(res.json().message, /"Old App" is archived/);
    t.equal((await bind(admin, 'msp_sso', '00000000-0000-0000-0000-000000000000')).statusCode, 404);
    t.equal((await admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: 'nope' })).statusCode, 400);
    t.equal((await bind(admin, 'sharepoint', archived.id)).statusCode, 400, 'unknown consumer');
  });

  t.test('archive and delete of a bound profile are refused naming the consumers; clear, then archive', async (t) => {
    const p = await createProfile(admin, 'Shared App');
    await bind(admin, 'msp_sso', p.id);
    await bind(admin, 'email', p.id);
    for (const [method, url] of [
      ['POST', `/api/microsoft/profiles/${p.id}/archive`],
      ['DELETE', `/api/microsoft/profiles/${p.id}`],
    ] as const) {
      const res = await admin.request(method, url);
      t.equal(res.statusCode, 409, `${method} refused`);
      t.match(res.json().message, /"Shared App" cannot be (archived|deleted): it is used by Email and MSP single sign-on/);
      t.same(res.json().usedBy.map((u: { key: string }) => u.key).sort(), ['consumer:email', 'consumer:msp_sso']);
    }
    t.same((await admin.request('GET', `/api/microsoft/profiles/${p.id}`)).json().usedBy.map((u: { label: string }) => u.label).sort(), ['Email', 'MSP single sign-on']);

    const cleared = await clear(admin, 'msp_sso');
    t.equal(cleared.statusCode, 200);
    t.match(cleared.json().consumer, { binding: null, readiness: 'not_bound' });
    t.equal(await app.microsoft.resolveConsumerProfile(a.tenantId, 'msp_sso'), null);
    t.same((await clear(admin, 'msp_sso')).json().warnings, [], 'clearing an unbound consumer is a no-op');
    t.match((await clear(admin, 'email')).json().warnings, [/email connections must re-authorize/]);
    t.equal((await admin.request('POST', `/api/microsoft/profiles/${p.id}/archive`)).statusCode, 200);
  });

  t.test('a usage registered by another feature guards archive and delete like a binding', async (t) => {
    const p = await createProfile(admin, 'Entra Partner App');
    app.microsoft.registerProfileUsage(async (_db, tenantId) => (tenantId === a.tenantId ? [{ profileId: p.id, key: 'entra:connection', label: 'the Entra connection' }] : []));
    const res = await admin.request('DELETE', `/api/microsoft/profiles/${p.id}`);
    t.equal(res.statusCode, 409);
    t.match(res.json().message, /used by the Entra connection/);
  });

  t.test('a profile without a usable secret resolves to null', async (t) => {
    const p = await createProfile(admin);
    await bind(admin, 'teams', p.id);
    await app.secrets.delete(db, a.tenantId, `microsoft_profile:${p.id}:client_secret`);
    t.equal(await app.microsoft.resolveConsumerProfile(a.tenantId, 'teams'), null);
    const teams = (await admin.request('GET', '/api/microsoft/consumers')).json().consumers.find((c: { consumer: string }) => c.consumer === 'teams');
    t.match(teams, { readiness: 'missing_secret', readinessMessage: /has no client secret/ });
  });

  t.test('viewers read the matrix but cannot bind; technicians and client users get 403', async (t) => {
    const p = await createProfile(admin);
    const viewer = await signIn(app, a.viewer.email);
    t.equal((await viewer.request('GET', '/api/microsoft/consumers')).statusCode, 200);
    t.equal((await bind(viewer, 'msp_sso', p.id)).statusCode, 403);
    t.equal((await clear(viewer, 'email')).statusCode, 403);
    for (const email of [a.technician.email, a.clientUser.email]) {
      const s = await signIn(app, email);
      t.equal((await s.request('GET', '/api/microsoft/consumers')).statusCode, 403);
      t.equal((await bind(s, 'msp_sso', p.id)).statusCode, 403);
      t.equal((await clear(s, 'email')).statusCode, 403);
    }
    t.equal((await app.inject({ method: 'GET', url: '/api/microsoft/consumers' })).statusCode, 401);
  });

  t.test('no response or log line contained the secret', async (t) => {
    t.notOk(ctx.logs.join('\n').includes(SECRET));
  });
});

t.test('CE', async (t) => {
  const { ctx, a, admin } = await setup('ce', t);
  const { app, db } = ctx;

  t.test('shows and binds only MSP SSO', async (t) => {
    const matrix = (await admin.request('GET', '/api/microsoft/consumers')).json();
    t.equal(matrix.edition, 'ce');
    t.same(matrix.consumers.map((c: { consumer: string }) => c.consumer), ['msp_sso']);
    t.notOk('teams' in matrix.consumers[0]);
    const p = await createProfile(admin, 'SSO App');
    const res = await bind(admin, 'msp_sso', p.id);
    t.equal(res.statusCode, 200);
    t.equal((await app.microsoft.resolveConsumerProfile(a.tenantId, 'msp_sso'))?.profileId, p.id);
  });

  t.test('refuses writes for the EE consumers and writes nothing', async (t) => {
    const p = await createProfile(admin);
    for (const consumer of ['email', 'calendar', 'teams']) {
      const res = await bind(admin, consumer, p.id);
      t.equal(res.statusCode, 403, `bind ${consumer}`);
      t.match(res.json().message, /only available in Enterprise Edition/);
      t.equal((await clear(admin, consumer)).statusCode, 403, `clear ${consumer}`);
      t.equal(await app.microsoft.resolveConsumerProfile(a.tenantId, consumer as 'email'), null);
    }
    const rows = await db.selectFrom('microsoft_profile_consumer_bindings').select('consumer').where('tenant_id', '=', a.tenantId).execute();
    t.same(rows.map((r) => r.consumer), ['msp_sso']);
    t.equal((await db.selectFrom('teams_integrations').select('tenant_id').where('tenant_id', '=', a.tenantId).execute()).length, 0);
  });
});
