// A lost database connection, in process: the app reaches its database through a TCP proxy that
// the test cuts (every socket reset, new ones refused) and restores. Any uncaught exception or
// unhandled rejection fails the test file, which is the crash this guards against.
import t from 'tap';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '@switchboard/db';
import { isDatabaseUnavailable } from '@switchboard/core';
import { buildTestApp, createTestDatabase, seedTenant, signIn } from '@switchboard/testing';
import { createOutboxRelay } from '../../../plugins/core/src/services/outbox.js';
import { startTcpFaultProxy } from './tcp-fault-proxy.js';

const base = await createTestDatabase();
t.teardown(() => base.close());
const target = new URL(base.connectionString);
const proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
t.teardown(() => proxy.close());
// The app's own pool goes through the proxy; `base.db` stays a direct line for checking.
const proxied: DatabaseHandle = await openDatabase({ databaseUrl: proxy.urlFor(base.connectionString), poolSize: 4 });
const ctx = await buildTestApp({ database: proxied });
t.teardown(async () => {
  await ctx.close();
  await proxied.close();
});
const tenant = await seedTenant(base.db, 'loss');
const admin = await signIn(ctx.app, tenant.admin.email);
const timed = { title: 'Through the outage', start: '2026-03-02T09:00:00Z', end: '2026-03-02T10:00:00Z', timeZone: 'UTC' };

t.afterEach(() => proxy.restore());

t.test('a connection reset inside a transaction fails that transaction only; the pool connects anew', async (t) => {
  const attempt = proxied.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    proxy.cut(); // the connection is checked out and idle between two statements
    await sql`select 2`.execute(trx);
  });
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(isDatabaseUnavailable(err), `the transaction fails as "database unavailable" (${(err as Error)?.message})`);
  proxy.restore();
  const { rows } = await sql<{ n: number }>`select 3 as n`.execute(proxied.db);
  t.same(rows, [{ n: 3 }], 'the next query gets a fresh connection');
});

t.test('requests during an outage answer 503 with Retry-After; /readyz follows the database', async (t) => {
  t.equal((await ctx.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  proxy.cut();
  const write = await admin.request('POST', '/api/schedule-entries', timed);
  t.equal(write.statusCode, 503);
  t.equal(write.headers['retry-after'], '5');
  t.equal(write.json().message, 'The database is not reachable right now. Please try again in a moment.');
  const ready = await ctx.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503);
  t.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, '/healthz does not depend on the database');
  proxy.restore();
  t.equal((await ctx.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  t.equal((await admin.request('POST', '/api/schedule-entries', timed)).statusCode, 201);
});

t.test('the outbox relay waits out an outage without counting it against the event, then publishes it', async (t) => {
  const created = (await admin.request('POST', '/api/schedule-entries', timed)).json() as { id: string };
  const relay = createOutboxRelay(proxied.db, ctx.app.log);
  const logsBefore = ctx.logs.length;
  proxy.cut();
  t.equal(await relay.drain(), 0, 'nothing is published while the database is away');
  t.equal(await relay.drain(), 0, 'and a second round does not throw either');
  const outageLines = ctx.logs.slice(logsBefore).filter((l) => l.includes('outbox relay'));
  t.equal(outageLines.length, 1, 'the outage is logged once');
  t.match(outageLines[0], /"level":40.*outbox relay: the database is not reachable \(connection (reset|lost)\)/);
  t.notMatch(outageLines[0], /"stack"/);
  proxy.restore();
  t.ok((await relay.drain()) >= 1, 'the event is published once the database is back');
  const [event] = await base.db.selectFrom('outbox_events').selectAll().where('aggregate_id', '=', created.id).execute();
  t.ok(event.published_at, 'published');
  t.equal(event.attempts, 0, 'the outage did not count as a failed attempt');
  t.ok(ctx.logs.slice(logsBefore).some((l) => l.includes('outbox relay: the database is reachable again')), 'the return is logged');
});

t.test('migrations against an unreachable database fail with the connection error, not "Migration (unknown)"', async (t) => {
  proxy.cut();
  const err = (await migrateToLatest(proxied.db).then(
    () => undefined,
    (e: unknown) => e,
  )) as Error;
  t.ok(isDatabaseUnavailable(err), `a connection error the caller can wait on (${err?.message})`);
  t.notMatch(err.message, /Migration/);
});
