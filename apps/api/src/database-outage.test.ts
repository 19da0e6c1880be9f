// Fault test: the real server process (main.ts) behind a TCP proxy to its database; under a steady
// load of authenticated writes every proxied connection is reset and new ones refused for a few
// seconds, then the database comes back. The process must keep answering (503, then 2xx again),
// lose no acknowledged write, and its job queue and outbox relay must resume on their own.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { startTcpFaultProxy } from './tcp-fault-proxy.js';
import { createTestDatabase } from './testing.js';
import { eventually, ON_POSTGRES, signInSpawned, spawnServer } from './spawned-server.js';

type Phase = 'before' | 'cut' | 'restored' | 'ready';
interface Outcome {
  title: string;
  phase: Phase;
  status: number | string;
}

if (ON_POSTGRES) t.test('a database outage under load: 503 while it lasts, then service resumes with no acknowledged write lost', async (t) => {
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
