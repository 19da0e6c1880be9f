// Opens the database: real PostgreSQL when a URL is given, otherwise embedded PGlite served over
// pglite-socket, so the application always talks through `pg` (one driver path for both).
// The process that opens an embedded data directory holds it: it writes `switchboard-server.json`
// (pid and the loopback address it serves the database on, mode 0600) beside the files and removes
// it on close. PGlite has one writer; a second process opening the same files would corrupt them,
// so it is refused while the holder is alive, and tools (`npm run flags`, `reset-password`)
// connect through the holder instead (see `openInstallDatabase` in scripts).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
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
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    const holder = await runningHolder(dataDir);
    if (holder) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by another Switchboard process (pid ${holder.pid}). Stop that process first; tools such as \`npm run flags\` connect through it.`,
      );
    }
    writeHolder(dataDir, { pid: process.pid });
  }
  // Loaded only here: a PostgreSQL deployment never pays for the embedded engine.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  const pglite = dataDir ? new PGlite(`${dataDir}/pgdata`) : new PGlite();
  await pglite.waitReady;
  releaseParsedMessages(pglite);
  // The embedded server runs one statement at a time and keeps a transaction on its connection;
  // a handful of connections is plenty and keeps the queue short.
  const poolSize = options.poolSize ?? 4;
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: poolSize + 8 });
  keepExtendedQueriesTogether(server as unknown as { queryQueue: QueryQueue });
  await server.start();
  const connectionString = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  if (dataDir) writeHolder(dataDir, { pid: process.pid, connectionString });
  return fromConnectionString(connectionString, 'pglite', poolSize, async () => {
    await server.stop();
    await pglite.close();
    if (dataDir) rmSync(holderFile(dataDir), { force: true });
  });
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
  return existsSync(join(dataDir, 'pgdata', 'PG_VERSION'));
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

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
    // sockets. The embedded server is in-process and serialises every statement, so a wait for one
    // of its connections is only a queue.
    ...(kind === 'postgres' ? { connectionTimeoutMillis: 10_000, keepAlive: true } : {}),
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

/**
 * PGlite 0.4.6 parses every backend message into an array that only `execProtocol` clears, so the
 * raw streaming path pglite-socket uses keeps every row ever returned (~80 KB per 100-row query;
 * reproduced by scripts/bench/pglite-socket-growth.ts). Serving the socket through `execProtocol`
 * clears it on every call; errors stay in the returned bytes, as the wire protocol expects.
 */
function releaseParsedMessages(pglite: PGlite): void {
  pglite.execProtocolRawStream = async (message, { syncToFs = true, onRawData }) => {
    const { data } = await pglite.execProtocol(message, { syncToFs, throwOnError: false });
    if (data.length > 0) onRawData(data);
  };
}

interface QueryQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number>;
  clearQueueForHandler(handlerId: number): void;
}

// Frontend messages of the extended query protocol that only take effect at the next Sync/Flush.
const PARSE = 0x50;
const BIND = 0x42;
const DESCRIBE = 0x44;
const EXECUTE = 0x45;
const CLOSE = 0x43;
const DEFERRED = new Set([PARSE, BIND, DESCRIBE, EXECUTE, CLOSE]);

/**
 * pglite-socket 0.1.6 queues every protocol message on its own, and all connections share one
 * PGlite session. So between one connection's Parse and its Bind, another connection's Parse could
 * run and replace the unnamed statement ("bind message supplies 2 parameters, but prepared
 * statement "" requires 1"), whenever two connections run parameterised queries at once (the app's
 * pool and pg-boss do). Holding a connection's extended-query messages until its Sync (or Flush)
 * and running them as one unit makes each query atomic, as on a real server.
 */
function keepExtendedQueriesTogether(server: { queryQueue: QueryQueue }): void {
  const queue = server.queryQueue;
  const enqueue = queue.enqueue.bind(queue);
  const clear = queue.clearQueueForHandler.bind(queue);
  const held = new Map<number, Uint8Array[]>();
  queue.enqueue = (handlerId, message, onData) => {
    const pending = held.get(handlerId) ?? [];
    if (DEFERRED.has(message[0])) {
      pending.push(message);
      held.set(handlerId, pending);
      return Promise.resolve(0);
    }
    held.delete(handlerId);
    return enqueue(handlerId, pending.length ? Buffer.concat([...pending, message]) : message, onData);
  };
  queue.clearQueueForHandler = (handlerId) => {
    held.delete(handlerId);
    clear(handlerId);
  };
}
