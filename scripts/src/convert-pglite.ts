// `npm run convert-pglite -- [--data-dir DIR]`: moves an install's database, once, from the earlier
// embedded engine (PGlite, files in DIR/pgdata) to the embedded PostgreSQL (DIR/pg). PGlite's own
// pg_dump writes it out as SQL, which is loaded in one transaction and checked (the rows of every
// table, the position of every sequence) before the old files are renamed aside as a backup. A
// conversion that fails removes the new cluster and leaves pgdata as it was, so it can run again.
import { renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { loadConfig } from '@switchboard/api';
import { clusterDir, connectDatabase, hasEmbeddedDatabase, hasPgliteDatabase, migrateToLatest, runningHolder, startEmbeddedPostgres } from '@switchboard/db';

const USAGE = `Usage: npm run convert-pglite -- [--data-dir DIR]

Converts the database of the earlier embedded engine (PGlite, in DIR/pgdata) to the embedded
PostgreSQL (DIR/pg), once. Stop Switchboard first. The PGlite files are kept, renamed to
DIR/pgdata.pglite-<date>-<time>, until you remove them.

DIR is the directory \`npm start\` uses: SWITCHBOARD_DATA_DIR (default ./data), or --data-dir DIR.`;

/** What a conversion must carry over: the row count of every table and where every sequence stands. */
interface Snapshot {
  rows: Record<string, number>;
  sequences: Record<string, string | null>;
}

type Row = Record<string, unknown>;
type Query = (text: string) => Promise<Row[]>;

// Every table of every schema (public, pgboss), named so that it resolves whatever the search_path.
const TABLES = `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`;

async function snapshot(query: Query): Promise<Snapshot> {
  const rows: Record<string, number> = {};
  for (const { name } of await query(TABLES)) {
    const [{ n }] = await query(`SELECT count(*)::int AS n FROM ${name as string}`);
    rows[name as string] = n as number;
  }
  const sequences = await query(`SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS value FROM pg_sequences ORDER BY 1`);
  return { rows, sequences: Object.fromEntries(sequences.map((s) => [s.name, s.value])) };
}

const queryOn =
  (db: Kysely<any>): Query =>
  async (text) =>
    (await sql.raw<Row>(text).execute(db)).rows;

async function holdsTables(connectionString: string): Promise<boolean> {
  const database = connectDatabase(connectionString, 'embedded', 1);
  try {
    return (await queryOn(database.db)(TABLES)).length > 0;
  } finally {
    await database.close();
  }
}

/** The whole PGlite database as SQL, and what it holds. */
async function readPglite(pgdata: string): Promise<{ dump: string; source: Snapshot }> {
  const pglite = new PGlite(pgdata);
  try {
    const source = await snapshot(async (text) => (await pglite.query<Row>(text)).rows);
    // pglite-tools always adds --inserts: a dump in COPY form could not be fed through a plain
    // query. Rows go 1000 to an INSERT to load faster; owners and grants would name PGlite's roles.
    const file = await pgDump({ pg: pglite, args: ['--no-owner', '--no-privileges', '--rows-per-insert=1000'] });
    return { dump: await file.text(), source };
  } finally {
    await pglite.close();
  }
}

/**
 * Loads the dump into the cluster's `postgres` database (the one Switchboard uses), checked before
 * it commits, then brings the schema up to date. Returns the migrations that ran.
 */
async function load(connectionString: string, dump: string, source: Snapshot): Promise<string[]> {
  // The dump changes session settings (an empty search_path among them): it runs on a connection
  // of its own, closed after.
  const loader = connectDatabase(connectionString, 'embedded', 1);
  try {
    await loader.db.transaction().execute(async (trx) => {
      await sql.raw(dump).execute(trx);
      const loaded = await snapshot(queryOn(trx));
      if (!isDeepStrictEqual(loaded, source)) {
        const differing = (kind: keyof Snapshot) =>
          [...new Set([...Object.keys(source[kind]), ...Object.keys(loaded[kind])])].filter((name) => source[kind][name] !== loaded[kind][name]);
        throw new Error(`the loaded database differs from the PGlite one in ${[...differing('rows'), ...differing('sequences')].join(', ')}`);
      }
    });
  } finally {
    await loader.close();
  }
  const database = connectDatabase(connectionString, 'embedded', 1);
  try {
    return await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
}

async function convert(dataDir: string): Promise<void> {
  const holder = await runningHolder(dataDir);
  if (holder) throw new Error(`A Switchboard process (pid ${holder.pid}) is using ${dataDir}. Stop it, then convert.`);
  const pgdata = join(dataDir, 'pgdata');
  const cluster = clusterDir(dataDir);
  if (!hasPgliteDatabase(dataDir)) {
    // With no PGlite files, an embedded database there is the new cluster.
    throw new Error(
      hasEmbeddedDatabase(dataDir)
        ? `${dataDir} already uses the embedded PostgreSQL (${cluster}) and holds no PGlite database: there is nothing to convert.`
        : `There is no PGlite database in ${dataDir} (no pgdata folder). Pass --data-dir with the directory Switchboard uses (SWITCHBOARD_DATA_DIR).`,
    );
  }

  const server = await startEmbeddedPostgres(dataDir);
  // Ctrl-C (or a stop signal) ends the server, so the conversion fails and cleans up like any
  // failure, rather than leaving a server running and an empty cluster that `npm start` would open.
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    void server.stop();
  };
  process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
  // A cluster that already holds tables is someone's database and stays; otherwise (new, or left
  // empty by an interrupted conversion) it is removed unless it ends up holding the converted data.
  let removeCluster = false;
  let converted: { source: Snapshot; migrations: string[] };
  try {
    if (await holdsTables(server.connectionString)) {
      throw new Error(`${cluster} already holds a database (was ${dataDir} converted before?). Nothing was changed; ${pgdata} is left as it is.`);
    }
    removeCluster = true;
    try {
      console.log(`Reading the PGlite database in ${pgdata} …`);
      const { dump, source } = await readPglite(pgdata);
      console.log(`Loading it into the embedded PostgreSQL in ${cluster} …`);
      converted = { source, migrations: await load(server.connectionString, dump, source) };
    } catch (err) {
      const reason = interrupted ? 'interrupted' : (err as Error).message;
      throw new Error(`The conversion failed: ${reason}\nThe new cluster is removed and ${pgdata} is unchanged: run the command again once the cause is fixed.`);
    }
    removeCluster = false;
  } finally {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    await server.stop();
    if (removeCluster) rmSync(cluster, { recursive: true, force: true });
  }

  const backup = `${pgdata}.pglite-${DateTime.now().toFormat('yyyyLLdd-HHmmss')}`;
  renameSync(pgdata, backup);
  const counts = Object.values(converted.source.rows);
  if (converted.migrations.length > 0) console.log(`Migrated: ${converted.migrations.join(', ')}`);
  console.log(`Converted ${dataDir}: ${counts.length} tables, ${counts.reduce((a, b) => a + b, 0)} rows, now in the embedded PostgreSQL.`);
  console.log(`The PGlite files are kept in ${backup}; remove them once Switchboard works.`);
}

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    await convert(resolve(options['data-dir'] ?? loadConfig().dataDir));
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
