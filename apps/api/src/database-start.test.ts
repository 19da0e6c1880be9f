// Starting while the database is down (the usual order when everything boots at once): the server
// and the worker process wait with backoff and a readable line, the server answers "alive, not
// ready" meanwhile, and both get to work once the database is reachable.
import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { startTcpFaultProxy } from './tcp-fault-proxy.js';
import { createTestDatabase } from './testing.js';
import { eventually, ON_POSTGRES, signInSpawned, spawnServer, type SpawnedServer } from './spawned-server.js';

/** A fresh database and a proxy to it that refuses connections until restored. */
async function databaseBehindCutProxy(t: Test) {
  const database = await createTestDatabase();
  t.teardown(() => database.close());
  const target = new URL(database.connectionString);
  const proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port || 5432) }, { cut: true });
  t.teardown(() => proxy.close());
  return { database, proxy };
}

const logged = (server: SpawnedServer, pattern: RegExp) => async () => server.lines.some((line) => pattern.test(line));
const troubles = (server: SpawnedServer) =>
  server.lines.filter((line) => /"level":(50|60)|"stack"|Migration \(unknown\)|shutting down/.test(line));

if (ON_POSTGRES) t.test('the server starts while the database is down and serves once it is up', async (t) => {
  const { database, proxy } = await databaseBehindCutProxy(t);
  const server = await spawnServer('main.ts', { DATABASE_URL: proxy.urlFor(database.connectionString) });
  t.teardown(() => server.stop());
  const until = (what: string, check: () => Promise<unknown>) => eventually(what, check, { server, timeoutMs: 90_000 });

  await until('the server answers /healthz', async () => (await server.request('/healthz')).status === 200);
  await until('it says it waits for the database', logged(server, new RegExp(`Waiting for the database at 127\\.0\\.0\\.1:${proxy.port} \\(connection (reset|lost)\\); retrying in \\d+ s`)));
  const ready = await server.request('/readyz');
  t.equal(ready.status, 503, '/readyz answers 503 while the database is away');
  const api = await server.request('/api/auth/session');
  t.equal(api.status, 503, 'the API answers 503 meanwhile');
  t.equal(api.headers.get('retry-after'), '5');
  t.match((await api.json()) as object, { statusCode: 503, message: /waiting for its database/ });

  proxy.restore();
  await until('/readyz reports ready', async () => (await server.request('/readyz')).status === 200);
  const call = await signInSpawned(server);
  t.equal((await call('GET', '/api/auth/session')).status, 200, 'sign-in works and the session is served');
  t.equal(server.exit, undefined, 'the process never exited');
  t.same(troubles(server), [], 'no error, stack trace or "Migration (unknown)" in the log');
});

if (ON_POSTGRES) t.test('a worker process starts while the database is down, then runs jobs through a later outage', async (t) => {
  const { database, proxy } = await databaseBehindCutProxy(t);
  const worker = await spawnServer('worker-main.ts', { DATABASE_URL: proxy.urlFor(database.connectionString) });
  t.teardown(() => worker.stop());
  const until = (what: string, check: () => Promise<unknown>) => eventually(what, check, { server: worker, timeoutMs: 90_000 });

  await until('it says it waits for the database', logged(worker, /Waiting for the database at 127\.0\.0\.1:\d+ \(connection (reset|lost)\)/));
  proxy.restore();
  await until('the worker starts', logged(worker, /"msg":"worker started"/));
  const runs = async () => {
    const job = await sql<{ id: string }>`insert into pgboss.job (name, data) values ('core.session-cleanup', '{}') returning id`.execute(database.db);
    await until('the job runs', async () => {
      const { rows } = await sql<{ state: string }>`select state from pgboss.job where id = ${job.rows[0].id}`.execute(database.db);
      return rows[0]?.state === 'completed';
    });
  };
  await runs();
  t.pass('a job runs once the database is up');

  proxy.cut();
  await until('the worker notices the outage', logged(worker, /job queue: the database is not reachable/));
  proxy.restore();
  await runs();
  t.pass('a job runs after the outage, with no restart');
  t.equal(worker.exit, undefined, 'the worker never exited');
  t.same(troubles(worker), [], 'no error or stack trace in the log');
});
