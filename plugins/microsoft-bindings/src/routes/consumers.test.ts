import t, { type Test } from 'tap';
import { buildTestApp, seedTenant, signIn, type Session } from '@switchboard/testing';

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

  t.test('binds a consumer; the resolver returns its credentials; rebinding Calendar asks first, naming the technicians who must reconnect', async (t) => {
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

    // The technician's calendar was authorized through the first profile's app; the admin's was never connected.
    const techCalendar = await db
      .insertInto('calendar_providers')
      .values({ tenant_id: a.tenantId, user_id: a.technician.id, provider_type: 'microsoft', display_name: 'Tech calendar', status: 'connected', connected_at: new Date(), account_email: 'tech@a.example', authorized_client_id: 'AAAAAAAA-0000-0000-0000-000000000001' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await app.secrets.put(db, a.tenantId, `calendar_provider:${techCalendar.id}:tokens`, JSON.stringify({ refreshToken: 'stand-in' }));
    await db.insertInto('calendar_providers').values({ tenant_id: a.tenantId, user_id: a.admin.id, provider_type: 'microsoft', display_name: 'Admin calendar', status: 'configuring' }).execute();
    const second = await createProfile(admin, 'Calendar App 2', 'aaaaaaaa-0000-0000-0000-000000000002');
    const asked = await bind(admin, 'calendar', second.id);
    t.equal(asked.statusCode, 409);
    const techName = `tech ee-bind-a`;
    t.match(asked.json(), {
      code: 'reconnect_required',
      affected: [{ userId: a.technician.id, displayName: techName, connection: 'tech@a.example' }],
      message: `Binding Calendar to "Calendar App 2" disconnects a connection authorized through "Calendar App": ${techName} (tech@a.example). Confirm to go ahead; it is marked "reconnect needed" and each technician is asked to reconnect on Profile → Calendar.`,
    });
    t.equal(asked.json().affected.length, 1, 'a calendar that was never connected has nothing to lose');
    t.equal((await app.microsoft.resolveConsumerProfile(a.tenantId, 'calendar'))?.profileId, first.id, 'not confirmed: nothing changed');
    t.match(await db.selectFrom('calendar_providers').selectAll().where('id', '=', techCalendar.id).executeTakeFirstOrThrow(), { status: 'connected', needs_reconnect: false });

    const rebound = await admin.request('PUT', '/api/microsoft/consumers/calendar/binding?confirm=true', { profileId: second.id });
    t.equal(rebound.statusCode, 200);
    t.match(rebound.json(), { affected: [{ userId: a.technician.id, connection: 'tech@a.example' }], warnings: [`This connection must reconnect: ${techName} (tech@a.example). Each technician was notified.`] });
    t.equal((await app.microsoft.resolveConsumerProfile(a.tenantId, 'calendar'))?.profileId, second.id);
    t.match(await db.selectFrom('calendar_providers').selectAll().where('id', '=', techCalendar.id).executeTakeFirstOrThrow(), { status: 'error', needs_reconnect: true, error_message: /reconnect your calendar/ });
    const tech = await signIn(app, a.technician.email);
    const [card] = (await tech.request('GET', '/api/calendar/providers')).json().items;
    t.match(card, { status: 'error', tokenStatus: 'revoked', error: /Action required: reconnect your calendar/ }, 'the technician sees the connection must reconnect');
    const notices = await db.selectFrom('notifications').select(['user_id', 'kind', 'link']).where('tenant_id', '=', a.tenantId).where('kind', '=', 'calendar.reconnect_required').execute();
    t.same(notices, [{ user_id: a.technician.id, kind: 'calendar.reconnect_required', link: '/profile?tab=calendar' }], 'the technician is notified, with a link to Profile → Calendar');

    const again = await bind(admin, 'calendar', second.id);
    t.match({ status: again.statusCode, ...again.json() }, { status: 200, warnings: [], affected: [] }, 'binding the same profile again asks nothing and changes nothing');
    t.same((await bind(admin, 'calendar', first.id)).json().affected, [], 'a connection already marked is not asked about again');

    const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', a.tenantId).where('target_type', '=', 'microsoft_binding').orderBy('id').execute();
    t.same(audit.map((x) => [x.action, x.details.profileId, x.details.previousProfileId, x.details.markedForReconnect ?? null]), [
      ['microsoft_binding.set', first.id, null, null],
      ['microsoft_binding.set', second.id, first.id, ['tech@a.example']],
      ['microsoft_binding.set', first.id, second.id, null],
    ]);
    const events = await db.selectFrom('outbox_events').select('payload').where('tenant_id', '=', a.tenantId).where('event_type', '=', 'microsoft.binding_changed').execute();
    t.equal(events.length, 3, 'each change is published for the features that use the binding');
  });

  t.test('moving Email to another app asks first naming the mailboxes; confirmed, they are marked and the admins told', async (t) => {
    // From before the app was recorded: assumed to be authorized through the bound profile.
    const mailbox = await db.insertInto('email_providers').values({ tenant_id: a.tenantId, provider_type: 'microsoft', mailbox: 'help@a.test' }).returning('id').executeTakeFirstOrThrow();
    const p1 = await createProfile(admin, 'Mail App', 'cccccccc-0000-0000-0000-000000000001');
    const sameApp = await createProfile(admin, 'Mail App (copy)', 'cccccccc-0000-0000-0000-000000000001');
    const p2 = await createProfile(admin, 'Mail App 2', 'cccccccc-0000-0000-0000-000000000002');
    t.match((await bind(admin, 'email', p1.id)).json(), { warnings: [], affected: [] }, 'a first binding is not a rebinding');
    t.match((await bind(admin, 'email', sameApp.id)).json(), { warnings: [], affected: [] }, 'another profile of the same app registration breaks nothing');
    const asked = await bind(admin, 'email', p2.id);
    t.equal(asked.statusCode, 409);
    t.match(asked.json(), { code: 'reconnect_required', affected: [{ userId: null, displayName: 'help@a.test', connection: 'help@a.test' }], message: /disconnects a connection authorized through "Mail App \(copy\)": help@a.test\. Confirm/ });
    const cleared = await admin.request('DELETE', '/api/microsoft/consumers/email/binding');
    t.match(cleared.json(), { code: 'reconnect_required', message: /^Clearing the Email binding disconnects a connection/ }, 'clearing asks the same');
    t.equal((await db.selectFrom('email_providers').select('needs_reconnect').where('id', '=', mailbox.id).executeTakeFirstOrThrow()).needs_reconnect, false);

    const confirmed = await admin.request('PUT', '/api/microsoft/consumers/email/binding?confirm=true', { profileId: p2.id });
    t.equal(confirmed.statusCode, 200);
    t.match(confirmed.json(), { affected: [{ connection: 'help@a.test' }], warnings: [/help@a.test\. The admins were notified/] });
    t.equal((await db.selectFrom('email_providers').select('needs_reconnect').where('id', '=', mailbox.id).executeTakeFirstOrThrow()).needs_reconnect, true);
    const notices = await db.selectFrom('notifications').select('user_id').where('tenant_id', '=', a.tenantId).where('kind', '=', 'email.reconnect_required').execute();
    t.same(notices.map((n) => n.user_id), [a.admin.id]);
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
    t.equal((await clear(admin, 'email')).statusCode, 200, 'no mailbox left to reconnect: cleared without asking');
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
