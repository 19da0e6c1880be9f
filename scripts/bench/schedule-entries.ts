// Benchmark: authenticated `GET /api/schedule-entries` (100 rows) on the machine's PostgreSQL and on
// the embedded PostgreSQL (the default without DATABASE_URL), as ratios to a bare Fastify
// hello-world and to each other measured in the same run, plus the memory of each API's process
// tree (the API and, when embedded, its PostgreSQL) at start and after at least 10,000 requests.
// See docs/BENCHMARKS.md for the method and the latest numbers.
//
//   npm run bench
//
// Environment (all optional):
//   BENCH_RUNS=3             measured runs per target (medians are reported)
//   BENCH_DURATION=10        seconds per measured run
//   BENCH_WARMUP=3           seconds of warm-up per target before the first run
//   BENCH_CONNECTIONS=10     concurrent connections
//   BENCH_DATABASES=postgres,embedded
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test
//                            an existing database to connect to; a fresh sb_bench_<random> database
//                            is created next to it for the run and dropped afterwards
//   BENCH_BREAKDOWN=1        also measure diagnostic variants of the route on PostgreSQL (session
//                            check only, without the zod serializer, ...; see serve.ts)
//   BENCH_CPU_PROF=<dir>     run the API processes with `node --cpu-prof`, profiles written to <dir>
//   BENCH_JSON=<file>        also write the raw results as JSON
//   BENCH_ONLY=<keys>        measure only these targets besides hello-world (postgres, list-bare,
//                            write, write-bare, write-bare-cte, embedded), e.g. while profiling
//
// On PostgreSQL it also measures issue 21's targets against bare baselines (bare-routes.ts) in a
// process of their own on the same database: the list against bare Fastify + pg running the same
// SQL text (the two responses' bytes are checked equal once before measuring), and
// `POST /api/schedule-entries` (one assignee, outbox event) against bare routes doing the same
// inserts in one transaction (5 round trips) and in one statement.
//
// Each server runs in its own child process (serve.ts); autocannon runs here. Targets are measured
// round-robin (hello, postgres, embedded, hello, ...) so drift on a shared machine hits all of them.
// Memory is read from /proc, so the script runs on Linux only.
// Exits non-zero only on errors (a server that does not start, a failed sign-in, a list that is not
// 100 rows, any non-2xx response or socket error during a run), never on a missed target.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { treeMemory, type TreeMemory } from './process-memory.js';

const here = dirname(fileURLToPath(import.meta.url));

type DatabaseKind = 'postgres' | 'embedded';
const DATABASE_LABELS: Record<DatabaseKind, string> = { postgres: 'PostgreSQL', embedded: 'embedded PostgreSQL' };
const isDatabaseKind = (key: string): key is DatabaseKind => Object.hasOwn(DATABASE_LABELS, key);

const env = process.env;
const num = (name: string, fallback: number) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
};
const settings = {
  runs: Math.round(num('BENCH_RUNS', 3)),
  duration: num('BENCH_DURATION', 10),
  warmup: num('BENCH_WARMUP', 3),
  connections: Math.round(num('BENCH_CONNECTIONS', 10)),
  databases: (env.BENCH_DATABASES || 'postgres,embedded').split(',').map((s) => s.trim()).filter(Boolean) as DatabaseKind[],
  pgUrl: env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test',
  breakdown: env.BENCH_BREAKDOWN === '1',
  cpuProfDir: env.BENCH_CPU_PROF || undefined,
  jsonOut: env.BENCH_JSON || undefined,
};
for (const d of settings.databases) if (!isDatabaseKind(d)) throw new Error(`BENCH_DATABASES: unknown database "${d}"`);

const TARGET_RATIO = 0.35;
/** Issue 18: the list on the embedded PostgreSQL within 10 % of the same API on the machine's PostgreSQL. */
const EMBEDDED_TARGET_RATIO = 0.9;
const RSS_REQUESTS = 10_000;
/** The API process on an external PostgreSQL (issue 5). */
const RSS_LIMIT_MB = 250;
/** The API and its embedded PostgreSQL together (issue 18). */
const TREE_LIMIT_MB = 350;
const ENTRY_COUNT = 100;
/** The untimed load before the memory is read, sampled every SAMPLE_MS for the peak. */
const FINAL_LOAD_REQUESTS = 3000;
const SAMPLE_MS = 500;

// ---------------------------------------------------------------------------------------------
// Child servers

interface Server {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  info: Record<string, unknown>;
  /** Requests this process has answered so far (warm-up, runs, checks). */
  served: number;
  /** Memory once started, seeded, signed in and checked, before any load. */
  startMemory?: TreeMemory;
  cookie?: string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();

async function startServer(name: string, mode: 'hello' | 'api' | 'bare', extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(here, 'serve.ts'), mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...env, ...extraEnv },
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: server did not start within 180 s`)), 180_000);
    lines.on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line);
      } catch {
        return; // stray output
      }
      if (msg.ready) {
        clearTimeout(timer);
        resolve(msg);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name}: server exited with code ${code} before it was ready`));
    });
  });
  const info = await ready;
  return {
    name,
    child,
    pid: child.pid!,
    port: info.port as number,
    info,
    served: 0,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL database for the run

async function createBenchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sb_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sign-in and checks

async function signIn(server: Server): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.info.email, password: server.info.password }),
  });
  server.served++;
  if (res.status !== 200) throw new Error(`${server.name}: sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('sb_session='));
  if (!cookie) throw new Error(`${server.name}: sign-in set no sb_session cookie`);
  return cookie;
}

/** The authenticated list really is 100 rows, and without the cookie it is a 401. */
async function checkList(server: Server, path = '/api/schedule-entries') {
  const url = `http://127.0.0.1:${server.port}${path}`;
  const res = await fetch(url, { headers: { cookie: server.cookie! } });
  server.served++;
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${server.name} ${path}: ${res.status} ${body}`);
  const json = JSON.parse(body) as { items?: unknown[]; total?: number };
  if (json.items?.length !== ENTRY_COUNT || json.total !== ENTRY_COUNT) {
    throw new Error(`${server.name} ${path}: expected ${ENTRY_COUNT} items, got ${json.items?.length} (total ${json.total})`);
  }
  return Buffer.byteLength(body);
}

async function checkUnauthenticated(server: Server) {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/schedule-entries`);
  server.served++;
  await res.arrayBuffer();
  if (res.status !== 401) throw new Error(`${server.name}: unauthenticated list answered ${res.status}, expected 401`);
}

// ---------------------------------------------------------------------------------------------
// Load

interface Target {
  key: string;
  label: string;
  server: Server;
  path: string;
  authenticated: boolean;
  /** A write: POST with this body and these headers (each request creates an entry). */
  post?: { body: string; headers: Record<string, string> };
}

/** The write benchmark's body: one entry, one assignee. */
const writeBody = (assigneeId: string) =>
  JSON.stringify({
    title: 'Onsite visit: quarterly maintenance window',
    notes: 'Bring the replacement switch.',
    start: '2026-03-02T08:00:00.000Z',
    end: '2026-03-02T09:30:00.000Z',
    timeZone: 'Europe/Berlin',
    workItemType: 'ticket',
    workItemId: 'T-10001',
    assigneeIds: [assigneeId],
  });

async function signInWriter(server: Server): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.info.writerEmail, password: server.info.password }),
  });
  server.served++;
  if (res.status !== 200) throw new Error(`${server.name}: writer sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('sb_session='))!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/** One request of a write target answers 201 (checked before measuring). */
async function checkWrite(t: Target) {
  const res = await fetch(`http://127.0.0.1:${t.server.port}${t.path}`, { method: 'POST', headers: t.post!.headers, body: t.post!.body });
  t.server.served++;
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${t.label}: ${res.status} ${text}`);
}

interface RunResult {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  requests: number;
  /** CPU time (user + system) the server process spent per request during the run, in µs. */
  cpuUsPerRequest: number;
}

/** A process's CPU time so far (user + system), in µs, from /proc/<pid>/stat. */
function cpuTimeUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted after the command name: indexes 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

async function load(target: Target, seconds: number, amount?: number): Promise<RunResult> {
  const cpuBefore = cpuTimeUs(target.server.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${target.server.port}${target.path}`,
    connections: settings.connections,
    pipelining: 1,
    ...(amount ? { amount } : { duration: seconds }),
    ...(target.post
      ? { method: 'POST' as const, body: target.post.body, headers: target.post.headers }
      : { headers: target.authenticated ? { cookie: target.server.cookie! } : {} }),
  });
  target.server.served += result.requests.total;
  const problems: string[] = [];
  if (result.errors) problems.push(`${result.errors} socket errors`);
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
  if (result.non2xx) {
    const codes = Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, s]) => `${s.count}x${code}`);
    problems.push(`${result.non2xx} non-2xx responses (${codes.join(', ')})`);
  }
  if (result.requests.total === 0) problems.push('no requests completed');
  if (problems.length) throw new Error(`${target.label}: ${problems.join(', ')}`);
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    requests: result.requests.total,
    cpuUsPerRequest: (cpuTimeUs(target.server.pid) - cpuBefore) / result.requests.total,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// ---------------------------------------------------------------------------------------------

function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    /* not Linux */
  }
  return {
    cpus: cpus().length,
    cpuModel,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}

const log = (msg: string) => process.stderr.write(`${msg}\n`);

async function main() {
  const started = Date.now();
  const servers: Server[] = [];
  const pgDatabases: Awaited<ReturnType<typeof createBenchDatabase>>[] = [];
  const cleanup = async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    for (const d of pgDatabases) await d.drop().catch((err) => console.error(`could not drop a bench database: ${err.message}`));
  };
  /** Starts an API process, signs in, and checks the list (100 rows) and the 401 without a cookie. */
  const startApi = async (name: string, extra: Record<string, string>, nodeArgs: string[]) => {
    const server = await startServer(name, 'api', extra, nodeArgs);
    servers.push(server);
    server.cookie = await signIn(server);
    const bytes = await checkList(server);
    await checkUnauthenticated(server);
    server.startMemory = treeMemory(server.pid);
    const { processes, root, pssMb } = server.startMemory;
    log(`bench: ${name} ready (pid ${server.pid}), list response ${bytes} bytes, API RSS ${root.rssMb.toFixed(0)} MB, ${processes} processes PSS ${pssMb.toFixed(0)} MB`);
    return server;
  };
  /** Issue 21: the bare baselines beside the API on PostgreSQL, and the write targets. */
  const startIssue21Targets = async (api: Server, databaseUrl: string, nodeArgs: string[]): Promise<Target[]> => {
    const info = api.info as { tenantId: string; writer: { tenantId: string; userId: string } };
    const bare = await startServer('bare', 'bare', { BENCH_DATABASE_URL: databaseUrl, BENCH_TENANT_ID: info.tenantId, BENCH_WRITER: JSON.stringify(info.writer) }, nodeArgs);
    servers.push(bare);
    const [product, baseline] = await Promise.all(
      [`http://127.0.0.1:${api.port}/api/schedule-entries`, `http://127.0.0.1:${bare.port}/list`].map(async (url) => {
        const res = await fetch(url, { headers: { cookie: api.cookie! } });
        return Buffer.from(await res.arrayBuffer());
      }),
    );
    api.served++;
    bare.served++;
    if (!product.equals(baseline)) throw new Error(`the bare list's bytes differ from the product's (${baseline.length} vs ${product.length} bytes)`);
    log(`bench: bare baseline ready (pid ${bare.pid}); its list is byte-identical to the API's (${product.length} bytes)`);
    const writer = await signInWriter(api);
    const body = writeBody(info.writer.userId);
    const json = { 'content-type': 'application/json' };
    const writes: Target[] = [
      { key: 'write', label: 'API POST /api/schedule-entries', server: api, path: '/api/schedule-entries', authenticated: true, post: { body, headers: { ...json, cookie: writer.cookie, 'x-csrf-token': writer.csrfToken } } },
      { key: 'write-bare', label: 'bare POST, BEGIN + 3 INSERTs + COMMIT', server: bare, path: '/write', authenticated: false, post: { body, headers: json } },
      { key: 'write-bare-cte', label: 'bare POST, one statement', server: bare, path: '/write-cte', authenticated: false, post: { body, headers: json } },
    ];
    for (const w of writes) await checkWrite(w);
    return [{ key: 'list-bare', label: 'bare Fastify + pg list, same SQL', server: bare, path: '/list', authenticated: false }, ...writes];
  };
  const onSignal = () => {
    for (const c of children) c.kill('SIGTERM');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const m = machine();
  log(
    `bench: ${m.cpus} CPU (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}; ` +
      `${settings.runs} runs x ${settings.duration}s, ${settings.connections} connections, warm-up ${settings.warmup}s`,
  );

  try {
    const apiNodeArgs = settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [];
    const hello = await startServer('hello-world', 'hello');
    servers.push(hello);
    const targets: Target[] = [{ key: 'hello', label: 'Fastify hello-world', server: hello, path: '/', authenticated: false }];
    for (const db of settings.databases) {
      const extra: Record<string, string> = {};
      if (db === 'postgres') {
        const created = await createBenchDatabase(settings.pgUrl);
        pgDatabases.push(created);
        extra.BENCH_DATABASE_URL = created.url;
      }
      log(`bench: starting the API on ${db} (migrate, seed ${ENTRY_COUNT} entries)`);
      const server = await startApi(`api-${db}`, extra, apiNodeArgs);
      targets.push({ key: db, label: `API on ${DATABASE_LABELS[db]}`, server, path: '/api/schedule-entries', authenticated: true });
      if (db === 'postgres') targets.push(...(await startIssue21Targets(server, extra.BENCH_DATABASE_URL, apiNodeArgs)));
    }
    if (settings.breakdown && settings.databases.includes('postgres')) {
      // A separate API process (and database) with the diagnostic routes, so the RSS reported for
      // the real API process is not affected by them.
      const created = await createBenchDatabase(settings.pgUrl);
      pgDatabases.push(created);
      log('bench: starting the diagnostic API on postgres (BENCH_BREAKDOWN=1)');
      const s = await startApi('api-postgres-diag', { BENCH_DATABASE_URL: created.url, BENCH_DIAG: '1' }, apiNodeArgs);
      for (const path of ['/__bench/static', '/__bench/static-auth', '/__bench/list-noschema', '/__bench/list-fast', '/__bench/list-noauth-noschema']) {
        await checkList(s, path);
      }
      const variants: [string, string][] = [
        ['/api/schedule-entries', 'the real route (diagnostic process)'],
        ['/__bench/hello', 'hello-world route inside the app'],
        ['/__bench/static', 'precomputed response bytes, no session check'],
        ['/__bench/auth', 'session check only'],
        ['/__bench/static-auth', 'session check + precomputed response bytes'],
        ['/__bench/list-noauth-noschema', 'list queries + mapping, JSON.stringify, no session'],
        ['/__bench/list-noauth', 'list, zod serializer, no session check'],
        ['/__bench/list-noschema', 'session check + list, JSON.stringify (no schema)'],
        ['/__bench/list-fast', 'session check + list, fast-json-stringify'],
      ];
      for (const [path, label] of variants) targets.push({ key: `diag:${path}`, label, server: s, path, authenticated: true });
    }

    // BENCH_ONLY=postgres,list-bare,...: measure only these targets (and hello-world), for profiling.
    if (env.BENCH_ONLY) {
      const only = new Set(['hello', ...env.BENCH_ONLY.split(',').map((k) => k.trim())]);
      targets.splice(0, targets.length, ...targets.filter((t) => only.has(t.key)));
    }
    for (const t of targets) {
      log(`bench: warm-up ${t.label} ${t.path}`);
      await load(t, settings.warmup);
    }
    const runs = new Map<string, RunResult[]>(targets.map((t) => [t.key, []]));
    for (let i = 1; i <= settings.runs; i++) {
      for (const t of targets) {
        const r = await load(t, settings.duration);
        runs.get(t.key)!.push(r);
        log(`bench: run ${i}/${settings.runs} ${t.label.padEnd(42)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  server CPU ${r.cpuUsPerRequest.toFixed(0)} µs/request`);
      }
    }

    // Memory of each API's process tree once it has answered at least 10,000 requests: a last,
    // untimed load (to 10,000 if the runs fell short) sampled for its peak, then read at once, while
    // the pool's connections (and so the embedded server's backends, which the pool closes after
    // 10 s idle) are all still there. A sample reads the page map of every process of the tree (tens
    // of ms of this process's CPU), so sampling is kept out of the timed runs.
    const memory: Partial<Record<DatabaseKind, { served: number; start: TreeMemory; after: TreeMemory; peak: TreeMemory }>> = {};
    for (const t of targets.filter((x): x is Target & { key: DatabaseKind } => isDatabaseKind(x.key))) {
      let peak = t.server.startMemory!;
      const sampler = setInterval(() => {
        const sample = treeMemory(t.server.pid);
        if ((sample.distinctMb ?? sample.pssMb) > (peak.distinctMb ?? peak.pssMb)) peak = sample;
      }, SAMPLE_MS);
      try {
        await load(t, 0, Math.max(RSS_REQUESTS - t.server.served, FINAL_LOAD_REQUESTS));
      } finally {
        clearInterval(sampler);
      }
      const after = treeMemory(t.server.pid);
      await checkList(t.server);
      memory[t.key] = { served: t.server.served, start: t.server.startMemory!, after, peak };
    }
    const helloMemory = treeMemory(hello.pid);

    const summary = targets.map((t) => {
      const rs = runs.get(t.key)!;
      return {
        key: t.key,
        label: t.label,
        path: t.path,
        rps: median(rs.map((r) => r.rps)),
        rpsMin: Math.min(...rs.map((r) => r.rps)),
        rpsMax: Math.max(...rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        runs: rs,
      };
    });
    const helloRps = summary[0].rps;

    // Report (stdout): markdown.
    const out: string[] = [];
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
    out.push(`## Switchboard benchmark: GET /api/schedule-entries (${ENTRY_COUNT} rows)`);
    out.push('');
    out.push(`Machine: ${m.cpus} CPU (${m.cpuModel}), ${m.memoryGb} GB RAM, Node ${m.node}.`);
    out.push(
      `Load: autocannon, ${settings.connections} connections, ${settings.runs} runs x ${settings.duration}s per target after ${settings.warmup}s warm-up, round-robin; medians of the runs, with the req/s range across runs.`,
    );
    out.push('');
    out.push('| Target | req/s (median) | range | p50 ms | p99 ms | vs hello-world | target | met |');
    out.push('|---|---:|---:|---:|---:|---:|---:|:---:|');
    for (const s of summary.filter((x) => x.key === 'hello' || isDatabaseKind(x.key))) {
      const ratio = s.rps / helloRps;
      const isPg = s.key === 'postgres';
      out.push(
        `| ${s.label} | ${fmt(s.rps)} | ${fmt(s.rpsMin)}–${fmt(s.rpsMax)} | ${s.p50} | ${s.p99} | ${s.key === 'hello' ? '100%' : pct(ratio)} | ${isPg ? `≥ ${pct(TARGET_RATIO)}` : '–'} | ${isPg ? (ratio >= TARGET_RATIO ? 'yes' : 'no') : '–'} |`,
      );
    }
    const embeddedRuns = runs.get('embedded');
    const postgresRuns = runs.get('postgres');
    if (embeddedRuns && postgresRuns) {
      const [e, p] = [summary.find((x) => x.key === 'embedded')!, summary.find((x) => x.key === 'postgres')!];
      // Each round measures the two back to back; on a shared machine whose speed drifts between
      // rounds, the median of the rounds' ratios is steadier than a ratio of the two medians.
      const perRound = embeddedRuns.map((r, i) => r.rps / postgresRuns[i].rps);
      const ratio = median(perRound);
      out.push('');
      out.push('| Embedded vs PostgreSQL, same run | req/s ratio (median of the rounds) | per-round ratios | ratio of the medians | p50 ms embedded / PostgreSQL | p99 ms embedded / PostgreSQL | target | met |');
      out.push('|---|---:|---:|---:|---:|---:|---:|:---:|');
      out.push(
        `| \`GET /api/schedule-entries\` | **${ratio.toFixed(2)}** | ${perRound.map((x) => x.toFixed(2)).join(', ')} | ${(e.rps / p.rps).toFixed(2)} | ${e.p50} / ${p.p50} | ${e.p99} / ${p.p99} | ≥ ${EMBEDDED_TARGET_RATIO.toFixed(2)} | ${ratio >= EMBEDDED_TARGET_RATIO ? 'yes' : 'no'} |`,
      );
    }
    out.push('');
    out.push(
      "Memory of each API's process tree: the API process and its descendants (with the embedded database: postmaster, helpers, backends; the machine's PostgreSQL is not counted). " +
        'RSS sum counts the PostgreSQL shared memory a process has touched once per process (the shared-memory column); PSS sum counts it once, but pages shared with processes outside the tree only in part; ' +
        'distinct counts every resident page of the tree once (see process-memory.ts).',
    );
    out.push('');
    out.push('| API on | when | processes | API process RSS MB | RSS sum MB | of which shared memory MB | PSS sum MB | distinct pages MB | target | met |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---|---|');
    const mb = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(0));
    const treeVerdict = (t: TreeMemory) => {
      const within = (n: number) => (n <= TREE_LIMIT_MB ? 'yes' : 'no');
      const distinct = t.distinctMb === undefined ? [] : [`distinct ${within(t.distinctMb)}`];
      return [...distinct, `PSS ${within(t.pssMb)}`, `RSS sum ${within(t.rssMb)}`].join(', ');
    };
    const memoryRow = (label: string, when: string, t: TreeMemory, target: string, met: string) =>
      `| ${label} | ${when} | ${t.processes} | ${mb(t.root.rssMb)} | ${mb(t.rssMb)} | ${mb(t.shmemMb)} | ${mb(t.pssMb)} | ${mb(t.distinctMb)} | ${target} | ${met} |`;
    for (const [key, mem] of Object.entries(memory) as [DatabaseKind, NonNullable<(typeof memory)[DatabaseKind]>][]) {
      const rows: [string, TreeMemory][] = [
        ['at start', mem.start],
        [`after ${fmt(mem.served)} requests`, mem.after],
        [`peak during the last, untimed load (${SAMPLE_MS} ms samples)`, mem.peak],
      ];
      for (const [when, t] of rows) {
        out.push(
          key === 'embedded'
            ? memoryRow(DATABASE_LABELS[key], when, t, `tree ≤ ${TREE_LIMIT_MB}`, treeVerdict(t))
            : memoryRow(DATABASE_LABELS[key], when, t, `API RSS < ${RSS_LIMIT_MB}`, t.root.rssMb < RSS_LIMIT_MB ? 'yes' : 'no'),
        );
      }
    }
    out.push(memoryRow('(hello-world, for reference)', `after ${fmt(hello.served)} requests`, helloMemory, '–', '–'));
    // Issue 21: ratios per round (each round measures target and baseline back to back), median.
    const issue21: [string, string, string, number][] = [
      ['`GET /api/schedule-entries` (100 rows) vs bare Fastify + pg, same SQL and bytes', 'postgres', 'list-bare', 0.7],
      ['`POST /api/schedule-entries` vs bare BEGIN + 3 INSERTs + COMMIT', 'write', 'write-bare', 0.5],
      ['`POST /api/schedule-entries` vs bare one-statement insert', 'write', 'write-bare-cte', 0.5],
    ];
    if (issue21.some(([, productKey, baseKey]) => runs.has(productKey) && runs.has(baseKey))) {
      out.push('');
      out.push('Issue 21 (same run; ratio = median of the per-round ratios of req/s):');
      out.push('');
      out.push('| Comparison | product req/s | baseline req/s | product p99 ms | baseline p99 ms | server CPU µs/request, product / baseline | per-round ratios | ratio | target | met |');
      out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
      for (const [label, productKey, baseKey, target] of issue21) {
        const p = summary.find((x) => x.key === productKey);
        const b = summary.find((x) => x.key === baseKey);
        if (!p || !b) continue;
        const perRound = p.runs.map((r, i) => r.rps / b.runs[i].rps);
        const ratio = median(perRound);
        out.push(
          `| ${label} | ${fmt(p.rps)} | ${fmt(b.rps)} | ${p.p99} | ${b.p99} | ${fmt(median(p.runs.map((r) => r.cpuUsPerRequest)))} / ${fmt(median(b.runs.map((r) => r.cpuUsPerRequest)))} | ${perRound.map(pct).join(', ')} | **${pct(ratio)}** | ≥ ${pct(target)} | ${ratio >= target ? 'yes' : 'no'} |`,
        );
      }
    }
    const breakdown = summary.filter((x) => x.key.startsWith('diag:'));
    if (breakdown.length) {
      out.push('');
      out.push('Breakdown on PostgreSQL (diagnostic routes in a separate API process with the same data; µs/request = 1/throughput):');
      out.push('');
      out.push('| Variant | path | req/s (median) | µs/request | p99 ms | vs hello-world |');
      out.push('|---|---|---:|---:|---:|---:|');
      for (const s of breakdown) {
        out.push(`| ${s.label} | \`${s.path}\` | ${fmt(s.rps)} | ${fmt(1e6 / s.rps)} | ${s.p99} | ${pct(s.rps / helloRps)} |`);
      }
    }
    out.push('');
    out.push(`Total time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    process.stdout.write(`${out.join('\n')}\n`);

    if (settings.jsonOut) {
      writeFileSync(settings.jsonOut, JSON.stringify({ machine: m, settings, summary, memory, helloMemory }, null, 2));
    }
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack ?? err.message : err}`);
  for (const c of children) c.kill('SIGTERM');
  process.exit(1);
});
