import t from 'tap';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import PgBoss from 'pg-boss';
import { migrateToLatest, openDatabase, type Database } from '@switchboard/db';

// Each case runs the command as its own Node process (and most start a PostgreSQL server), which
// takes seconds on a busy machine: more room than the suite's default 180 s per file.
t.setTimeout(480_000);

const converter = fileURLToPath(new URL('./convert-pglite.ts', import.meta.url));

/** Runs `npm run convert-pglite` as an operator would, in a process of its own. */
function convert(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', converter, ...args], (err, stdout, stderr) => {
      done({ code: err ? Number(err.code) : 0, output: stdout + stderr });
    });
  });
}

/**
 * Opens a PGlite data directory as the earlier Switchboard did, with Kysely on top. PGlite's
 * `query` runs one statement with parameters; `exec` runs the many statements of a migration.
 */
async function openPglite(pgdata: string) {
  const pglite = new PGlite(pgdata);
  const run = async (text: string, params?: unknown[]) => (params?.length ? await pglite.query(text, params) : (await pglite.exec(text)).at(-1));
  const client = {
    query: async (text: string, params?: unknown[]) => ({ rows: (await run(text, params))?.rows ?? [] }),
    release: () => {},
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => client, end: async () => {} } as never }) });
  return { pglite, run, db };
}

// Text, arrays, JSON, bytes and times of the kinds a dump must quote and escape right.
const tricky = `It's a "quoted" back\\slash\nnew line\ttab, Zoë 日本 🚀 E'\\x00' $$dollar$$ ;--`;
const tenantId = '0b0e1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
const domains = ['a.example', 'with,comma', 'with "quote"', 'back\\slash', '{brace}', 'NULL', tricky];
const details = { quote: `it's "x"`, backslash: 'a\\b', nested: { emoji: '🚀', list: [1, null, '\n', true] } };
const ciphertext = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const rotatedAt = new Date('2026-03-29T01:30:00.123Z');

const dataDir = mkdtempSync(join(tmpdir(), 'sb-convert-'));
const pgdata = join(dataDir, 'pgdata');
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

t.before(async () => {
  const { pglite, run, db } = await openPglite(pgdata);
  await migrateToLatest(db);
  await db.insertInto('tenants').values({ id: tenantId, name: tricky }).execute();
  await db.insertInto('clients').values({ tenant_id: tenantId, name: 'Client', domains }).execute();
  await db.insertInto('users').values({ tenant_id: tenantId, email: 'a@example.com', display_name: tricky, user_type: 'internal', password_hash: null }).execute();
  await db.insertInto('tenant_secrets').values({ tenant_id: tenantId, name: 'graph', key_id: 'k1', iv: Buffer.alloc(12, 7), ciphertext, auth_tag: Buffer.alloc(16, 0xff), updated_at: rotatedAt }).execute();
  for (const action of ['one', 'two', 'three']) {
    await db.insertInto('audit_log').values({ tenant_id: tenantId, action, target_type: 'tenant', target_id: null, details: JSON.stringify(details) }).execute();
  }
  // The sequence stands past the highest id left: the next id must not reuse 3.
  await db.deleteFrom('audit_log').where('action', '=', 'three').execute();
  // pg-boss's own schema and a queued job, created through its bring-your-own-database hook.
  const boss = new PgBoss({ db: { executeSql: async (text: string, values?: unknown[]) => ({ rows: (await run(text, values))?.rows ?? [] }) }, supervise: false, schedule: false });
  await boss.start();
  await boss.createQueue('calendar-push');
  await boss.send('calendar-push', { note: tricky });
  await boss.stop({ graceful: false, wait: true });
  // Written by a newer Switchboard than this checkout: its migration is unknown here, so bringing
  // the loaded schema up to date fails, after the load has committed. The failure case removes it.
  await run(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_the_future', now()::text)`);
  await pglite.close();
});

t.test('wrong arguments exit 2 with the usage', async (t) => {
  const { code, output } = await convert('--data-dri', dataDir);
  t.equal(code, 2);
  t.match(output, /Unknown option '--data-dri'[\s\S]*Usage: npm run convert-pglite/);
});

t.test('a directory with no PGlite database is refused', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'sb-convert-empty-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const { code, output } = await convert('--data-dir', empty);
  t.equal(code, 1);
  t.match(output, /There is no PGlite database in .*no pgdata folder/);
  t.same(readdirSync(empty), [], 'nothing was created');
});

t.test('a directory a live Switchboard process holds is refused', async (t) => {
  // What a server writes while it starts: this test process is the live holder.
  const holder = join(dataDir, 'switchboard-server.json');
  writeFileSync(holder, JSON.stringify({ pid: process.pid }));
  t.teardown(() => rmSync(holder));
  const { code, output } = await convert('--data-dir', dataDir);
  t.equal(code, 1);
  t.match(output, `A Switchboard process (pid ${process.pid}) is using ${dataDir}`);
  t.notOk(existsSync(join(dataDir, 'pg')), 'no cluster was made');
});

t.test('Ctrl-C during a conversion stops it and leaves no cluster', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', converter, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    // Reading PGlite takes seconds: the signal arrives while the conversion is under way.
    if (output.includes('Reading the PGlite database') && !child.killed) child.kill('SIGINT');
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  t.match(output, /The conversion failed: interrupted/);
  t.equal(code, 1);
  t.notOk(existsSync(join(dataDir, 'pg')), 'the new cluster is removed');
  t.ok(existsSync(join(pgdata, 'PG_VERSION')), 'pgdata is where it was');
});

t.test('a conversion that fails leaves no cluster and the PGlite database as it was', async (t) => {
  const { code, output } = await convert(`--data-dir=${dataDir}`);
  t.equal(code, 1);
  t.match(output, /The conversion failed: .*9999_from_the_future[\s\S]*run the command again/);
  t.notOk(existsSync(join(dataDir, 'pg')), 'the new cluster is removed');
  t.ok(existsSync(join(pgdata, 'PG_VERSION')), 'pgdata is where it was');

  const again = await openPglite(pgdata);
  const { rows } = await again.pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
  t.same(rows, [{ n: 2 }], 'and still holds its data');
  await again.pglite.query(`DELETE FROM kysely_migration WHERE name = '9999_from_the_future'`);
  await again.pglite.close();
});

t.test('converts the data into the embedded PostgreSQL and keeps pgdata as a dated backup', async (t) => {
  const { code, output } = await convert('--data-dir', dataDir);
  t.match(output, /Converted .*: \d+ tables, \d+ rows, now in the embedded PostgreSQL\./);
  t.equal(code, 0);
  t.notOk(existsSync(pgdata), 'pgdata is moved aside');
  const backups = readdirSync(dataDir).filter((name) => /^pgdata\.pglite-\d{8}-\d{6}$/.test(name));
  t.equal(backups.length, 1, 'to pgdata.pglite-<date>-<time>');
  t.match(output, `The PGlite files are kept in ${join(dataDir, backups[0])}`);

  const database = await openDatabase({ dataDir, poolSize: 1 });
  t.teardown(() => database.close());
  const { db } = database;
  t.same(await db.selectFrom('tenants').select(['id', 'name']).execute(), [{ id: tenantId, name: tricky }]);
  t.same(await db.selectFrom('clients').select('domains').execute(), [{ domains }]);
  t.same(await db.selectFrom('users').select(['display_name', 'password_hash']).execute(), [{ display_name: tricky, password_hash: null }]);
  t.same(await db.selectFrom('tenant_secrets').select(['iv', 'ciphertext', 'auth_tag', 'updated_at']).execute(), [
    { iv: Buffer.alloc(12, 7), ciphertext, auth_tag: Buffer.alloc(16, 0xff), updated_at: rotatedAt },
  ]);
  t.same(await db.selectFrom('audit_log').select(['id', 'action', 'target_id', 'details']).orderBy('id').execute(), [
    { id: '1', action: 'one', target_id: null, details },
    { id: '2', action: 'two', target_id: null, details },
  ]);
  const next = await db.insertInto('audit_log').values({ tenant_id: tenantId, action: 'four', target_type: 'tenant' }).returning('id').executeTakeFirstOrThrow();
  t.equal(next.id, '4', 'the sequence continues where PGlite left it');

  const boss = new PgBoss({ connectionString: database.connectionString, max: 1, supervise: false, schedule: false });
  // pg-boss re-emits its pool's errors; without a listener one is an uncaught exception (pg-boss
  // README, "Events: error"). A connection ended by the database's shutdown in teardown is one.
  const bossErrors: Error[] = [];
  boss.on('error', (err) => bossErrors.push(err));
  await boss.start();
  const [job] = await boss.fetch<{ note: string }>('calendar-push');
  await boss.stop({ graceful: false, wait: true });
  t.same(job?.data, { note: tricky }, 'the queued job is there for pg-boss');
  t.same(bossErrors, [], 'pg-boss met no error while the database was up');
});

t.test('a converted directory is not converted again', async (t) => {
  const second = await convert('--data-dir', dataDir);
  t.equal(second.code, 1);
  t.match(second.output, /already uses the embedded PostgreSQL .*nothing to convert/);

  // Even with the PGlite files back in place, the cluster's data is never replaced.
  const [backup] = readdirSync(dataDir).filter((name) => name.startsWith('pgdata.pglite-'));
  renameSync(join(dataDir, backup), pgdata);
  const third = await convert('--data-dir', dataDir);
  t.equal(third.code, 1);
  t.match(third.output, /already holds a database .*Nothing was changed/);
  t.ok(existsSync(join(pgdata, 'PG_VERSION')), 'pgdata is left as it is');
  // While pgdata is there the server refuses to start (a conversion cut off looks the same).
  await t.rejects(openDatabase({ dataDir, poolSize: 1 }), { name: 'PgliteDataError' });
  renameSync(pgdata, join(dataDir, backup));
  const database = await openDatabase({ dataDir, poolSize: 1 });
  t.same(await database.db.selectFrom('audit_log').select('action').orderBy('id').execute(), [{ action: 'one' }, { action: 'two' }, { action: 'four' }]);
  await database.close();
});
