// Benchmark: inbound calendar sync against the Google emulator with 20 ms latency per request.
// 1. Initial sync of a calendar holding 10,000 events (import on, so every event becomes a PSA
//    entry and a mapping): wall time, provider calls, peak RSS of this process (not the embedded
//    PostgreSQL, which runs in processes of its own), against a floor measured in the same run:
//    listing the same pages alone (the provider calls' latency) + bare multi-row inserts of the same
//    entries and mappings into a scratch tenant, one transaction per page. BENCH_REPS rounds
//    alternate floor and sync (the sync state is cleared between rounds); medians are reported.
// 2. Incremental pulls of k = 1, 10, 100 changed events out of those 10,000: provider calls and
//    time, which should grow with k and not with the calendar's size.
//
//   npm run bench:pull                        (embedded database)
//   DATABASE_URL=postgres://… npm run bench:pull
//
// BENCH_EVENTS (10000), BENCH_LATENCY_MS (20), BENCH_REPS (3), BENCH_BACKGROUND (20000). Services
// are called directly (no job queue), so the numbers are the sync engine's own. The emulator runs in this process and holds
// every event: "RSS before" is taken after seeding, so the sync's own memory is the difference; with
// --expose-gc (npm run bench:pull) the heap retained after the sync is compared too.
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Test } from 'tap';
import { sql } from 'kysely';
import { startGoogleEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import { connectCalendar, setupTenant, startCalendarApp } from '@switchboard/testing/calendar';
import { createAdapterFactory } from '../../plugins/calendar-ee/src/services/adapter-factory.js';
import { pullProvider } from '../../plugins/calendar-ee/src/services/pull.js';
import { syncWindow } from '../../plugins/calendar-ee/src/services/sync-run.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 20);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PAGE = 250;
if (process.env.DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;

const cleanups: (() => unknown)[] = [];
const fakeTest = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as Test;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const [google, microsoft] = await Promise.all([startGoogleEmulator({ allowHttpWebhooks: true }), startMicrosoftEmulator({ allowHttpWebhooks: true })]);
cleanups.push(() => google.close(), () => microsoft.close());
const ctx = await startCalendarApp(fakeTest, { google, microsoft }, {});
// The jobs this app would run are not wanted here: the services are measured directly.
await ctx.app.jobs.stop();
const tenant = await setupTenant(ctx, { google, microsoft }, 'bench-pull');
const { providerId } = await connectCalendar(ctx, { google, microsoft }, tenant.tech, tenant.technician.email, 'google');
await ctx.db.updateTable('calendar_providers').set({ import_unmapped: true, status: 'connected' }).where('id', '=', providerId).execute();

const calendarId = tenant.technician.email;
const base = Date.parse('2026-12-01T08:00:00Z');
const ids: string[] = [];
for (let i = 0; i < EVENTS; i++) {
  const start = new Date(base + (i % 2000) * 3600_000 * 3);
  const event = google.insertEvent(calendarId, { summary: `Event ${i}`, start: { dateTime: start.toISOString() }, end: { dateTime: new Date(start.getTime() + 3600_000).toISOString() } });
  ids.push(String(event.id));
}

const provider = await ctx.db.selectFrom('calendar_providers').selectAll().where('id', '=', providerId).executeTakeFirstOrThrow();
const adapterFor = createAdapterFactory({
  db: ctx.db,
  secrets: ctx.app.secrets,
  providerUrls: ctx.app.coreOptions.providerUrls,
  publicUrl: ctx.publicUrl,
  resolveMicrosoft: async () => null,
});
const notifications = { notify: async () => undefined, notifyAdmins: async () => undefined, resolve: async () => undefined };
const calls = () => Object.entries(google.controls.counts()).filter(([k]) => k.includes('/calendar/v3/')).reduce((n, [, v]) => n + v, 0);

const event = (i: number) => {
  const start = new Date(base + (i % 2000) * 3600_000 * 3);
  return { title: `Event ${i}`, start, end: new Date(start.getTime() + 3600_000) };
};

// The floor's scratch tenant: bare inserts of the same entries and mappings, no sync engine; one
// transaction per page of 250, two statements each (rows passed as arrays, as fast as SQL gets).
const scratch = await setupTenant(ctx, { google, microsoft }, 'bench-pull-floor');
const scratchProvider = (await connectCalendar(ctx, { google, microsoft }, scratch.tech, scratch.technician.email, 'google')).providerId;
async function bareInserts() {
  for (let from = 0; from < EVENTS; from += PAGE) {
    const page = Array.from({ length: Math.min(PAGE, EVENTS - from) }, (_, n) => ({ ...event(from + n), id: randomUUID(), externalId: ids[from + n]! }));
    await ctx.db.transaction().execute(async (trx) => {
      await sql`
        insert into schedule_entries (id, tenant_id, title, starts_at, ends_at, time_zone, created_by)
        select id, ${scratch.tenantId}::uuid, 'Floor ' || title, starts_at, ends_at, 'UTC', ${scratch.technician.id}::uuid
        from unnest(${page.map((e) => e.id)}::uuid[], ${page.map((e) => e.title)}::text[], ${page.map((e) => e.start.toISOString())}::timestamptz[],
                    ${page.map((e) => e.end.toISOString())}::timestamptz[]) as v(id, title, starts_at, ends_at)`.execute(trx);
      await sql`
        insert into calendar_event_mappings (tenant_id, provider_id, schedule_entry_id, external_id, etag, content_hash, status)
        select ${scratch.tenantId}::uuid, ${scratchProvider}::uuid, entry, external_id, '"1"', 'x', 'synced'
        from unnest(${page.map((e) => e.id)}::uuid[], ${page.map((e) => e.externalId)}::text[]) as v(entry, external_id)`.execute(trx);
    });
  }
}

// A PSA database in use already holds schedule entries. On an empty table PostgreSQL plans the
// assignees' foreign-key check (cached per connection) as a sequential scan, and every page then
// costs more than the last, whichever path writes them; BENCH_BACKGROUND=0 shows that case.
const BACKGROUND = Number(process.env.BENCH_BACKGROUND ?? 20_000);
for (let from = 0; from < BACKGROUND; from += 5000) {
  const rows = Array.from({ length: Math.min(5000, BACKGROUND - from) }, (_, n) => event(from + n));
  const made = await ctx.db
    .insertInto('schedule_entries')
    .values(rows.map((e) => ({ tenant_id: scratch.tenantId, title: e.title, starts_at: e.start, ends_at: e.end, time_zone: 'UTC', is_all_day: false, created_by: scratch.technician.id })))
    .returning('id')
    .execute();
  await ctx.db.insertInto('schedule_entry_assignees').values(made.map((e) => ({ tenant_id: scratch.tenantId, schedule_entry_id: e.id, user_id: scratch.technician.id }))).execute();
}

/** An initial sync again: no cursor, no mappings, no entries, no events of the last round, no floor rows. */
async function clearSyncState() {
  await ctx.db.deleteFrom('calendar_event_mappings').where('provider_id', '=', scratchProvider).execute();
  await ctx.db.deleteFrom('schedule_entries').where('tenant_id', '=', scratch.tenantId).where('title', 'like', 'Floor %').execute();
  await ctx.db.updateTable('calendar_providers').set({ sync_cursor: null }).where('id', '=', providerId).execute();
  await ctx.db.deleteFrom('calendar_event_mappings').where('provider_id', '=', providerId).execute();
  await ctx.db.deleteFrom('schedule_entries').where('tenant_id', '=', tenant.tenantId).execute();
  await ctx.db.deleteFrom('outbox_events').where('tenant_id', '=', tenant.tenantId).execute();
  await sql`vacuum analyze schedule_entries, schedule_entry_assignees, calendar_event_mappings, outbox_events`.execute(ctx.db);
}

google.controls.setLatency(LATENCY);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rounds: { listMs: number; insertMs: number; syncMs: number }[] = [];
let initial!: Awaited<ReturnType<typeof pullProvider>>;
let initialCalls = 0;
let rssBefore = 0;
let syncPeakRss = 0;
let heapBefore = 0;
let heapAfter = 0;
let t0 = 0;
for (let round = 0; round < REPS; round++) {
  await clearSyncState();
  t0 = performance.now();
  let pages = 0;
  for await (const page of adapterFor(provider).listChanges(null, syncWindow())) pages += page.changes.length > 0 ? 1 : 0;
  const listMs = performance.now() - t0;
  t0 = performance.now();
  await bareInserts();
  const insertMs = performance.now() - t0;

  await clearSyncState();
  global.gc?.();
  heapBefore = process.memoryUsage().heapUsed;
  rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  const before = calls();
  t0 = performance.now();
  initial = await pullProvider(ctx.db, adapterFor(provider), provider, notifications);
  const syncMs = performance.now() - t0;
  syncPeakRss = Math.max(peakRss, process.memoryUsage().rss);
  global.gc?.();
  heapAfter = process.memoryUsage().heapUsed;
  initialCalls = calls() - before;
  rounds.push({ listMs, insertMs, syncMs });
  console.log(`round ${round + 1}: list ${pages} pages ${Math.round(listMs)} ms + bare inserts ${Math.round(insertMs)} ms = floor ${Math.round(listMs + insertMs)} ms; initial sync ${Math.round(syncMs)} ms (${(syncMs / (listMs + insertMs)).toFixed(2)}× floor)`);
}
const entries = (await ctx.db.selectFrom('calendar_event_mappings').select('id').where('provider_id', '=', providerId).execute()).length;

const rows: string[] = [];
for (const k of [1, 10, 100]) {
  for (let i = 0; i < k; i++) google.changeEvent(calendarId, ids[(i * 97) % ids.length], { summary: `Changed ${k}-${i}` });
  const c0 = calls();
  t0 = performance.now();
  const counts = await pullProvider(ctx.db, adapterFor(provider), provider, notifications);
  rows.push(`| ${k} | ${counts.updated} | ${calls() - c0} | ${Math.round(performance.now() - t0)} ms |`);
}
clearInterval(sampler);

const floor = median(rounds.map((r) => r.listMs + r.insertMs));
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PostgreSQL'}; latency ${LATENCY} ms per request`);
console.log(`initial sync of ${EVENTS} events, median of ${REPS}: ${(median(rounds.map((r) => r.syncMs)) / 1000).toFixed(2)} s; floor ${(floor / 1000).toFixed(2)} s (listing ${(median(rounds.map((r) => r.listMs)) / 1000).toFixed(2)} s + bare inserts ${(median(rounds.map((r) => r.insertMs)) / 1000).toFixed(2)} s); sync/floor ${median(rounds.map((r) => r.syncMs / (r.listMs + r.insertMs))).toFixed(2)}×`);
console.log(`last round: ${initialCalls} provider calls, ${initial.imported} imported, ${entries} mappings; RSS before ${Math.round(rssBefore / 2 ** 20)} MB, peak during the sync ${Math.round(syncPeakRss / 2 ** 20)} MB${global.gc ? `; heap after GC before ${Math.round(heapBefore / 2 ** 20)} MB, after ${Math.round(heapAfter / 2 ** 20)} MB` : ''}`);
console.log('| k changed | PSA updates | provider calls | time |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
for (const fn of cleanups.reverse()) await fn();
