// Opens the database: real PostgreSQL when a URL is given, otherwise embedded PGlite served over
// pglite-socket, so the application always talks through `pg` (one driver path for both).
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// bigint (count(*), bigserial ids) arrives as a string; keep it a string rather than lose precision.
// timestamptz parses to Date by default, which is what the schema types say.

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** A URL other `pg` users (pg-boss, worker processes) can connect with. */
  connectionString: string;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; when absent the embedded database is used. */
  databaseUrl?: string;
  /** Folder for the embedded database files; `undefined` with `inMemory` keeps it in memory. */
  dataDir?: string;
  inMemory?: boolean;
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    return fromConnectionString(options.databaseUrl, 'postgres', options.poolSize ?? 10, async () => {});
  }
  const dataDir = options.inMemory ? undefined : options.dataDir ?? './data';
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = dataDir ? new PGlite(`${dataDir}/pgdata`) : new PGlite();
  await pglite.waitReady;
  // The embedded server runs one statement at a time and keeps a transaction on its connection;
  // a handful of connections is plenty and keeps the queue short.
  const poolSize = options.poolSize ?? 4;
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: poolSize + 8 });
  await server.start();
  const connectionString = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return fromConnectionString(connectionString, 'pglite', poolSize, async () => {
    await server.stop();
    await pglite.close();
  });
}

function fromConnectionString(
  connectionString: string,
  kind: DatabaseHandle['kind'],
  poolSize: number,
  closeUnderlying: () => Promise<void>,
): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on('error', () => {});
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
