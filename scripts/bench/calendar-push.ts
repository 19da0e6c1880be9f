// Benchmark: outbound calendar sync. One technician with one connected calendar (Google, then
// Microsoft), 1,000 schedule entry changes (400 creates, 400 updates of those entries, 200 deletes),
// each through core's service in its own transaction as the API would, with 20 ms of emulated
// provider latency. Reports provider API calls per change (target 1.0) and the wall time until every
// change reached the calendar, beside the ideal that the 4-concurrent-requests-per-mailbox bound
// allows (changes × latency / 4). See docs/BENCHMARKS.md for the latest numbers.
//
//   npm run bench:calendar
//
// Environment (all optional):
//   BENCH_RUNS=3              runs per provider (medians are reported)
//   BENCH_LATENCY_MS=20       emulated latency of every provider request
//   BENCH_PROVIDERS=google,microsoft
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
//                             run on PostgreSQL: a fresh database is created next to this one for
//                             each run and dropped afterwards (default: the embedded PostgreSQL)
//   BENCH_JSON=<file>         also write every run's raw results as JSON
//
// Exits non-zero when the calendar does not end in the expected state (200 live events with the
// updated titles, nothing duplicated, no mapping in error), never on a missed target.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '@switchboard/testing';
import { createScheduleEntry, deleteScheduleEntry, updateScheduleEntry } from '@switchboard/core';
import { startGoogleEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import { connectCalendar, eventually, PUBLIC_URL, setupTenant, type CalendarTenant, type Emulators } from '@switchboard/testing/calendar';

type Provider = 'google' | 'microsoft';
type Phase = 'create' | 'update' | 'delete';

const env = process.env;
const positive = (name: string, fallback: number) => {
  const n = env[name] ? Number(env[name]) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${env[name]}"`);
  return n;
};
const RUNS = Math.round(positive('BENCH_RUNS', 3));
const LATENCY_MS = positive('BENCH_LATENCY_MS', 20);
const PROVIDERS = (env.BENCH_PROVIDERS || 'google,microsoft').split(',').map((s) => s.trim()) as Provider[];
for (const p of PROVIDERS) if (p !== 'google' && p !== 'microsoft') throw new Error(`BENCH_PROVIDERS: unknown provider "${p}"`);
// createTestDatabase makes a fresh database next to TEST_DATABASE_URL (and drops it on close).
if (env.DATABASE_URL) env.TEST_DATABASE_URL = env.DATABASE_URL;
const DATABASE = env.DATABASE_URL ? 'PostgreSQL' : 'embedded PostgreSQL';

const COUNTS: Record<Phase, number> = { create: 400, update: 400, delete: 200 };
/** Graph allows 4 concurrent requests per mailbox; the push jobs run 4 at a time as well. */
const MAILBOX_CONCURRENCY = 4;
const SETTLE_TIMEOUT_MS = 10 * 60_000;

/**
 * Requests that push an entry: create (POST to an events collection) and read/update/delete of one
 * event (Google `.../events/:eventId`, Graph `/me/events/:id`). Listing, delta, watch channels and
 * subscriptions are the pull side and are reported as `other`; token requests separately.
 */
const isPush = (key: string) => /^POST \/.*\/events$/.test(key) || /^[A-Z]+ \/.*\/events\/:[A-Za-z]+$/.test(key);
const isToken = (key: string) => /^POST \/(token|[^/]+\/oauth2\/v2\.0\/token)$/.test(key);

interface PhaseResult {
  changes: number;
  /** Time to commit the changes themselves (the producer side). */
  issueMs: number;
  /** From the first change to the last one reaching the calendar. */
  wallMs: number;
  idealMs: number;
  /** Push requests (see isPush): the calls the target counts. */
  apiCalls: number;
  tokenCalls: number;
  /** Any other provider request in the phase (pull, watch channels), should the sweep run. */
  otherCalls: number;
  byEndpoint: Record<string, number>;
}
type RunResult = Record<Phase, PhaseResult> & { total: PhaseResult };

function diff(before: Record<string, number>, after: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(after)) if (n - (before[key] ?? 0) > 0) out[key] = n - (before[key] ?? 0);
  return out;
}

function summarize(changes: number, issueMs: number, wallMs: number, byEndpoint: Record<string, number>): PhaseResult {
  const sum = (pred: (k: string) => boolean) => Object.entries(byEndpoint).reduce((acc, [k, n]) => acc + (pred(k) ? n : 0), 0);
  return {
    changes,
    issueMs,
    wallMs,
    idealMs: (changes * LATENCY_MS) / MAILBOX_CONCURRENCY,
    apiCalls: sum(isPush),
    tokenCalls: sum(isToken),
    otherCalls: sum((k) => !isPush(k) && !isToken(k)),
    byEndpoint,
  };
}

async function runOnce(provider: Provider, run: number): Promise<RunResult> {
  // Loopback mode on both sides: the app opens its watch channels on an http PUBLIC_URL, as before.
  const [google, microsoft] = await Promise.all([startGoogleEmulator({ allowHttpWebhooks: true }), startMicrosoftEmulator({ allowHttpWebhooks: true })]);
  const emulators: Emulators = { google, microsoft };
  let ctx: TestApp | undefined;
  try {
    ctx = await buildTestApp({
      edition: 'ee',
      runWorkers: true,
      env: { PUBLIC_URL, SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: 'true', LOG_LEVEL: 'warn', MICROSOFT_LOGIN_URL: microsoft.url, MICROSOFT_GRAPH_URL: microsoft.url, GOOGLE_ACCOUNTS_URL: google.url, GOOGLE_OAUTH2_URL: google.url, GOOGLE_API_URL: google.url },
    });
    const { db } = ctx;
    const tenant = await setupTenant(ctx, emulators, `bench-${provider}-${run}`);
    const connected = await connectCalendar(ctx, emulators, tenant.tech, tenant.technician.email, provider);
    if (connected.location !== `/profile?tab=calendar&connected=${provider}`) throw new Error(`connecting ${provider} failed: ${connected.location}`);
    // The post-connect sync (and its watch channel) runs first; the measured changes start on a quiet
    // connection. The periodic sweep may still run during a phase: its calls are counted as `other`.
    await eventually(async () => (await db.selectFrom('calendar_providers').select('last_sync_at').where('id', '=', connected.providerId).executeTakeFirst())?.last_sync_at, 60_000);
    await eventually(async () => {
      const { rows } = await sql<{ n: string }>`select count(*) as n from pgboss.job where name like 'calendar.%' and name <> 'calendar.sweep' and state in ('created', 'retry', 'active')`.execute(db);
      return Number(rows[0].n) === 0;
    }, 60_000);
    const emulator = provider === 'google' ? google : microsoft;
    emulator.controls.setLatency(LATENCY_MS);

    const mappings = () => db.selectFrom('calendar_event_mappings').where('provider_id', '=', connected.providerId);
    /** Polls until `done` says every change of the phase reached the calendar; fails on a mapping in error. */
    const settle = async (done: () => Promise<boolean>) => {
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      for (;;) {
        if (await done()) return performance.now();
        const bad = await mappings().select(['status', 'last_error']).where('status', 'in', ['error', 'conflict']).executeTakeFirst();
        if (bad) throw new Error(`a mapping ended in ${bad.status}: ${bad.last_error}`);
        if (Date.now() > deadline) throw new Error('the changes did not settle in time');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const count = async (filter?: (q: ReturnType<typeof mappings>) => ReturnType<typeof mappings>) =>
      Number((await (filter ? filter(mappings()) : mappings()).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

    const phases = {} as Record<Phase, PhaseResult>;
    const entryIds: string[] = [];
    const measure = async (phase: Phase, change: (i: number) => Promise<void>, done: () => Promise<boolean>) => {
      const before = emulator.controls.counts();
      const start = performance.now();
      for (let i = 0; i < COUNTS[phase]; i++) await change(i);
      const issued = performance.now();
      const end = await settle(done);
      phases[phase] = summarize(COUNTS[phase], issued - start, end - start, diff(before, emulator.controls.counts()));
    };

    await measure(
      'create',
      async (i) => {
        const day = String((i % 28) + 1).padStart(2, '0');
        const entry = await db.transaction().execute((trx) =>
          createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, {
            title: `Visit ${i}`,
            notes: null,
            start: `2027-02-${day}T14:00:00.000Z`,
            end: `2027-02-${day}T15:00:00.000Z`,
            timeZone: 'America/New_York',
            allDay: false,
            recurrence: null,
            assigneeIds: [tenant.technician.id],
            workItemType: 'ad_hoc',
          } as Parameters<typeof createScheduleEntry>[3]),
        );
        entryIds.push(entry.id);
      },
      async () => (await count((q) => q.where('status', '=', 'synced'))) === COUNTS.create,
    );
    // A push that ran before an update committed leaves last_synced_at alone ('unchanged'), so a
    // mapping synced after this instant carries the update.
    const updatesFrom = (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0].now;
    await measure(
      'update',
      async (i) => {
        const day = String((i % 28) + 1).padStart(2, '0');
        await db.transaction().execute((trx) =>
          updateScheduleEntry(trx, tenant.tenantId, tenant.admin.id, entryIds[i], { title: `Visit ${i} (moved)`, start: `2027-02-${day}T16:00:00.000Z`, end: `2027-02-${day}T17:30:00.000Z` }),
        );
      },
      async () => (await count((q) => q.where('status', '=', 'synced').where('last_synced_at', '>=', updatesFrom))) === COUNTS.update,
    );
    await measure(
      'delete',
      async (i) => {
        await db.transaction().execute((trx) => deleteScheduleEntry(trx, tenant.tenantId, tenant.admin.id, entryIds[i]));
      },
      async () => (await count()) === COUNTS.create - COUNTS.delete,
    );
    checkCalendar(provider, emulators, tenant);

    const all = Object.values(phases);
    const byEndpoint: Record<string, number> = {};
    for (const p of all) for (const [k, n] of Object.entries(p.byEndpoint)) byEndpoint[k] = (byEndpoint[k] ?? 0) + n;
    const total = summarize(
      all.reduce((a, p) => a + p.changes, 0),
      all.reduce((a, p) => a + p.issueMs, 0),
      all.reduce((a, p) => a + p.wallMs, 0),
      byEndpoint,
    );
    return { ...phases, total };
  } finally {
    await ctx?.close();
    await Promise.all([google.close(), microsoft.close()]);
  }
}

/** The calendar holds exactly the 200 surviving entries, updated, each once. */
function checkCalendar(provider: Provider, emulators: Emulators, tenant: CalendarTenant) {
  const expected = COUNTS.create - COUNTS.delete;
  const titles =
    provider === 'google'
      ? emulators.google.events(tenant.technician.email).filter((e) => e.status !== 'cancelled').map((e) => String((e as { summary?: string }).summary))
      : [...emulators.microsoft.calendar.mailbox(tenant.microsoft.tenantId, tenant.microsoft.userId).events.values()].map((e) => String(e.subject));
  const moved = titles.filter((t) => t.endsWith('(moved)'));
  if (titles.length !== expected || moved.length !== expected || new Set(titles).size !== expected) {
    throw new Error(`${provider}: expected ${expected} distinct updated events, found ${titles.length} (${moved.length} updated, ${new Set(titles).size} distinct)`);
  }
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmtMs = (ms: number) => (ms / 1000).toFixed(2);

async function main() {
  console.log(`calendar-push: ${RUNS} run(s) per provider, ${LATENCY_MS} ms latency, ${DATABASE}`);
  console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`);
  const raw: Record<string, RunResult[]> = {};
  for (const provider of PROVIDERS) {
    raw[provider] = [];
    for (let run = 1; run <= RUNS; run++) {
      const result = await runOnce(provider, run);
      raw[provider].push(result);
      const t = result.total;
      console.log(`${provider} run ${run}: ${fmtMs(t.wallMs)} s wall (ideal ${fmtMs(t.idealMs)} s), ${t.apiCalls} push calls, ${t.otherCalls} other calls, ${t.tokenCalls} token calls`);
      for (const phase of ['create', 'update', 'delete'] as const) console.log(`  ${phase}: ${JSON.stringify(result[phase].byEndpoint)}`);
    }
  }

  console.log(`\n| provider | change | changes | push calls per change (median) | target | met | other calls | token calls | wall s (median) | range | committing the changes s | ideal s | wall / ideal |`);
  console.log('|---|---|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const provider of PROVIDERS) {
    for (const phase of ['create', 'update', 'delete', 'total'] as const) {
      const runs = raw[provider].map((r) => r[phase]);
      const perChange = median(runs.map((r) => r.apiCalls / r.changes));
      const wall = median(runs.map((r) => r.wallMs));
      const range = `${fmtMs(Math.min(...runs.map((r) => r.wallMs)))}–${fmtMs(Math.max(...runs.map((r) => r.wallMs)))}`;
      const ideal = runs[0].idealMs;
      const met = phase === 'total' ? '–' : perChange <= 1.0 ? 'yes' : 'no';
      console.log(
        `| ${provider} | ${phase} | ${runs[0].changes} | ${perChange.toFixed(3)} | ${phase === 'total' ? '–' : '1.0'} | ${met} | ${median(runs.map((r) => r.otherCalls))} | ${median(runs.map((r) => r.tokenCalls))} | ${fmtMs(wall)} | ${range} | ${fmtMs(median(runs.map((r) => r.issueMs)))} | ${fmtMs(ideal)} | ${(wall / ideal).toFixed(1)}× |`,
      );
    }
  }
  if (env.BENCH_JSON) writeFileSync(env.BENCH_JSON, JSON.stringify({ latencyMs: LATENCY_MS, database: DATABASE, runs: raw }, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
