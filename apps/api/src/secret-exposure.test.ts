// No stored secret, password, session token or CSRF token ever appears in an API response or a log line.
import t from 'tap';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';

const ctx = await buildTestApp({ env: { LOG_LEVEL: 'trace' } });
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'exposure');
const SECRET = 'super-secret-client-value-5f1c9a';
await app.secrets.put(db, tenant.tenantId, 'test:client_secret', SECRET);

const admin = await signIn(app, tenant.admin.email);
const contact = await admin.request('POST', '/api/contacts', { clientId: tenant.client.id, fullName: 'Casey Contact', email: 'casey@exposure.test' });
const entry = await admin.request('POST', '/api/schedule-entries', {
  title: 'Visit',
  start: '2026-03-02T09:00:00Z',
  end: '2026-03-02T10:00:00Z',
  timeZone: 'UTC',
  assigneeIds: [tenant.technician.id],
});
const ids: Record<string, string> = {
  '/api/clients/:id': tenant.client.id,
  '/api/contacts/:id': contact.json().id,
  '/api/schedule-entries/:id': entry.json().id,
  '/api/users/:id': tenant.admin.id,
};

t.test('no GET route returns a stored secret or a session credential', async (t) => {
  const gets = ctx.routes.filter((r) => r.method === 'GET' && r.url.startsWith('/api/'));
  t.ok(gets.length >= 10, `found ${gets.length} GET routes`);
  const token = admin.cookie.split('=')[1];
  for (const route of gets) {
    const url = ids[route.url] ?? route.url.replace(/:(\w+)/g, 'x');
    const res = await admin.request('GET', url);
    t.notOk(res.body.includes(SECRET), `${route.url} does not return the secret`);
    t.notOk(res.body.includes(token), `${route.url} does not return the session token`);
    t.notOk(res.body.includes(TEST_PASSWORD), `${route.url} does not return a password`);
    t.notMatch(res.body, /password_hash|\$argon2/, `${route.url} does not return password hashes`);
  }
});

t.test('log lines never contain passwords, session tokens, CSRF tokens or secrets', async (t) => {
  // A failed login and a rejected body too: request bodies must not be logged.
  await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: tenant.admin.email, password: 'wrong-but-secret-pw' } });
  await admin.request('POST', '/api/clients', { name: '', token: SECRET });
  await app.inject({ method: 'GET', url: `/api/auth/google/calendar/callback?code=${SECRET}&state=abc` });
  const logs = ctx.logs.join('\n');
  t.ok(ctx.logs.length > 20, 'the app logged requests');
  for (const needle of [SECRET, TEST_PASSWORD, 'wrong-but-secret-pw', admin.cookie.split('=')[1], admin.csrfToken]) {
    t.notOk(logs.includes(needle), `logs do not contain ${needle.slice(0, 6)}…`);
  }
  t.match(logs, /code=%5Bredacted%5D/, 'sensitive query parameters are masked in logged URLs');
});
