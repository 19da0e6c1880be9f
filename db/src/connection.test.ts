import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, runningHolder } from './connection.js';
import { migrateToLatest } from './migrate.js';

t.test('the embedded database keeps its data across a stop and start', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-data-'));
  const first = await openDatabase({ dataDir });
  t.equal(first.kind, 'embedded');
  const applied = await migrateToLatest(first.db);
  t.equal(applied[0], '0001_foundation', 'migrations run in order from the first');
  t.same(applied, [...applied].sort(), 'in name order');
  await first.db.insertInto('tenants').values({ name: 'Persisted MSP' }).execute();
  await first.close();

  const second = await openDatabase({ dataDir });
  t.same(await migrateToLatest(second.db), [], 'migrations are not applied twice');
  const rows = await second.db.selectFrom('tenants').select('name').execute();
  t.same(rows, [{ name: 'Persisted MSP' }]);
  await second.close();
});

t.test('the embedded database is a real PostgreSQL server that plain pg clients reach with its password', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-data-'));
  const handle = await openDatabase({ dataDir });
  t.teardown(handle.close);
  t.equal(handle.kind, 'embedded');
  const url = new URL(handle.connectionString);
  t.equal(url.hostname, '127.0.0.1', 'it listens on loopback only');
  const password = readFileSync(join(dataDir, 'pg.password'), 'utf8').trim();
  t.equal(statSync(join(dataDir, 'pg.password')).mode & 0o777, 0o600, 'the generated password is kept 0600');
  t.equal(decodeURIComponent(url.password), password);
  const client = new pg.Client({ connectionString: handle.connectionString });
  await client.connect();
  const res = await client.query<{ version: string }>('select version()');
  t.match(res.rows[0].version, /^PostgreSQL 17\./);
  await client.end();
  const wrong = new URL(handle.connectionString);
  wrong.password = 'not-the-password';
  const intruder = new pg.Client({ connectionString: wrong.toString() });
  intruder.on('error', () => {});
  await t.rejects(intruder.connect(), /password authentication failed/, 'a wrong password is refused');
});

t.test('a transaction on one connection does not interleave with another on the embedded database', async (t) => {
  const handle = await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'sb-data-')) });
  t.teardown(handle.close);
  await sql`create table counter (n int)`.execute(handle.db);
  await sql`insert into counter values (0)`.execute(handle.db);
  await Promise.all(
    Array.from({ length: 5 }, () =>
      handle.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ n: number }>`select n from counter for update`.execute(trx);
        await sql`update counter set n = ${rows[0].n + 1}`.execute(trx);
      }),
    ),
  );
  const { rows } = await sql<{ n: number }>`select n from counter`.execute(handle.db);
  t.equal(rows[0].n, 5, 'no lost update');
});

t.test('a PGlite data directory is refused with the command that converts it', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-pglite-'));
  mkdirSync(join(dataDir, 'pgdata'));
  writeFileSync(join(dataDir, 'pgdata', 'PG_VERSION'), '17\n');
  await t.rejects(openDatabase({ dataDir }), { name: 'PgliteDataError', message: /npm run convert-pglite -- --data-dir / });
  t.notOk(existsSync(join(dataDir, 'pg')), 'no new, empty database is created beside it');
  t.notOk(existsSync(join(dataDir, 'switchboard-server.json')), 'the directory is not left held');
});

t.test('one process holds an embedded data directory: a second is refused, a crashed holder is not', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-held-'));
  const holder = await openDatabase({ dataDir });
  const holderFile = join(dataDir, 'switchboard-server.json');
  t.equal(statSync(holderFile).mode & 0o777, 0o600, 'the holder file is readable by its owner only');
  t.match(await runningHolder(dataDir), null, 'the holder does not count itself');

  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `import { openDatabase } from '@switchboard/db'; await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });`],
    { encoding: 'utf8', timeout: 60_000 },
  );
  t.not(child.status, 0, 'a second process cannot open the files');
  t.match(child.stderr, `in use by another Switchboard process (pid ${process.pid})`);
  await holder.close();
  t.notOk(existsSync(holderFile), 'closing releases the directory');

  // A holder that crashed left its file behind; its process is gone.
  const gone = spawnSync(process.execPath, ['-e', 'process.pid']);
  writeFileSync(holderFile, JSON.stringify({ pid: gone.pid, connectionString: 'postgres://postgres@127.0.0.1:1/postgres' }));
  t.equal(await runningHolder(dataDir), null, 'a dead holder is stale');
  // A live pid whose address does not answer (the pid was reused) is stale too.
  writeFileSync(holderFile, JSON.stringify({ pid: process.ppid, connectionString: 'postgres://postgres@127.0.0.1:1/postgres' }));
  t.equal(await runningHolder(dataDir), null, 'a reused pid is stale');
  const reopened = await openDatabase({ dataDir });
  t.teardown(reopened.close);
  t.same((await sql<{ n: number }>`select 1 as n`.execute(reopened.db)).rows, [{ n: 1 }], 'the data directory opens again');
});
