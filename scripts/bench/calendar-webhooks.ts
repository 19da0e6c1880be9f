// Benchmark: Google Calendar webhook ingest (`POST /api/calendar/webhooks/google` with a valid
// channel and token: verify, record, enqueue a pull) against a bare Fastify hello-world in the same
// run: throughput ratio (target >= 50%) and p99 acknowledgement latency (target < 25 ms).
//
//   npm run bench:webhooks                       (embedded database)
//   DATABASE_URL=postgres://… npm run bench:webhooks
//   BENCH_BEFORE=/path/to/other/checkout npm run bench:webhooks   (also that checkout's app, same run)
//
// BENCH_RUNS (3), BENCH_DURATION (10 s), BENCH_CONNECTIONS (10). The servers run in this process
// without job workers (ingest only); autocannon runs as a child process on the other core. Each
// round measures the hello-world and both apps back to back (the order reversed every other round)
// and the ratio is the median of the rounds' ratios: on a shared machine the speed drifts between
// rounds by more than the effects measured. The CPU time this process spends per request is printed
// too: it moves less than throughput when other work shares the machine.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { Writable } from 'node:stream';
import * as api from '@switchboard/api';
import { createTestDatabase, seedTenant, testKeyring } from '@switchboard/testing';

const run = promisify(execFile);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Result {
  rps: number;
  p99: number;
  non2xx: number;
  /** CPU time of this process (all servers; only one is loaded at a time) per request, in µs. */
  cpuUs: number;
}

async function cannon(url: string, headers: Record<string, string>): Promise<Result> {
  const args = ['-j', '-c', String(connections), '-d', String(duration), '-m', 'POST'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  const cpu = process.cpuUsage();
  const { stdout } = await run('node_modules/.bin/autocannon', [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const used = process.cpuUsage(cpu);
  const r = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p99: number }; non2xx: number; errors: number };
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors, cpuUs: (used.user + used.system) / Math.max(1, r.requests.total) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// With DATABASE_URL, a fresh database is created next to it for the run and dropped afterwards.
if (process.env.DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
const database = await createTestDatabase();
// Two apps on one database: plain (LOG_LEVEL=warn, no metrics token) and observed (LOG_LEVEL=info
// to a discarded stream, METRICS_TOKEN set so request durations are measured): the difference is
// the metrics and logging overhead (issue 11: under 10%).
const keyring = testKeyring();
// BENCH_BEFORE: another checkout (with its node_modules) whose app is measured in the same rounds,
// for a before/after on the same machine in the same minutes. It shares this database and keyring.
const before = process.env.BENCH_BEFORE ? ((await import(pathToFileURL(join(process.env.BENCH_BEFORE, 'apps/api/src/index.ts')).href)) as typeof api) : undefined;
async function startApp(observed: boolean, { buildApp, loadConfig, loggerOptions } = api) {
  const config = loadConfig({
    EDITION: 'ee',
    SWITCHBOARD_WORKERS: 'off',
    LOG_LEVEL: observed ? 'info' : 'warn',
    PORT: '0',
    // The per-address rate limit would answer most of one client's requests with 429: lift it here.
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000000',
    ...(observed ? { METRICS_TOKEN: randomBytes(24).toString('hex') } : {}),
  });
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const instance = await buildApp({ config, database, keyring, serveWeb: false, logger: { ...(loggerOptions(config.LOG_LEVEL) as object), stream: discard } });
  await instance.listen({ host: '127.0.0.1', port: 0 });
  return { instance, url: `http://127.0.0.1:${(instance.server.address() as { port: number }).port}` };
}
const plain = await startApp(false);
const observed = await startApp(true);
const beforeApp = before && (await startApp(false, before));
const app = plain.instance;

// A connected Google calendar with a live channel, as after connecting.
const tenant = await seedTenant(database.db, `bench-${randomBytes(3).toString('hex')}`);
const channelId = randomBytes(16).toString('hex');
const resourceId = randomBytes(12).toString('base64url');
const token = randomBytes(32).toString('base64url');
const provider = await database.db
  .insertInto('calendar_providers')
  .values({ tenant_id: tenant.tenantId, user_id: tenant.technician.id, provider_type: 'google', display_name: 'Bench', status: 'connected', channel_id: channelId, channel_resource_id: resourceId, channel_expires_at: new Date(Date.now() + 86_400_000) })
  .returning('id')
  .executeTakeFirstOrThrow();
await app.secrets.put(database.db, tenant.tenantId, `calendar_provider:${provider.id}:webhook`, token);

const hello = Fastify({ logger: false });
hello.post('/hello', async (_request, reply) => reply.code(200).send());
await hello.listen({ host: '127.0.0.1', port: 0 });
const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/hello`;

const webhookHeaders = {
  'content-type': 'application/json; utf-8',
  'x-goog-channel-id': channelId,
  'x-goog-channel-token': token,
  'x-goog-resource-id': resourceId,
  'x-goog-resource-state': 'exists',
  'x-goog-message-number': '1',
};

const results: { hello: Result[]; webhook: Result[]; observed: Result[]; before: Result[] } = { hello: [], webhook: [], observed: [], before: [] };
await cannon(helloUrl, {}); // warm-up
await cannon(`${plain.url}/api/calendar/webhooks/google`, webhookHeaders);
await cannon(`${observed.url}/api/calendar/webhooks/google`, webhookHeaders);
if (beforeApp) await cannon(`${beforeApp.url}/api/calendar/webhooks/google`, webhookHeaders);
for (let i = 0; i < runs; i++) {
  // Reverse the order every other round, so an order effect counts neither as ratio nor as overhead.
  const round = [
    async () => results.hello.push(await cannon(helloUrl, {})),
    async () => results.webhook.push(await cannon(`${plain.url}/api/calendar/webhooks/google`, webhookHeaders)),
    async () => results.observed.push(await cannon(`${observed.url}/api/calendar/webhooks/google`, webhookHeaders)),
  ];
  if (beforeApp) round.splice(2, 0, async () => results.before.push(await cannon(`${beforeApp.url}/api/calendar/webhooks/google`, webhookHeaders)));
  for (const measure of i % 2 === 0 ? round : round.reverse()) await measure();
}
const summary = (rs: Result[]) => ({
  rps: Math.round(median(rs.map((r) => r.rps))),
  p99: median(rs.map((r) => r.p99)),
  non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
  cpuUs: median(rs.map((r) => r.cpuUs)),
});
const h = summary(results.hello);
const w = summary(results.webhook);
const o = summary(results.observed);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PostgreSQL'}`);
console.log(`runs: ${runs} × ${duration} s, ${connections} connections (medians)`);
console.log(`hello world: ${h.rps} req/s, p99 ${h.p99} ms, ${h.cpuUs.toFixed(1)} µs CPU/request`);
console.log(`webhook:     ${w.rps} req/s, p99 ${w.p99} ms, non-2xx ${w.non2xx}, ${w.cpuUs.toFixed(1)} µs CPU/request`);
const ratios = results.webhook.map((r, i) => (r.rps / results.hello[i].rps) * 100);
console.log(
  `ratio: ${median(ratios).toFixed(1)}% (target >= 50%; median of ${runs} rounds: ${ratios.map((r) => r.toFixed(1)).join(', ')}; ratio of medians ${((w.rps / h.rps) * 100).toFixed(1)}%), p99 ${w.p99} ms (target < 25 ms)`,
);
// Overhead from each round's pair (run back to back), then the median: steadier than a ratio of
// medians on a machine whose speed drifts between rounds.
const paired = results.observed.map((r, i) => (1 - r.rps / results.webhook[i].rps) * 100);
const overhead = median(paired);
if (beforeApp) {
  const b = summary(results.before);
  const beforeRatios = results.before.map((r, i) => (r.rps / results.hello[i].rps) * 100);
  console.log(
    `before (${process.env.BENCH_BEFORE}): ${b.rps} req/s, p99 ${b.p99} ms, non-2xx ${b.non2xx}, ${b.cpuUs.toFixed(1)} µs CPU/request; ratio ${median(beforeRatios).toFixed(1)}% (rounds: ${beforeRatios.map((r) => r.toFixed(1)).join(', ')})`,
  );
}
console.log(`at LOG_LEVEL=info with metrics on: ${o.rps} req/s, p99 ${o.p99} ms, non-2xx ${o.non2xx}; overhead ${overhead.toFixed(1)}% (median of ${runs} paired rounds: ${paired.map((p) => p.toFixed(1)).join(', ')}; target < 10%)`);
await hello.close();
await observed.instance.close();
await beforeApp?.instance.close();
await app.close();
await database.close();
