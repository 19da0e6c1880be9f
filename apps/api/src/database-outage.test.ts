// Database outages, end to end. The real server process (main.ts) and a worker behind a TCP proxy
// to their database: started while the database is down they wait with backoff and a readable
// line (the server answers "alive, not ready" meanwhile) and get to work once it is reachable;
// under a steady load of authenticated writes every proxied connection is reset and new ones
// refused, then the database comes back: the process keeps answering (503, then 2xx again), loses
// no acknowledged write, and its job queue and outbox relay resume on their own.
import t, { type Test } from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import pino from 'pino';
import { sql } from 'kysely';
import type { DatabaseHandle } from '@switchboard/db';
import { createTestDatabase } from '@switchboard/testing';
import { eventually, signInSpawned, spawnServer, type SpawnedServer } from '@switchboard/testing/spawned-server';
import { whenDatabaseAnswers } from './start.js';
import { startTcpFaultProxy } from './tcp-fault-proxy.js';

t.test('start-up waits for an unreachable database with a readable line and no credentials, then goes on', async (t) => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
  const database = { connectionString: 'postgres://app:do-not-log-me@db.internal:6432/switchboard' } as DatabaseHandle;
  let tries = 0;
  const result = await whenDatabaseAnswers(log, database, async () => {
    tries += 1;
    if (tries < 3) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:6432'), { code: 'ECONNREFUSED' });
    return 'migrated';
  });
  t.equal(result, 'migrated', 'the step ran again until the database answered');
  t.equal(tries, 3);
  const waits = lines.map((l) => JSON.parse(l) as { msg: string });
  t.same(
    waits.map((l) => l.msg),
    [
      'Waiting for the database at db.internal:6432 (connection refused); retrying in 1 s',
      'Waiting for the database at db.internal:6432 (connection refused); retrying in 2 s',
    ],
    'one line per try, with the address and a doubling wait',
  );
  t.notOk(lines.some((l) => l.includes('do-not-log-me') || l.includes('"stack"')), 'no password and no stack trace');
});

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

t.test('the server starts while the database is down and serves once it is up', async (t) => {
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

t.test('a worker process starts while the database is down, then runs jobs through a later outage', async (t) => {
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

type Phase = 'before' | 'cut' | 'restored' | 'ready';
interface Outcome {
  title: string;
  phase: Phase;
  status: number | string;
}

t.test('a database outage under load: 503 while it lasts, then service resumes with no acknowledged write lost', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.close());
  const target = new URL(database.connectionString);
  const proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
  t.teardown(() => proxy.close());
  const server = await spawnServer('main.ts', { DATABASE_URL: proxy.urlFor(database.connectionString), SWITCHBOARD_WORKERS: 'inline' });
  t.teardown(() => server.stop());
  const until = <T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs?: number) => eventually(what, check, { server, timeoutMs });
  await until('the server is ready', async () => (await server.request('/readyz')).status === 200, 90_000);
  const call = await signInSpawned(server);

  let phase: Phase = 'before';
  let loading = true;
  let sequence = 0;
  const outcomes: Outcome[] = [];
  const refusals = new Set<string>();
  const writer = async () => {
    while (loading) {
      const title = `outage write ${sequence++}`;
      const startedIn = phase;
      try {
        const res = await call('POST', '/api/schedule-entries', {
          title,
          start: '2026-03-02T09:00:00Z',
          end: '2026-03-02T10:00:00Z',
          timeZone: 'Europe/Berlin',
        });
        const body = (await res.json()) as { message?: string };
        outcomes.push({ title, phase: startedIn, status: res.status === 503 && !res.headers.get('retry-after') ? '503 without Retry-After' : res.status });
        if (res.status === 503) refusals.add(String(body.message));
      } catch (err) {
        // A timeout (10 s) or a refused connection: the server hung or went away.
        outcomes.push({ title, phase: startedIn, status: `no answer: ${(err as Error).name}` });
      }
      await sleep(20);
    }
  };
  const writers = Array.from({ length: 4 }, writer);
  const count = (p: Phase, status?: number) => outcomes.filter((o) => o.phase === p && (status === undefined || o.status === status)).length;

  try {
    await until('writes succeed before the cut', async () => count('before', 201) >= 20);
    phase = 'cut';
    proxy.cut();
    await until('/readyz reports the outage', async () => (await server.request('/readyz')).status === 503);
    t.pass('/readyz answers 503 while the database is away');
    await until('writes are refused during the cut', async () => count('cut', 503) >= 20);
    // Held until the background loops have met the outage too, so their recovery is what is tested.
    for (const loop of ['job queue', 'outbox relay']) {
      await until(`the ${loop} notices the outage`, async () => server.lines.some((l) => l.includes(`${loop}: the database is not reachable`)));
    }
    t.equal((await server.request('/healthz')).status, 200, '/healthz still answers');
    proxy.restore();
    phase = 'restored';
    await until('/readyz recovers', async () => (await server.request('/readyz')).status === 200);
    phase = 'ready';
    await until('writes succeed after the outage', async () => count('ready', 201) >= 20);
  } finally {
    loading = false;
    await Promise.all(writers);
  }

  t.equal(server.exit, undefined, 'the server process is still running');
  const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);
  t.same(unexpected, [], 'every write was answered 201 or 503');
  t.equal(count('ready'), count('ready', 201), 'once ready again, every write succeeds');
  t.same([...refusals], ['The database is not reachable right now. Please try again in a moment.'], 'a 503 says why');

  const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.title);
  const stored = new Set((await database.db.selectFrom('schedule_entries').select('title').execute()).map((r) => r.title));
  t.same(acknowledged.filter((title) => !stored.has(title)), [], 'every acknowledged write is stored');

  await until(
    'the outbox relay publishes every event',
    async () => (await database.db.selectFrom('outbox_events').select('id').where('published_at', 'is', null).execute()).length === 0,
  );
  const parked = await database.db.selectFrom('outbox_events').select('id').where('attempts', '>', 0).execute();
  t.same(parked, [], 'the outage did not count as failed publishing attempts');

  const job = await sql<{ id: string }>`insert into pgboss.job (name, data) values ('core.session-cleanup', '{}') returning id`.execute(database.db);
  await until('a job sent after the outage runs', async () => {
    const { rows } = await sql<{ state: string }>`select state from pgboss.job where id = ${job.rows[0].id}`.execute(database.db);
    return rows[0]?.state === 'completed';
  });

  const errors = server.lines.filter((line) => /"level":(50|60)/.test(line) || /shutting down/.test(line));
  t.same(errors, [], 'the outage is not logged as an error (and nothing shuts down)');
  const outageReports = server.lines.filter((line) => /"level":40/.test(line) && !line.includes('database refused the request'));
  t.ok(outageReports.length <= 8, `background loops report the outage once each, not every tick (${outageReports.length} warnings)`);
  t.notOk(server.lines.some((line) => line.includes('"stack"') && line.includes('"level":40')), 'no stack traces for an outage');
});
