import t from 'tap';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/api/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'users-a');
const tenantB = await seedTenant(db, 'users-b');
const admin = await signIn(app, tenantA.admin.email);

const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();
const newUser = (email: string, extra: Record<string, unknown> = {}) => ({ email, displayName: 'New Person', userType: 'internal', password: TEST_PASSWORD, ...extra });

t.test("lists the tenant's users, and reads one", async (t) => {
  const tech = await signIn(app, tenantA.technician.email);
  const res = await tech.request('GET', '/api/users');
  t.equal(res.statusCode, 200);
  const emails = res.json().items.map((u: { email: string }) => u.email).sort();
  t.same(emails, ['admin@users-a.test', 'portal@users-a.test', 'tech@users-a.test', 'viewer@users-a.test']);
  const one = await tech.request('GET', `/api/users/${tenantA.clientUser.id}`);
  t.match(one.json(), { id: tenantA.clientUser.id, userType: 'client', clientId: tenantA.client.id, isActive: true });
  t.notOk('passwordHash' in one.json() || 'password_hash' in one.json(), 'no password hash in the response');
});

t.test('an admin creates an internal user with roles, who can then sign in with them', async (t) => {
  const res = await admin.request('POST', '/api/users', newUser(' New.Admin@Users-A.test ', { roles: ['Settings viewer'] }));
  t.equal(res.statusCode, 201);
  t.match(res.json(), { email: 'new.admin@users-a.test', displayName: 'New Person', userType: 'internal', clientId: null, isActive: true });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'new.admin@users-a.test', password: TEST_PASSWORD } });
  t.equal(login.statusCode, 200);
  t.same(login.json().user.permissions, ['system_settings.read']);
  const audit = await db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('target_id', '=', res.json().id).execute();
  t.same(audit.filter((a) => a.action === 'user.created'), [{ action: 'user.created', actor_user_id: tenantA.admin.id }]);
});

t.test('an admin creates a client-portal user for one of their clients', async (t) => {
  const res = await admin.request('POST', '/api/users', newUser('portal2@users-a.test', { userType: 'client', clientId: tenantA.client.id, roles: ['Admin'] }));
  t.equal(res.statusCode, 201);
  t.match(res.json(), { userType: 'client', clientId: tenantA.client.id });
  const portal = await signIn(app, 'portal2@users-a.test');
  t.equal((await portal.request('GET', '/api/feature-flags')).statusCode, 403, 'roles are never given to client-portal users');
});

t.test('rejects bad user bodies with 400 naming the field, and creates nothing', async (t) => {
  const before = await db.selectFrom('users').select('id').execute();
  const cases: [unknown, string[]][] = [
    [newUser('not-an-email'), ['email']],
    [newUser('x@users-a.test', { displayName: ' ' }), ['displayName']],
    [newUser('x@users-a.test', { userType: 'robot' }), ['userType']],
    [newUser('x@users-a.test', { password: 'short' }), ['password']],
    [newUser('x@users-a.test', { clientId: 'nope' }), ['clientId']],
    [newUser('x@users-a.test', { roles: [''] }), ['roles.0']],
    [newUser('x@users-a.test', { roles: ['Overlord'] }), ['roles']],
    [newUser('x@users-a.test', { userType: 'client' }), ['clientId']],
    [newUser('x@users-a.test', { userType: 'client', clientId: '00000000-0000-4000-8000-000000000000' }), ['clientId']],
  ];
  for (const [body, fields] of cases) {
    const res = await admin.request('POST', '/api/users', body);
    t.equal(res.statusCode, 400, JSON.stringify(body));
    t.same(fieldsOf(res.json()), fields, `${JSON.stringify(body)} names ${fields}`);
    t.match(res.json().message, new RegExp(`${fields[0]}: `));
  }
  const nonUuid = await admin.request('GET', '/api/users/12');
  t.equal(nonUuid.statusCode, 400);
  t.same(fieldsOf(nonUuid.json()), ['params.id']);
  const invalidJson = await admin.request('POST', '/api/users', '{"email"', { 'content-type': 'application/json' });
  t.equal(invalidJson.statusCode, 400);
  t.equal(invalidJson.json().message, 'The request body is not valid JSON.');
  t.equal((await db.selectFrom('users').select('id').execute()).length, before.length);
});

t.test('an email already used, in any tenant and any case, answers 409', async (t) => {
  const res = await admin.request('POST', '/api/users', newUser('TECH@users-b.test'));
  t.equal(res.statusCode, 409);
  t.equal(res.json().message, "This email address can't be used for a new user.");
  const users = await db.selectFrom('users').select('tenant_id').where('email', '=', 'tech@users-b.test').execute();
  t.same(users, [{ tenant_id: tenantB.tenantId }]);
});

t.test("the 409 for another tenant's address is the 409 for one of this tenant's: it says nowhere where the account is", async (t) => {
  const { reqId: _own, ...own } = (await admin.request('POST', '/api/users', newUser('tech@users-a.test'))).json();
  const { reqId: _other, ...other } = (await admin.request('POST', '/api/users', newUser('tech@users-b.test'))).json();
  t.same(other, own);
  t.same(own, { statusCode: 409, error: 'Conflict', message: "This email address can't be used for a new user." });
  const portal = (await admin.request('POST', '/api/users', newUser('portal@users-b.test', { userType: 'client', clientId: tenantA.client.id }))).json();
  t.equal(portal.message, own.message, 'the same for a client-portal user');
});

t.test("another tenant's users are invisible and its clients cannot be referenced", async (t) => {
  for (const user of [tenantB.admin, tenantB.technician, tenantB.clientUser]) {
    const res = await admin.request('GET', `/api/users/${user.id}`);
    t.equal(res.statusCode, 404);
    t.equal(res.json().message, 'User not found.');
  }
  const list = (await admin.request('GET', '/api/users')).json();
  t.notOk(list.items.some((u: { email: string }) => u.email.endsWith('@users-b.test')));
  const res = await admin.request('POST', '/api/users', newUser('smuggled@users-a.test', { userType: 'client', clientId: tenantB.client.id }));
  t.equal(res.statusCode, 400);
  t.same(fieldsOf(res.json()), ['clientId']);
  t.notOk(await db.selectFrom('users').select('id').where('email', '=', 'smuggled@users-a.test').executeTakeFirst());
  const bUsers = await db.selectFrom('users').select('email').where('tenant_id', '=', tenantB.tenantId).execute();
  t.equal(bUsers.length, 4, "tenant B's users are untouched");
});

t.test('only settings editors create users; technicians and viewers get 403', async (t) => {
  for (const who of [tenantA.technician, tenantA.viewer]) {
    const s = await signIn(app, who.email);
    const res = await s.request('POST', '/api/users', newUser(`by-${who.id}@users-a.test`));
    t.equal(res.statusCode, 403);
    t.equal(res.json().message, 'You need the system_settings.update permission to do this.');
  }
  t.notOk(await db.selectFrom('users').select('id').where('email', 'like', 'by-%').executeTakeFirst());
});

t.test('feature flags: a viewer may read them, a technician may not', async (t) => {
  const viewer = await signIn(app, tenantA.viewer.email);
  const read = await viewer.request('GET', '/api/feature-flags');
  t.equal(read.statusCode, 200);
  t.ok(Array.isArray(read.json().items));
  t.equal((await viewer.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: true })).statusCode, 403);
  const tech = await signIn(app, tenantA.technician.email);
  const refused = await tech.request('GET', '/api/feature-flags');
  t.equal(refused.statusCode, 403);
  t.equal(refused.json().message, 'You need the system_settings.read permission to do this.');
  t.equal((await tech.request('GET', '/api/audit-log')).statusCode, 403);
  t.equal((await viewer.request('GET', '/api/audit-log')).statusCode, 200);
});

t.test('client-portal users get 403 on users, feature flags and the audit log', async (t) => {
  const portal = await signIn(app, tenantA.clientUser.email);
  const attempts: [string, string, unknown?][] = [
    ['GET', '/api/users'],
    ['GET', `/api/users/${tenantA.clientUser.id}`],
    ['POST', '/api/users', newUser('by-portal@users-a.test')],
    ['GET', '/api/feature-flags'],
    ['PUT', '/api/feature-flags/entra-integration-ui', { enabled: true }],
    ['GET', '/api/audit-log'],
  ];
  for (const [method, url, body] of attempts) {
    const res = await portal.request(method, url, body);
    t.equal(res.statusCode, 403, `${method} ${url}`);
    t.equal(res.json().message, 'This area is only available to MSP staff.');
  }
  const overrides = await db.selectFrom('feature_flag_tenants').select('flag_key').where('tenant_id', '=', tenantA.tenantId).execute();
  t.same(overrides, []);
});
