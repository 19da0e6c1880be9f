// Benchmark: Entra Direct sync at MSP scale. A partner with N customer tenants × M users in the
// Microsoft emulator (its own process, 20 ms latency on every request, identity throttling on with
// Graph's quotas), every tenant mapped to a client, then through the real product (the API app with
// its pg-boss worker, on a fresh database on the machine's PostgreSQL):
//   1. the initial sync, 2. a re-run with no change in Entra (must write no contact).
// Reports wall time, requests (counted by the run and seen by the emulator), 429s, peak RSS of the
// process tree (this process = API + worker; the emulator child) and rows written to contacts and
// entra_contact_links (pg_stat_user_tables n_tup_ins / n_tup_upd deltas).
//
//   npm run bench:entra                                   (500 tenants × 1,000 users)
//   npm run bench:entra -- --tenants 50 --users 1000      (a quick check)
//   options: --latency 20 (ms), --quota N (resource units per 10 s for every app + tenant pair,
//   instead of Graph's 3,500/5,000/8,000), --reruns 1; DATABASE_URL or TEST_DATABASE_URL picks the server.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Test } from 'tap';
import { sql } from 'kysely';
import { startMicrosoftEmulator, type MicrosoftEmulator, type SeededPartner } from '@switchboard/emulators';
import { CLIENT_SECRET, CALLBACK, PUBLIC_URL, connectDirect, entraApp, seedEntraTenant, waitForRun } from '@switchboard/testing/entra';

// The child: the Microsoft emulator alone, driven over HTTP (`/_emulator/*`).
if (process.argv.includes('--emulator-child')) {
  const ms = await startMicrosoftEmulator();
  process.stdout.write(`${JSON.stringify({ url: ms.url })}\n`);
  process.on('SIGTERM', () => void ms.close().then(() => process.exit(0)));
  await new Promise(() => {});
}

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '500' },
    users: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    quota: { type: 'string' },
    reruns: { type: 'string', default: '1' },
  },
});
const TENANTS = Number(values.tenants);
const USERS = Number(values.users);
const LATENCY = Number(values.latency);
process.env.TEST_DATABASE_URL = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const cleanups: (() => unknown)[] = [];
const fakeTest = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as Test;
const MB = 1024 * 1024;
const fmt = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// --- the emulator process -------------------------------------------------------------------
const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--emulator-child'], { stdio: ['ignore', 'pipe', 'inherit'] });
cleanups.push(() => child.kill('SIGTERM'));
const emulatorUrl = await new Promise<string>((resolve, reject) => {
  child.stdout.setEncoding('utf8').once('data', (line: string) => resolve(JSON.parse(line).url));
  child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
});
const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${emulatorUrl}/_emulator${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

// Peak RSS of the tree: both processes sampled together, so the peak is of their sum at one moment.
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const peak = { tree: 0, api: 0, emulator: 0 };
const sampler = setInterval(() => {
  const api = rssOf(process.pid);
  const emulator = child.pid ? rssOf(child.pid) : 0;
  peak.api = Math.max(peak.api, api);
  peak.emulator = Math.max(peak.emulator, emulator);
  peak.tree = Math.max(peak.tree, api + emulator);
}, 200);
cleanups.push(() => clearInterval(sampler));

let t0 = performance.now();
const seeded = await control<{ partnerTenantId: string; admin: { userPrincipalName: string }; app: { clientId: string }; customers: { id: string }[] }>('POST', '/directory/seed-partner', {
  customers: TENANTS,
  usersPerCustomer: USERS,
  seed: 2026,
  partnerName: 'MSP bench',
  app: { clientSecrets: [CLIENT_SECRET], redirectUris: [`${PUBLIC_URL}${CALLBACK}`] },
});
console.log(`seeded ${fmt(TENANTS)} tenants × ${fmt(USERS)} users in ${seconds(performance.now() - t0)}`);
const partner = { partner: { id: seeded.partnerTenantId }, admin: seeded.admin, app: seeded.app } as unknown as SeededPartner;

// --- the product ----------------------------------------------------------------------------
const ctx = await entraApp(fakeTest, { url: emulatorUrl } as MicrosoftEmulator, { env: { LOG_LEVEL: 'warn' } });
const { seeded: psa, admin } = await seedEntraTenant(ctx.app, ctx.db, 'bench');
await connectDirect(admin, partner);

t0 = performance.now();
const discovered = (await admin.request('POST', '/api/integrations/entra/discover')).json();
console.log(`discovery: ${discovered.discovered} tenants in ${seconds(performance.now() - t0)} (no latency yet)`);
const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items as { managedTenantId: string; domains: string[] }[];
const mappings = [];
for (const [i, item] of preview.entries()) {
  const client = (await admin.request('POST', '/api/clients', { name: `Bench client ${i}`, domains: [item.domains[0]] })).json();
  mappings.push({ managedTenantId: item.managedTenantId, action: 'map', clientId: client.id });
}
const mapped = await admin.request('POST', '/api/integrations/entra/mappings', { mappings });
if (mapped.statusCode !== 200) throw new Error(`mappings: ${mapped.statusCode} ${mapped.body}`);

await control('POST', '/latency', { ms: LATENCY });
await control('POST', '/directory/throttling', { enabled: true, quota: values.quota ? Number(values.quota) : null });

// --- the measured runs ----------------------------------------------------------------------
interface Writes {
  contactsIns: number;
  contactsUpd: number;
  linksIns: number;
  linksUpd: number;
}
async function tableWrites(): Promise<Writes> {
  const rows = await sql<{ relname: string; ins: string; upd: string }>`select relname, n_tup_ins as ins, n_tup_upd as upd from pg_stat_user_tables where relname in ('contacts', 'entra_contact_links')`.execute(ctx.db);
  const of = (name: string) => rows.rows.find((r) => r.relname === name) ?? { ins: '0', upd: '0' };
  return { contactsIns: Number(of('contacts').ins), contactsUpd: Number(of('contacts').upd), linksIns: Number(of('entra_contact_links').ins), linksUpd: Number(of('entra_contact_links').upd) };
}
/**
 * Backends hand their counts to the statistics at commit at most once a second, and otherwise once
 * idle for up to 10 s (PGSTAT_IDLE_INTERVAL): wait until the counts have not moved for 12 s.
 */
async function settledWrites(): Promise<Writes> {
  let last = await tableWrites();
  let stableSince = performance.now();
  while (performance.now() - stableSince < 12_000) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = await tableWrites();
    if (JSON.stringify(now) !== JSON.stringify(last)) stableSince = performance.now();
    last = now;
  }
  return last;
}
const requestsSeen = async () => Object.values(await control<Record<string, number>>('GET', '/requests')).reduce((a, b) => a + b, 0);
const throttling = () => control<{ throttled: number; retriedEarly: number }>('GET', '/directory/throttling');

interface Measured {
  label: string;
  status: string;
  wallMs: number;
  runCalls: number;
  emulatorRequests: number;
  throttled: number;
  /** Requests that came back before their 429's Retry-After (should be 0). */
  retriedEarly: number;
  counts: Record<string, number>;
  writes: Writes;
}
const results: Measured[] = [];

async function measure(label: string, scope: 'initial' | 'all'): Promise<Measured> {
  const [writesBefore, requestsBefore, throttledBefore] = [await settledWrites(), await requestsSeen(), await throttling()];
  const start = performance.now();
  const started = await admin.request('POST', '/api/integrations/entra/sync', { scope });
  if (started.statusCode >= 300) throw new Error(`sync: ${started.statusCode} ${started.body}`);
  const run = await waitForRun(admin, started.json().run.id, 6 * 3600_000);
  const wallMs = performance.now() - start;
  const [requestsAfter, throttledAfter, writesAfter] = [await requestsSeen(), await throttling(), await settledWrites()];
  const writes = Object.fromEntries(Object.entries(writesAfter).map(([k, v]) => [k, v - writesBefore[k as keyof Writes]])) as unknown as Writes;
  const result = { label, status: run.status, wallMs, runCalls: run.graphCalls, emulatorRequests: requestsAfter - requestsBefore, throttled: throttledAfter.throttled - throttledBefore.throttled, retriedEarly: throttledAfter.retriedEarly - throttledBefore.retriedEarly, counts: run.counts, writes };
  console.log(`${label}: ${run.status} in ${seconds(wallMs)}; ${fmt(result.runCalls)} requests counted by the run, ${fmt(result.emulatorRequests)} seen by the emulator, ${fmt(result.throttled)} × 429 (${result.retriedEarly} retried before Retry-After); counts ${JSON.stringify(run.counts)}; writes ${JSON.stringify(writes)}`);
  if (run.status !== 'succeeded') console.log(`  failed tenants: ${JSON.stringify(run.tenants.filter((x: { status: string }) => x.status !== 'succeeded').slice(0, 3))}`);
  return result;
}

results.push(await measure('initial sync', 'initial'));
for (let i = 1; i <= Number(values.reruns); i++) results.push(await measure(`no-change re-run ${i}`, 'all'));

const contacts = await ctx.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', psa.tenantId).executeTakeFirstOrThrow();
console.log(`contacts in the PSA: ${fmt(Number(contacts.n))}`);
console.log(`peak RSS: tree ${Math.round(peak.tree / MB)} MB (API + worker ${Math.round(peak.api / MB)} MB, emulator ${Math.round(peak.emulator / MB)} MB); PostgreSQL is the machine's server, outside the tree`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 1024 ** 3)} GB, Node ${process.version}`);
console.log(JSON.stringify({ tenants: TENANTS, users: USERS, latencyMs: LATENCY, quota: values.quota ?? 'graph', results, peakMb: { tree: Math.round(peak.tree / MB), api: Math.round(peak.api / MB), emulator: Math.round(peak.emulator / MB) } }));

for (const fn of cleanups.reverse()) await fn();
process.exit(results.every((r) => r.status === 'succeeded') && results.slice(1).every((r) => r.writes.contactsIns + r.writes.contactsUpd === 0) ? 0 : 1);
