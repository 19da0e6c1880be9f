// Benchmark: inbound calendar sync against the Google emulator with 20 ms latency per request.
// 1. Initial sync of a calendar holding 10,000 events (import on, so every event becomes a PSA
//    entry and a mapping): wall time, provider calls, peak RSS of this process (not the embedded
//    PostgreSQL, which runs in processes of its own).
// 2. Incremental pulls of k = 1, 10, 100 changed events out of those 10,000: provider calls and
//    time, which should grow with k and not with the calendar's size.
//
//   npm run bench:pull                        (embedded database)
//   DATABASE_URL=postgres://… npm run bench:pull
//
// BENCH_EVENTS (10000), BENCH_LATENCY_MS (20). Services are called directly (no job queue), so
// the numbers are the sync engine's own.
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Test } from 'tap';
import { startGoogleEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import { connectCalendar, setupTenant, startCalendarApp } from '@switchboard/testing/calendar';
import { createAdapterFactory } from '../../plugins/calendar-ee/src/services/adapter-factory.js';
import { pullProvider } from '../../plugins/calendar-ee/src/services/pull.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 20);
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

google.controls.setLatency(LATENCY);
const before = calls();
let t0 = performance.now();
const initial = await pullProvider(ctx.db, adapterFor(provider), provider, notifications);
const initialMs = performance.now() - t0;
const initialCalls = calls() - before;
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

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PostgreSQL'}; latency ${LATENCY} ms per request`);
console.log(`initial sync of ${EVENTS} events: ${(initialMs / 1000).toFixed(1)} s, ${initialCalls} provider calls, ${initial.imported} imported, ${entries} mappings, peak RSS of this process ${Math.round(peakRss / 2 ** 20)} MB`);
console.log('| k changed | PSA updates | provider calls | time |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
for (const fn of cleanups.reverse()) await fn();
