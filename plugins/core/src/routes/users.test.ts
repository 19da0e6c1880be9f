import t from 'tap';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';

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
  const roles = Object.fromEntries(res.json().items.map((u: { email: string; roles: string[] }) => [u.email, u.roles]));
  t.same(roles, { 'admin@users-a.test': ['Admin'], 'portal@users-a.test': [], 'tech@users-a.test': ['Technician'], 'viewer@users-a.test': ['Settings viewer'] });
  const one = await tech.request('GET', `/api/users/${tenantA.clientUser.id}`);
  t.match(one.json(), { id: tenantA.clientUser.id, userType: 'client', clientId: tenantA.client.id, isActive: true });
  t.notOk('passwordHash' in one.json() || 'password_hash' in one.json(), 'no password hash in the response');
});

t.test('an admin creates an internal user with roles, who can then sign in with them', async (t) => {
  const res = await admin.request('POST', '/api/users', newUser(' New.Admin@Users-A.test ', { role: 'Settings viewer' }));
  t.equal(res.statusCode, 201);
  t.match(res.json(), { email: 'new.admin@users-a.test', displayName: 'New Person', userType: 'internal', clientId: null, isActive: true, roles: ['Settings viewer'] });
  t.notOk('invitation' in res.json(), 'a user created with a password gets no invitation link');
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'new.admin@users-a.test', password: TEST_PASSWORD } });
  t.equal(login.statusCode, 200);
  t.same(login.json().user.permissions, ['system_settings.read']);
  const audit = await db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('target_id', '=', res.json().id).execute();
  t.same(audit.filter((a) => a.action === 'user.created'), [{ action: 'user.created', actor_user_id: tenantA.admin.id }]);
});

t.test('an admin creates a client-portal user for one of their clients', async (t) => {
  const res = await admin.request('POST', '/api/users', newUser('portal2@users-a.test', { userType: 'client', clientId: tenantA.client.id, role: 'Admin' }));
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
    [newUser('x@users-a.test', { role: '' }), ['role']],
    [newUser('x@users-a.test', { role: 'Overlord' }), ['role']],
    [newUser('x@users-a.test', { password: 'password1234' }), ['password']],
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

const auditOf = (userId: string) =>
  db.selectFrom('audit_log').select(['action', 'actor_user_id', 'details']).where('target_id', '=', userId).where('action', 'like', 'user.%').orderBy('id').execute();

t.test('a user added without a password gets a one-time invitation link, which sets their password', async (t) => {
  const res = await admin.request('POST', '/api/users', { email: 'invited@users-a.test', displayName: 'Ivy Invited', userType: 'internal', role: 'Technician' });
  t.equal(res.statusCode, 201);
  const { invitation, ...user } = res.json();
  t.match(user, { email: 'invited@users-a.test', roles: ['Technician'], isActive: true });
  t.match(invitation.url, /^http:\/\/localhost:\d+\/reset-password\?token=[\w-]{43}$/);
  const days = (Date.parse(invitation.expiresAt) - Date.now()) / 86_400_000;
  t.ok(days > 6.9 && days <= 7, 'valid for 7 days');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'invited@users-a.test', password: TEST_PASSWORD } })).statusCode, 401, 'no password until the link is used');
  const token = new URL(invitation.url).searchParams.get('token')!;
  const set = await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { token, password: 'violet lantern orchard kettle' } });
  t.equal(set.statusCode, 200);
  await signIn(app, 'invited@users-a.test', 'violet lantern orchard kettle');
  t.same((await auditOf(user.id)).map((a) => a.action), ['user.created', 'user.password_reset_issued', 'user.password_reset_used']);
  t.notOk(JSON.stringify(await auditOf(user.id)).includes(token), 'the token is in no audit row');
});

t.test('a weak password is refused with the reason in plain words, naming the field', async (t) => {
  const res = await admin.request('POST', '/api/users', newUser('weak@users-a.test', { displayName: 'Wendy Weak', password: 'weak@users-a.test1' }));
  t.equal(res.statusCode, 400);
  t.same(fieldsOf(res.json()), ['password']);
  t.match(res.json().message, /^Invalid request: password: is too easy to guess\. /);
  t.match(res.json().fields[0].message, /There should not be any personal or page related data\./, "zxcvbn's warning or suggestion is included");
  t.notOk(await db.selectFrom('users').select('id').where('email', '=', 'weak@users-a.test').executeTakeFirst());
});

t.test('an admin changes a role and a name; a client-portal user has no role to change', async (t) => {
  const created = (await admin.request('POST', '/api/users', newUser('promote@users-a.test'))).json();
  t.same(created.roles, ['Technician'], 'Technician unless said otherwise');
  const res = await admin.request('PATCH', `/api/users/${created.id}`, { role: 'Settings viewer', displayName: 'Pat Promoted' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { roles: ['Settings viewer'], displayName: 'Pat Promoted' });
  const s = await signIn(app, 'promote@users-a.test');
  t.same((await s.request('GET', '/api/auth/session')).json().user.permissions, ['system_settings.read']);
  t.match(await auditOf(created.id), [
    { action: 'user.created' },
    { action: 'user.updated', details: { displayName: 'Pat Promoted' } },
    { action: 'user.role_changed', actor_user_id: tenantA.admin.id, details: { from: ['Technician'], to: 'Settings viewer' } },
  ]);
  const portal = await admin.request('PATCH', `/api/users/${tenantA.clientUser.id}`, { role: 'Admin' });
  t.equal(portal.statusCode, 400);
  t.same(fieldsOf(portal.json()), ['role']);
  t.equal((await admin.request('PATCH', `/api/users/${created.id}`, { role: 'Overlord' })).statusCode, 400);
  t.equal((await admin.request('PATCH', `/api/users/${tenantB.technician.id}`, { role: 'Admin' })).statusCode, 404, "another tenant's user");
});

t.test('deactivating a user ends their sessions at once; reactivating lets them sign in again', async (t) => {
  const created = (await admin.request('POST', '/api/users', newUser('leaver@users-a.test'))).json();
  const s = await signIn(app, 'leaver@users-a.test');
  t.equal((await s.request('GET', '/api/users')).statusCode, 200);
  const off = await admin.request('PATCH', `/api/users/${created.id}`, { isActive: false });
  t.equal(off.statusCode, 200);
  t.equal(off.json().isActive, false);
  t.same(await db.selectFrom('sessions').select('id').where('user_id', '=', created.id).execute(), [], 'the session rows are gone');
  t.equal((await s.request('GET', '/api/users')).statusCode, 401, 'the old cookie is refused');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'leaver@users-a.test', password: TEST_PASSWORD } })).statusCode, 401);
  const resetRefused = await admin.request('POST', `/api/users/${created.id}/password-reset`);
  t.equal(resetRefused.statusCode, 409, 'no reset link for a deactivated user');
  const on = await admin.request('PATCH', `/api/users/${created.id}`, { isActive: true });
  t.equal(on.json().isActive, true);
  await signIn(app, 'leaver@users-a.test');
  t.match(await auditOf(created.id), [{ action: 'user.created' }, { action: 'user.deactivated', details: { sessionsEnded: 1 } }, { action: 'user.reactivated' }]);
});

t.test('the last active admin can be neither demoted nor deactivated, and no admin deactivates themselves', async (t) => {
  const tenant = await seedTenant(db, 'last-admin');
  const only = await signIn(app, tenant.admin.email);
  const self = await only.request('PATCH', `/api/users/${tenant.admin.id}`, { isActive: false });
  t.equal(self.statusCode, 409);
  t.match(self.json(), { message: 'You cannot deactivate your own account. Another admin can.', code: 'self_deactivation' });
  const demote = await only.request('PATCH', `/api/users/${tenant.admin.id}`, { role: 'Technician' });
  t.equal(demote.statusCode, 409);
  t.match(demote.json(), { message: 'This is the last active admin. Make another user an admin first, then change this role.', code: 'last_admin' });
  // With a second admin the first may step down; the second, now the last, may not be deactivated.
  t.equal((await only.request('PATCH', `/api/users/${tenant.viewer.id}`, { role: 'Admin' })).statusCode, 200);
  t.equal((await only.request('PATCH', `/api/users/${tenant.admin.id}`, { role: 'Technician' })).statusCode, 200);
  const second = await signIn(app, tenant.viewer.email);
  const lastOff = await second.request('PATCH', `/api/users/${tenant.viewer.id}`, { role: 'Settings viewer' });
  t.equal(lastOff.statusCode, 409);
  const rows = await db.selectFrom('user_roles as ur').innerJoin('roles as r', 'r.id', 'ur.role_id').select('r.name').where('ur.user_id', '=', tenant.viewer.id).execute();
  t.same(rows, [{ name: 'Admin' }], 'nothing changed');
});

t.test('an admin issues a reset link; settings viewers read the users but change nothing', async (t) => {
  const res = await admin.request('POST', `/api/users/${tenantA.technician.id}/password-reset`);
  t.equal(res.statusCode, 201);
  t.match(res.json().url, /\/reset-password\?token=/);
  const hours = (Date.parse(res.json().expiresAt) - Date.now()) / 3_600_000;
  t.ok(hours > 23.9 && hours <= 24, 'valid for 24 hours');
  const viewer = await signIn(app, tenantA.viewer.email);
  t.equal((await viewer.request('GET', '/api/users')).statusCode, 200);
  for (const [method, url, body] of [
    ['PATCH', `/api/users/${tenantA.technician.id}`, { isActive: false }],
    ['POST', `/api/users/${tenantA.technician.id}/password-reset`, undefined],
  ] as const) {
    t.equal((await viewer.request(method, url, body)).statusCode, 403, `${method} ${url}`);
  }
  const tech = await signIn(app, tenantA.technician.email);
  t.equal((await tech.request('PATCH', `/api/users/${tenantA.admin.id}`, { role: 'Technician' })).statusCode, 403);
});
