// Benchmark: outbound calendar sync. One technician with one connected calendar (Google, then
// Microsoft), 1,000 schedule entry changes (400 creates, 400 updates of those entries, 200 deletes),
// each through core's service in its own transaction as the API would, with 20 ms of emulated
// provider latency. Reports provider HTTP calls per change (Google target 1.0; Microsoft sends its
// pushes as $batch, target ≤ 0.3) and the time until every change reached the calendar, beside the
// ideal at the 4-concurrent-requests-per-mailbox bound (see `ideal` below). See docs/BENCHMARKS.md.
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
//   BENCH_CHANGES=1000        changes per run (40 % creates, 40 % updates, 20 % deletes)
//   BENCH_MODE=overlapped     overlapped: pushes run while the changes are committed (the time
//                             includes the commits); separate: the push queue is paused while a
//                             phase's changes are committed and its jobs enqueued, then resumed and
//                             timed alone (push time without the PSA writes)
//
// Exits non-zero when the calendar does not end in the expected state (200 live events with the
// updated titles, nothing duplicated, no mapping in error), never on a missed target.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '@switchboard/testing';
import { createScheduleEntry, deleteScheduleEntry, updateScheduleEntry } from '@switchboard/core';
import { BATCH_MEMBER_KEY, startGoogleEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
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

const CHANGES = Math.round(positive('BENCH_CHANGES', 1000));
const COUNTS: Record<Phase, number> = { create: Math.round(CHANGES * 0.4), update: Math.round(CHANGES * 0.4), delete: CHANGES - 2 * Math.round(CHANGES * 0.4) };
const MODE = env.BENCH_MODE || 'overlapped';
if (MODE !== 'overlapped' && MODE !== 'separate') throw new Error(`BENCH_MODE: overlapped or separate, got "${MODE}"`);
const PUSH_JOB = 'calendar.push-entry';
/** Graph allows 4 concurrent requests per mailbox; the push jobs run 4 at a time as well. */
const MAILBOX_CONCURRENCY = 4;
/** Graph's limit on requests per $batch; the emulator runs 4 of a batch's requests at a time. */
const GRAPH_BATCH = 20;
const SETTLE_TIMEOUT_MS = 60 * 60_000;

/**
 * The fastest the provider allows for `changes` single-request pushes at 4 concurrent requests per
 * mailbox. Google: changes × latency / 4. Graph with $batch: one batch travels per mailbox at a
 * time (a second one would exceed the 4 concurrent requests), and costs its own round trip plus
 * ⌈20 / 4⌉ rounds of members, so ⌈changes / 20⌉ × (1 + 5) × latency (6.0 s for 1,000 at 20 ms,
 * against 5.0 s for single requests, for 20× fewer HTTP calls).
 */
const ideal = (provider: Provider, changes: number) =>
  provider === 'microsoft' ? Math.ceil(changes / GRAPH_BATCH) * (1 + Math.ceil(GRAPH_BATCH / MAILBOX_CONCURRENCY)) * LATENCY_MS : (changes * LATENCY_MS) / MAILBOX_CONCURRENCY;

/**
 * Requests that push an entry: create (POST to an events collection) and read/update/delete of one
 * event (Google `.../events/:eventId`, Graph `/me/events/:id`). Listing, delta, watch channels and
 * subscriptions are the pull side and are reported as `other`; token requests separately.
 */
const isPush = (key: string) => /^POST \/.*\/events$/.test(key) || /^[A-Z]+ \/.*\/events\/:[A-Za-z]+$/.test(key) || key === BATCH;
/** The Graph emulator counts a batch's members under their routes too, and under BATCH_MEMBER_KEY. */
const BATCH = 'POST /v1.0/$batch';
const isToken = (key: string) => /^POST \/(token|[^/]+\/oauth2\/v2\.0\/token)$/.test(key);

interface PhaseResult {
  changes: number;
  /** Time to commit the changes themselves (the producer side). */
  issueMs: number;
  /** From the first change to the last one reaching the calendar. */
  wallMs: number;
  idealMs: number;
  /** Push HTTP calls (see isPush; a $batch is one, its members are not): the calls the target counts. */
  apiCalls: number;
  /** Single-event requests run by the provider (a batch's members each, retries included). */
  requests: number;
  batches: number;
  tokenCalls: number;
  /** Any other provider request in the phase (pull, watch channels), should the sweep run. */
  otherCalls: number;
  byEndpoint: Record<string, number>;
  /** This process's peak RSS (app, emulators and their stores; the database is another process). */
  peakRssMb: number;
}
type RunResult = Record<Phase, PhaseResult> & { total: PhaseResult };

function diff(before: Record<string, number>, after: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(after)) if (n - (before[key] ?? 0) > 0) out[key] = n - (before[key] ?? 0);
  return out;
}

function summarize(provider: Provider, changes: number, issueMs: number, wallMs: number, byEndpoint: Record<string, number>, peakRssMb: number): PhaseResult {
  const sum = (pred: (k: string) => boolean) => Object.entries(byEndpoint).reduce((acc, [k, n]) => acc + (pred(k) ? n : 0), 0);
  const members = byEndpoint[BATCH_MEMBER_KEY] ?? 0;
  const batches = byEndpoint[BATCH] ?? 0;
  return {
    changes,
    issueMs,
    wallMs,
    idealMs: ideal(provider, changes),
    apiCalls: sum(isPush) - members,
    requests: sum(isPush) - batches,
    batches,
    tokenCalls: sum(isToken),
    otherCalls: sum((k) => !isPush(k) && !isToken(k) && k !== BATCH_MEMBER_KEY),
    byEndpoint,
    peakRssMb,
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
    const jobs = ctx.app.jobs;
    const queued = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from pgboss.job where name = ${PUSH_JOB} and state = 'created'`.execute(db)).rows[0].n);
    const measure = async (phase: Phase, change: (i: number) => Promise<void>, done: () => Promise<boolean>) => {
      const before = emulator.controls.counts();
      if (MODE === 'separate') await jobs.pause(PUSH_JOB);
      const issueStart = performance.now();
      for (let i = 0; i < COUNTS[phase]; i++) await change(i);
      const issued = performance.now();
      let start = issueStart;
      if (MODE === 'separate') {
        // Every change's job is enqueued (by the outbox relay), none has run: time the pushes alone.
        await eventually(async () => (await queued()) >= COUNTS[phase], SETTLE_TIMEOUT_MS);
        start = performance.now();
        await jobs.resume(PUSH_JOB);
      }
      const end = await settle(done);
      phases[phase] = summarize(provider, COUNTS[phase], issued - issueStart, end - start, diff(before, emulator.controls.counts()), peakRssMb());
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
      provider,
      all.reduce((a, p) => a + p.changes, 0),
      all.reduce((a, p) => a + p.issueMs, 0),
      all.reduce((a, p) => a + p.wallMs, 0),
      byEndpoint,
      Math.max(...all.map((p) => p.peakRssMb)),
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

/** The process's peak RSS so far (the kernel's high-water mark), in MB. */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmtMs = (ms: number) => (ms / 1000).toFixed(2);

async function main() {
  console.log(`calendar-push: ${RUNS} run(s) per provider, ${CHANGES} changes, ${LATENCY_MS} ms latency, ${DATABASE}, mode ${MODE}`);
  console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`);
  const raw: Record<string, RunResult[]> = {};
  for (const provider of PROVIDERS) {
    raw[provider] = [];
    for (let run = 1; run <= RUNS; run++) {
      const result = await runOnce(provider, run);
      raw[provider].push(result);
      const t = result.total;
      console.log(`${provider} run ${run}: ${fmtMs(t.wallMs)} s (ideal ${fmtMs(t.idealMs)} s), ${t.apiCalls} push calls (${t.batches} batches, ${t.requests} requests), ${t.otherCalls} other calls, ${t.tokenCalls} token calls, peak RSS ${t.peakRssMb} MB`);
      for (const phase of ['create', 'update', 'delete'] as const) console.log(`  ${phase}: ${JSON.stringify(result[phase].byEndpoint)}`);
    }
  }

  const target = (provider: Provider) => (provider === 'microsoft' ? 0.3 : 1.0);
  console.log(`\nmode: ${MODE} (${MODE === 'separate' ? 'time = the pushes alone, after the changes were committed' : 'time = from the first change committed to the last one in the calendar'})`);
  console.log(`| provider | change | changes | HTTP calls per change (median) | target | met | batches | requests per change | other calls | token calls | time s (median) | range | committing the changes s | ideal s | time / ideal | peak RSS MB |`);
  console.log('|---|---|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const provider of PROVIDERS) {
    for (const phase of ['create', 'update', 'delete', 'total'] as const) {
      const runs = raw[provider].map((r) => r[phase]);
      const perChange = median(runs.map((r) => r.apiCalls / r.changes));
      const wall = median(runs.map((r) => r.wallMs));
      const range = `${fmtMs(Math.min(...runs.map((r) => r.wallMs)))}–${fmtMs(Math.max(...runs.map((r) => r.wallMs)))}`;
      const ideal = runs[0].idealMs;
      const met = perChange <= target(provider) ? 'yes' : 'no';
      console.log(
        `| ${provider} | ${phase} | ${runs[0].changes} | ${perChange.toFixed(3)} | ${target(provider)} | ${met} | ${median(runs.map((r) => r.batches))} | ${median(runs.map((r) => r.requests / r.changes)).toFixed(3)} | ${median(runs.map((r) => r.otherCalls))} | ${median(runs.map((r) => r.tokenCalls))} | ${fmtMs(wall)} | ${range} | ${fmtMs(median(runs.map((r) => r.issueMs)))} | ${fmtMs(ideal)} | ${(wall / ideal).toFixed(2)}× | ${Math.max(...runs.map((r) => r.peakRssMb))} |`,
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
