import t from 'tap';
import { loadConfig } from '@switchboard/api';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { createSession } from '../services/sessions.js';

// The production per-address sign-in budget (the harness raises it for other test files).
const ctx = await buildTestApp({ env: { LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: String(loadConfig({}).LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE) } });
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'auth');

t.test('signs in with email and password, and the session identifies the user', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ADMIN@auth.test', password: TEST_PASSWORD } });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.user.email, 'admin@auth.test');
  t.same(body.user.permissions.sort(), ['system_settings.read', 'system_settings.update']);
  t.type(body.csrfToken, 'string');
  const cookie = String(res.headers['set-cookie']);
  t.match(cookie, /sb_session=/);
  t.match(cookie, /HttpOnly/);
  t.match(cookie, /SameSite=Lax/);
  const session = await app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: cookie.split(';')[0] } });
  t.equal(session.statusCode, 200);
  t.equal(session.json().user.id, tenant.admin.id);
});

t.test('refuses a wrong password or unknown email with the same message', async (t) => {
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'tech@auth.test', password: 'nope-nope-nope' } });
  const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@auth.test', password: 'nope-nope-nope' } });
  t.equal(wrong.statusCode, 401);
  t.equal(unknown.statusCode, 401);
  t.equal(wrong.json().message, 'Email or password is incorrect.');
  t.equal(unknown.json().message, wrong.json().message);
  t.notOk(wrong.headers['set-cookie']);
});

t.test('rejects a login body without fields, naming each field', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: '' } });
  t.equal(res.statusCode, 400);
  t.match(res.json().message, /email: is required/);
  t.match(res.json().message, /password/);
  t.same(
    res.json().fields.map((f: { field: string }) => f.field).sort(),
    ['email', 'password'],
  );
});

t.test('without a session, API routes answer 401', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/clients' });
  t.equal(res.statusCode, 401);
  t.equal(res.json().message, 'Please sign in.');
  const forged = await app.inject({ method: 'GET', url: '/api/clients', headers: { cookie: 'sb_session=forged.value' } });
  t.equal(forged.statusCode, 401);
});

t.test('logout ends the session', async (t) => {
  const s = await signIn(app, 'tech@auth.test');
  t.equal((await s.request('GET', '/api/auth/session')).statusCode, 200);
  const out = await s.request('POST', '/api/auth/logout');
  t.equal(out.statusCode, 200);
  t.match(String(out.headers['set-cookie']), /sb_session=;/);
  const after = await s.request('GET', '/api/auth/session');
  t.equal(after.statusCode, 401);
});

t.test('an expired session is refused with a message saying so', async (t) => {
  const s = await signIn(app, 'viewer@auth.test');
  await db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', tenant.viewer.id).execute();
  const res = await s.request('GET', '/api/clients');
  t.equal(res.statusCode, 401);
  t.equal(res.json().message, 'Your session has expired. Please sign in again.');
});

t.test('using a session extends it, and the cookie follows the new expiry', async (t) => {
  const s = await signIn(app, 'tech@auth.test');
  const soon = new Date(Date.now() + 5 * 60_000);
  await db
    .updateTable('sessions')
    .set({ expires_at: soon, last_seen_at: new Date(Date.now() - 10 * 60_000) })
    .where('user_id', '=', tenant.technician.id)
    .execute();
  const res = await s.request('GET', '/api/auth/session');
  t.equal(res.statusCode, 200);
  const row = await db.selectFrom('sessions').select('expires_at').where('user_id', '=', tenant.technician.id).executeTakeFirstOrThrow();
  t.ok(row.expires_at.getTime() > Date.now() + 11 * 3600_000, 'expiry moved a full lifetime ahead');
  const cookie = String(res.headers['set-cookie']);
  t.match(cookie, /sb_session=/);
  t.equal(new Date(/Expires=([^;]+)/.exec(cookie)![1]).getTime(), Math.floor(row.expires_at.getTime() / 1000) * 1000);
  // A second request within the minute neither writes nor re-sends the cookie.
  t.notOk((await s.request('GET', '/api/auth/session')).headers['set-cookie']);
});

t.test('a disabled user can neither sign in nor keep using a session', async (t) => {
  const other = await seedTenant(db, 'disabled');
  const s = await signIn(app, other.technician.email);
  await db.updateTable('users').set({ is_active: false }).where('id', '=', other.technician.id).execute();
  t.equal((await s.request('GET', '/api/clients')).statusCode, 401);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: other.technician.email, password: TEST_PASSWORD } });
  t.equal(login.statusCode, 401);
});

t.test('mutations without the CSRF token are refused and change nothing', async (t) => {
  const s = await signIn(app, 'admin@auth.test');
  const before = await db.selectFrom('clients').select('id').where('tenant_id', '=', tenant.tenantId).execute();
  const missing = await s.request('POST', '/api/clients', { name: 'Sneaky' }, { 'x-csrf-token': '' });
  t.equal(missing.statusCode, 403);
  t.match(missing.json().message, /CSRF/);
  const wrong = await s.request('POST', '/api/clients', { name: 'Sneaky' }, { 'x-csrf-token': 'x'.repeat(32) });
  t.equal(wrong.statusCode, 403);
  const logout = await s.request('POST', '/api/auth/logout', undefined, { 'x-csrf-token': 'nope' });
  t.equal(logout.statusCode, 403);
  const after = await db.selectFrom('clients').select('id').where('tenant_id', '=', tenant.tenantId).execute();
  t.equal(after.length, before.length);
  const ok = await s.request('POST', '/api/clients', { name: 'Legit' });
  t.equal(ok.statusCode, 201);
});

t.test('login attempts are rate limited per address and account', async (t) => {
  const attempts = [];
  for (let i = 0; i < 12; i++) {
    attempts.push(
      (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ratelimited@auth.test', password: 'wrong-password-x' } })).statusCode,
    );
  }
  t.same(attempts.slice(0, 10), Array(10).fill(401));
  t.same(attempts.slice(10), [429, 429]);
  const limited = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ratelimited@auth.test', password: 'x' } });
  t.match(limited.json().message, /Too many sign-in attempts/);
  // Another account from the same address is not locked out.
  const other = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@auth.test', password: TEST_PASSWORD } });
  t.equal(other.statusCode, 200);
});

t.test('one address trying many accounts is limited, and other addresses are not', async (t) => {
  // Its own address, so this file's other sign-ins (all from 127.0.0.1) keep their budget.
  const from = (remoteAddress: string, email: string, password = 'wrong-password-x') =>
    app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password } });
  const statuses = [];
  for (let i = 0; i < 31; i++) statuses.push((await from('198.51.100.7', `guess${i}@auth.test`)).statusCode);
  t.same(statuses, [...Array(30).fill(401), 429], 'the default budget is 30 attempts a minute per address');
  const limited = await from('198.51.100.7', 'admin@auth.test', TEST_PASSWORD);
  t.equal(limited.statusCode, 429, 'even the right password waits');
  t.match(limited.json().message, /Too many sign-in attempts from your network\. Try again in \d+ seconds\./);
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when');
  t.equal((await from('198.51.100.8', 'admin@auth.test', TEST_PASSWORD)).statusCode, 200, 'another address signs in');
});

t.test('behind a trusted proxy, the budget is per client address from X-Forwarded-For', async (t) => {
  const proxied = await buildTestApp({ database: ctx.database, env: { TRUST_PROXY: 'true', LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: '3' } });
  t.teardown(proxied.close);
  const from = (client: string, email: string) =>
    proxied.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': client }, payload: { email, password: 'wrong-password-x' } });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await from('203.0.113.10', `proxied${i}@auth.test`)).statusCode);
  t.same(statuses, [401, 401, 401, 429]);
  t.equal((await from('203.0.113.11', 'proxied0@auth.test')).statusCode, 401, 'another client behind the same proxy still gets an answer');
});

t.test('sign-in and sign-out are audited', async (t) => {
  const rows = await db.selectFrom('audit_log').select('action').where('tenant_id', '=', tenant.tenantId).execute();
  const actions = new Set(rows.map((r) => r.action));
  t.ok(actions.has('auth.login'));
  t.ok(actions.has('auth.logout'));
  t.ok(actions.has('auth.login_failed'));
});

t.test('unknown routes answer a JSON 404', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/api/does-not-exist?x=1' });
  t.equal(res.statusCode, 404);
  t.equal(res.json().message, 'Route GET /api/does-not-exist not found.');
});

/** Signs in from an address of its own, so these sign-ins leave 127.0.0.1's per-address budget to the tests above. */
async function signInFrom(remoteAddress: string, email: string, password = TEST_PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password } });
  if (res.statusCode !== 200) return { statusCode: res.statusCode, request: undefined };
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  const csrfToken = res.json().csrfToken as string;
  return {
    statusCode: 200,
    request: (method: 'GET' | 'POST', url: string, payload?: object) =>
      app.inject({ method, url, payload, headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }) } }),
  };
}

t.test('changing your own password ends your other sessions and keeps this one', async (t) => {
  const user = await seedTenant(db, 'change-pw');
  const here = (await signInFrom('192.0.2.10', user.technician.email)).request!;
  const elsewhere = (await signInFrom('192.0.2.11', user.technician.email)).request!;
  const change = (body: object) => here('POST', '/api/auth/password', body);

  const wrong = await change({ currentPassword: 'not my password at all', newPassword: 'saffron glacier pelican drum' });
  t.equal(wrong.statusCode, 400);
  t.same(wrong.json().fields, [{ field: 'currentPassword', message: 'is not your current password' }]);
  const weak = await change({ currentPassword: TEST_PASSWORD, newPassword: 'password1234' });
  t.equal(weak.statusCode, 400);
  t.equal(weak.json().fields[0].field, 'newPassword');
  t.match(weak.json().message, /newPassword: is too easy to guess\. This is similar to a commonly used password\./);
  const short = await change({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
  t.same(short.json().fields, [{ field: 'newPassword', message: 'must be at least 12 characters' }]);
  t.equal((await elsewhere('GET', '/api/auth/session')).statusCode, 200, 'refused changes end nothing');

  const ok = await change({ currentPassword: TEST_PASSWORD, newPassword: 'saffron glacier pelican drum' });
  t.equal(ok.statusCode, 200);
  t.equal((await here('GET', '/api/auth/session')).statusCode, 200, 'this session goes on');
  t.equal((await elsewhere('GET', '/api/auth/session')).statusCode, 401, 'the other session has ended');
  t.equal((await signInFrom('192.0.2.12', user.technician.email)).statusCode, 401, 'the old password is refused');
  t.equal((await signInFrom('192.0.2.12', user.technician.email, 'saffron glacier pelican drum')).statusCode, 200);
  const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', user.technician.id).where('action', 'like', 'user.%').execute();
  t.same(audit, [{ action: 'user.password_changed', details: { sessionsEnded: 1 } }]);
});

t.test('a user without a password is told to ask an admin for a reset link', async (t) => {
  const user = await seedTenant(db, 'no-pw');
  await db.updateTable('users').set({ password_hash: null }).where('id', '=', user.technician.id).execute();
  const session = await createSession(db, user.tenantId, user.technician.id, 60_000);
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: { cookie: `sb_session=${encodeURIComponent(app.signCookie(session.token))}`, 'x-csrf-token': session.csrfToken },
    payload: { currentPassword: 'anything at all', newPassword: 'saffron glacier pelican drum' },
  });
  t.equal(res.statusCode, 400);
  t.equal(res.json().message, 'Your account has no password: you sign in with Microsoft. To set one, ask an admin for a reset link.');
  t.equal(res.json().fields[0].field, 'currentPassword');
});

t.test('password changes are rate limited like sign-in', async (t) => {
  const user = await seedTenant(db, 'change-limit');
  const s = (await signInFrom('192.0.2.20', user.technician.email)).request!;
  const statuses = [];
  for (let i = 0; i < 11; i++) statuses.push((await s('POST', '/api/auth/password', { currentPassword: `wrong guess ${i}`, newPassword: 'saffron glacier pelican drum' })).statusCode);
  t.same(statuses, [...Array(10).fill(400), 429]);
  const limited = await s('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'saffron glacier pelican drum' });
  t.equal(limited.statusCode, 429, 'even the right password waits');
  t.match(limited.json().message, /^Too many password attempts\. Try again in \d+ seconds\.$/);
});

t.test('reset-link attempts are rate limited per address', async (t) => {
  const statuses = [];
  for (let i = 0; i < 11; i++) {
    statuses.push((await app.inject({ method: 'POST', url: '/api/auth/password-reset', remoteAddress: '192.0.2.30', payload: { token: `guess-${i}`, password: 'saffron glacier pelican drum' } })).statusCode);
  }
  t.same(statuses, [...Array(10).fill(400), 429]);
});
