// The per-process session cache keeps revocation immediate (issue 21): two API instances on one
// database, each with its own pool, its own cache and its own LISTEN connection, both listening on
// a port and called over HTTP. A session used (and so cached) in both and revoked through one is
// refused on the very next request in the other: logout, deactivation, role change, a password
// change, and a revocation while the other's LISTEN connection is down.
import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { openDatabase } from '@switchboard/db';
import { buildTestApp, seedTenant, TEST_PASSWORD, type TestApp } from '@switchboard/testing';
import { eventually } from '@switchboard/testing/spawned-server';

const a = await buildTestApp();
t.teardown(a.close);
// The second instance: same database and keyring (it must verify A's cookies), a pool of its own.
const bDatabase = await openDatabase({ databaseUrl: a.database.connectionString, poolSize: 5 });
const b = await buildTestApp({ database: bDatabase, keyring: a.keyring });
t.teardown(async () => {
  await b.close();
  await bDatabase.close();
});
const { db } = a;
const tenant = await seedTenant(db, 'sessioncache');

// Ready but not listening, as the worker process runs: no LISTEN connection.
const beforeListen = { listening: a.app.sessionCache.listening, connections: await listeners() };

const urls: Record<'a' | 'b', string> = { a: await listen(a), b: await listen(b) };
await eventually('both session caches listening', async () => a.app.sessionCache.listening && b.app.sessionCache.listening);

t.test('an app that does not listen (the worker process) opens no LISTEN connection', async (t) => {
  t.same(beforeListen, { listening: false, connections: 0 });
});

async function listen(ctx: TestApp) {
  return ctx.app.listen({ host: '127.0.0.1', port: 0 });
}

/** LISTEN connections open on this test's database. */
async function listeners(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'switchboard-session-cache'`.execute(db);
  return rows[0].n;
}

interface Client {
  request(on: 'a' | 'b', method: string, path: string, body?: unknown): Promise<Response>;
}

async function signIn(email: string, password = TEST_PASSWORD): Promise<Client> {
  const res = await fetch(`${urls.a}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`sign-in as ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie()[0].split(';')[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    request: (on, method, path, body) =>
      fetch(`${urls[on]}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/** Uses the session in both instances, so both hold it in their caches. */
async function warm(t: Test, client: Client, path = '/api/auth/session') {
  for (const on of ['a', 'b', 'a', 'b'] as const) t.equal((await client.request(on, 'GET', path)).status, 200, `${on} serves ${path}`);
}

t.test('a session is served from the cache until a notification drops it', async (t) => {
  const tech = await signIn(tenant.technician.email);
  await warm(t, tech);
  // With triggers off for one transaction (replica mode), a deactivation sends no notification:
  // the cache still serves the session, which shows it is the cache answering...
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await trx.updateTable('users').set({ is_active: false }).where('id', '=', tenant.technician.id).execute();
  });
  t.equal((await tech.request('b', 'GET', '/api/auth/session')).status, 200, 'served from the cache');
  // ...and an ordinary write, whose trigger notifies, ends it everywhere.
  await db.updateTable('users').set({ is_active: true }).where('id', '=', tenant.technician.id).execute();
  await db.updateTable('users').set({ is_active: false }).where('id', '=', tenant.technician.id).execute();
  await a.app.sessionCache.sync();
  await b.app.sessionCache.sync();
  t.equal((await tech.request('b', 'GET', '/api/auth/session')).status, 401);
  await db.updateTable('users').set({ is_active: true }).where('id', '=', tenant.technician.id).execute();
});

t.test('logout in one instance: the very next request in the other is 401', async (t) => {
  const tech = await signIn(tenant.technician.email);
  await warm(t, tech);
  t.equal((await tech.request('a', 'POST', '/api/auth/logout')).status, 200);
  t.equal((await tech.request('b', 'GET', '/api/auth/session')).status, 401);
  t.equal((await tech.request('a', 'GET', '/api/auth/session')).status, 401);
});

t.test('deactivation in one instance: the very next request in the other is 401', async (t) => {
  const admin = await signIn(tenant.admin.email);
  const viewer = await signIn(tenant.viewer.email);
  await warm(t, viewer, '/api/schedule-entries');
  const res = await admin.request('a', 'PATCH', `/api/users/${tenant.viewer.id}`, { isActive: false });
  t.equal(res.status, 200);
  t.equal((await viewer.request('b', 'GET', '/api/schedule-entries')).status, 401);
  t.equal((await admin.request('a', 'PATCH', `/api/users/${tenant.viewer.id}`, { isActive: true })).status, 200);
});

t.test('a role change in one instance: the very next request in the other uses the new role', async (t) => {
  const admin = await signIn(tenant.admin.email);
  const viewer = await signIn(tenant.viewer.email);
  await warm(t, viewer, '/api/feature-flags');
  t.equal((await admin.request('a', 'PATCH', `/api/users/${tenant.viewer.id}`, { role: 'Technician' })).status, 200);
  t.equal((await viewer.request('b', 'GET', '/api/feature-flags')).status, 403);
  t.equal((await admin.request('a', 'PATCH', `/api/users/${tenant.viewer.id}`, { role: 'Settings viewer' })).status, 200);
  t.equal((await viewer.request('b', 'GET', '/api/feature-flags')).status, 200);
});

t.test("a password change in one instance ends the user's other sessions in the other", async (t) => {
  const changing = await signIn(tenant.admin.email);
  const other = await signIn(tenant.admin.email);
  await warm(t, other);
  const newPassword = 'a brand new passphrase for the cache test';
  const res = await changing.request('a', 'POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword });
  t.equal(res.status, 200, await res.clone().text());
  t.equal((await other.request('b', 'GET', '/api/auth/session')).status, 401);
  t.equal((await changing.request('b', 'GET', '/api/auth/session')).status, 200, 'the session that made the change stays');
  await db.updateTable('users').set({ password_hash: (await db.selectFrom('users').select('password_hash').where('id', '=', tenant.technician.id).executeTakeFirstOrThrow()).password_hash }).where('id', '=', tenant.admin.id).execute();
});

t.test('with the LISTEN connection dropped, nothing is served from the cache until it is back', async (t) => {
  const tech = await signIn(tenant.technician.email);
  const kept = await signIn(tenant.technician.email);
  await warm(t, tech);
  await warm(t, kept);
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and application_name = 'switchboard-session-cache'`.execute(db);
  t.equal(rows.length, 2, 'one LISTEN connection per instance');
  for (const { pid } of rows) await sql`select pg_terminate_backend(${pid})`.execute(db);
  await eventually('the terminated backends are gone', async () => (await listeners()) === 0);
  // Revoked while nobody listens: the notification reaches no one.
  const { numDeletedRows } = await db.deleteFrom('sessions').where('user_id', '=', tenant.technician.id).where('id', '<>', await sessionIdOf(kept)).executeTakeFirst();
  t.ok(Number(numDeletedRows) >= 1);
  t.equal((await tech.request('b', 'GET', '/api/auth/session')).status, 401, 'the revoked session is refused while the cache is down');
  t.equal((await kept.request('b', 'GET', '/api/auth/session')).status, 200, 'a live session still works, read from the database');
  await eventually('both caches listening again', async () => a.app.sessionCache.listening && b.app.sessionCache.listening, { timeoutMs: 30_000 });
  t.equal((await tech.request('b', 'GET', '/api/auth/session')).status, 401, 'still refused after the reconnect');
  t.equal((await tech.request('a', 'GET', '/api/auth/session')).status, 401);
  t.equal(await listeners(), 2);
});

/** The session id (token hash) of a client's session, found through the session route. */
async function sessionIdOf(client: Client): Promise<string> {
  const res = await client.request('a', 'GET', '/api/auth/session');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const row = await db.selectFrom('sessions').select('id').where('csrf_token', '=', csrfToken).executeTakeFirstOrThrow();
  return row.id;
}

t.test('a listener that does not acknowledge a revocation loses its LISTEN connection', async (t) => {
  // Stands for a process too stuck to answer: it listens under the cache's name, never acknowledges.
  const stuckDatabase = await openDatabase({ databaseUrl: a.database.connectionString, poolSize: 1 });
  t.teardown(() => stuckDatabase.close());
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const stuckPid = new Promise<number>((resolve) => {
    void stuckDatabase.db
      .connection()
      .execute(async (conn) => {
        await sql`set application_name = 'switchboard-session-cache'`.execute(conn);
        await sql`LISTEN sb_session_invalidate`.execute(conn);
        resolve((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0].pid);
        await held;
      })
      .catch(() => {});
  });
  const pid = await stuckPid;
  const tech = await signIn(tenant.technician.email);
  await warm(t, tech);
  t.equal((await tech.request('a', 'POST', '/api/auth/logout')).status, 200, 'the revoking request still answers');
  // pg_terminate_backend signals; the backend is gone a moment later.
  await eventually('the stuck listener terminated', async () => (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where pid = ${pid}`.execute(db)).rows[0].n === 0);
  t.pass('its connection was terminated');
  t.ok(a.logs.some((line) => line.includes('did not acknowledge a revocation')), 'and a warning says so');
  t.equal((await tech.request('b', 'GET', '/api/auth/session')).status, 401);
  release();
});
