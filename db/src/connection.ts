// Opens the database: the PostgreSQL server at a URL when one is given, otherwise the embedded
// PostgreSQL (embedded-postgres.ts) in the data directory. Either way the application talks to a
// real PostgreSQL through `pg`.
// The process that opens an embedded data directory holds it: it writes `switchboard-server.json`
// (pid and the server's address, mode 0600) beside the files and removes it on close. A second
// process opening the same directory is refused while the holder is alive; tools and workers
// (`npm run flags`, `npm run worker`) connect through the holder instead.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { hasEmbeddedCluster, processAlive, startEmbeddedPostgres } from './embedded-postgres.js';
import type { Database } from './schema.js';

// bigint (count(*), bigserial ids) arrives as a string; keep it a string rather than lose precision.
// timestamptz parses to Date by default, which is what the schema types say.

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** A URL other `pg` users (pg-boss, worker processes) can connect with. It may hold a password: never log it. */
  connectionString: string;
  kind: 'postgres' | 'embedded';
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; when absent the embedded database is used. */
  databaseUrl?: string;
  /** Folder for the embedded database (default ./data). */
  dataDir?: string;
  poolSize?: number;
  /** Where the embedded server's warnings go. */
  log?: (line: string) => void;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const poolSize = options.poolSize ?? 10;
  if (options.databaseUrl) return fromConnectionString(options.databaseUrl, 'postgres', poolSize, async () => {});
  const dataDir = options.dataDir ?? './data';
  mkdirSync(dataDir, { recursive: true });
  const holder = await runningHolder(dataDir);
  if (holder) {
    throw new Error(
      `The embedded database in ${dataDir} is in use by another Switchboard process (pid ${holder.pid}). Stop that process first; tools such as \`npm run flags\` and \`npm run worker\` connect through it.`,
    );
  }
  // Also beside a cluster: a conversion that did not finish (it renames pgdata at its very end).
  if (hasPgliteDatabase(dataDir)) throw new PgliteDataError(dataDir);
  writeHolder(dataDir, { pid: process.pid });
  let server;
  try {
    server = await startEmbeddedPostgres(dataDir, { log: options.log });
  } catch (err) {
    rmSync(holderFile(dataDir), { force: true });
    throw err;
  }
  writeHolder(dataDir, { pid: process.pid, connectionString: server.connectionString });
  return fromConnectionString(server.connectionString, 'embedded', poolSize, async () => {
    await server.stop();
    rmSync(holderFile(dataDir), { force: true });
  });
}

/** Whether `dataDir` holds the files of the earlier embedded engine (PGlite). */
export function hasPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'pgdata', 'PG_VERSION'));
}

/** Refuses to start on a PGlite data directory, naming the one command that converts it. */
export class PgliteDataError extends Error {
  override name = 'PgliteDataError';
  constructor(readonly dataDir: string) {
    super(
      `${dataDir} holds a database of the earlier embedded engine (PGlite, in ${join(dataDir, 'pgdata')}). Convert it once to the embedded PostgreSQL with:\n\n    npm run convert-pglite -- --data-dir ${JSON.stringify(dataDir)}\n\nthen start again. The old files are kept (renamed) until you remove them.`,
    );
  }
}

export interface EmbeddedHolder {
  pid: number;
  /** Where the holder serves the database; absent while it is still starting. */
  connectionString?: string;
}

const holderFile = (dataDir: string) => join(dataDir, 'switchboard-server.json');

function writeHolder(dataDir: string, holder: EmbeddedHolder): void {
  writeFileSync(holderFile(dataDir), JSON.stringify(holder), { mode: 0o600 });
}

/** Whether `dataDir` holds an embedded database (opening it would not create a new, empty one). */
export function hasEmbeddedDatabase(dataDir: string): boolean {
  return hasEmbeddedCluster(dataDir) || hasPgliteDatabase(dataDir);
}

/**
 * The live process that holds `dataDir`, or null. A holder file left by a crash is stale when its
 * process is gone, or when the address it names no longer answers (a pid can be reused).
 */
export async function runningHolder(dataDir: string): Promise<EmbeddedHolder | null> {
  let holder: EmbeddedHolder;
  try {
    holder = JSON.parse(readFileSync(holderFile(dataDir), 'utf8')) as EmbeddedHolder;
  } catch {
    return null;
  }
  if (!Number.isInteger(holder.pid) || holder.pid === process.pid || !processAlive(holder.pid)) return null;
  if (!holder.connectionString) return holder;
  return (await accepts(holder.connectionString)) ? holder : null;
}

function accepts(connectionString: string): Promise<boolean> {
  const { hostname, port } = new URL(connectionString);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A handle on a database another process serves (an embedded holder); closing it leaves that process alone. */
export function connectDatabase(connectionString: string, kind: DatabaseHandle['kind'], poolSize = 2): DatabaseHandle {
  return fromConnectionString(connectionString, kind, poolSize, async () => {});
}

function fromConnectionString(
  connectionString: string,
  kind: DatabaseHandle['kind'],
  poolSize: number,
  closeUnderlying: () => Promise<void>,
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // A server that does not accept a connection (network partition rather than a refusal) fails
    // the request within 10 s instead of holding it forever; keepAlive lets the OS notice dead idle
    // sockets.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // A lost connection (server restart, network) must never crash the process; the pool drops the
  // broken client and connects anew on the next checkout. Idle clients report to the pool...
  pool.on('error', () => {});
  // ...but a checked-out client (inside a transaction, or between a query and its release) emits
  // 'error' on itself, and with no listener that is an uncaught exception. Its query already
  // rejected with the same error, which is what the request answers 503 for.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    connectionString,
    kind,
    async close() {
      await db.destroy();
      await closeUnderlying();
    },
  };
}
