// Benchmark (issue 22): the schedule's week view with 1,000 entries against the same view with 50,
// and the dispatch board over the same week, in Debian's chromium driven by playwright-core, on the
// real EE server serving the built web app. For each view and entry count, alternating in every
// round, a fresh browser context (signed in by cookie) loads the page once to fill the HTTP cache,
// then loads it again and measures:
//   - time to interactive: from navigation start to the later of the grid's first paint with
//     `#schedule-grid[data-ready="true"]` and the end of the last long task before BENCH_QUIET_MS
//     without one (Long Tasks API, observed from the first script on);
//   - the longest task and the total blocking time (the part of each long task over 50 ms) until then;
//   - a click on an entry: from the input event to the next frame after its handlers ran;
//   - scrolling `#schedule-grid-scroll` from one end to the other, one step per animation frame:
//     frames over 50 ms and the 95th percentile frame time.
// Prints a table of medians and the median ratio 1,000 / 50. See docs/BENCHMARKS.md.
//
//   npm run build:web && npm run bench:schedule
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:schedule
//
// Environment (all optional): BENCH_ROUNDS (5), BENCH_QUIET_MS (1000), BENCH_JSON=<file> (raw
// samples). The server runs in a child process of this script (`--serve`), so the browser driver
// does not share its event loop; it seeds two tenants, one per entry count, in the current week.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { createClient, createScheduleEntry, createTenant, createUser } from '@switchboard/core';
import { browserOrSkip } from '@switchboard/testing/browser';

const ZONE = 'America/New_York';
const PASSWORD = 'bench password that is long enough';
const COUNTS = [50, 1000] as const;
/** The views measured, by name: the week grid and the dispatch board over the same week. */
const VIEWS = { week: 'view=week', dispatch: 'view=dispatch&period=week' } as const;
const TECHNICIANS = 10;
const READY = '#schedule-grid[data-ready="true"]';
/** Animation frames per scroll from one end of the grid to the other. */
const SCROLL_STEPS = 120;

type EntryInput = Parameters<typeof createScheduleEntry>[3];
interface SeededTenant {
  entries: number;
  email: string;
  monday: string;
}

// ---------------------------------------------------------------------------------------------
// The server (child process): the EE app serving the built web app, with one tenant per count.

/** A small deterministic generator, so every run seeds the same week. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CLIENTS = ['Contoso Dental', 'Fabrikam Logistics', 'Northwind Legal LLP', 'Tailspin Architects', 'Woodgrove Clinic', 'Litware Accounting', 'Adatum Print', 'Proseware Labs'];
const VISITS = ['Quarterly network review', 'Firewall firmware update', 'New starter laptop setup', 'Backup restore test', 'Printer fleet check', 'Microsoft 365 licence review', 'Remote session: VPN issue', 'Server patching window'];
const MINUTES = [15, 30, 30, 45, 60, 60, 60, 90, 90, 120, 120, 180, 240];
const WORK_ITEMS = ['ticket', 'appointment', 'project_task', 'ad_hoc'] as const;

/**
 * `count` entries in the week of `monday`: per hundred, five all-day (one to three days), one series
 * (a daily or Monday-Wednesday-Friday meeting of three technicians), the rest timed between 07:00 and
 * 18:00 for 15 minutes to 4 hours for one of the clients, nine in ten on weekdays, mostly one
 * technician, some two, some none; one in twenty in another time zone than the MSP's.
 */
function weekOfEntries(count: number, monday: DateTime, techIds: string[], clients: { id: string; name: string }[]): EntryInput[] {
  const next = random(count);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  /** Up to n technicians, each once. */
  const technicians = (n: number) => [...new Set(Array.from({ length: n }, () => pick(techIds)))];
  const entries: EntryInput[] = [];
  for (let i = 0; i < count; i++) {
    const client = pick(clients);
    const base = { notes: i % 3 === 0 ? `Call the office manager at ${client.name} on arrival.` : null, workItemId: null, recurrence: null, clientId: null } as const;
    if (i % 100 < 5) {
      const first = monday.plus({ days: Math.floor(next() * 5) });
      entries.push({
        ...base,
        title: pick(['On-call', 'Training day', 'Site survey', 'Vacation']),
        start: first.toISODate()!,
        end: first.plus({ days: 1 + Math.floor(next() * 3) }).toISODate()!,
        timeZone: ZONE,
        allDay: true,
        workItemType: 'ad_hoc',
        assigneeIds: technicians(1),
      });
      continue;
    }
    if (i % 100 === 5) {
      const start = monday.set({ hour: 8 + (i % 3), minute: 30 });
      entries.push({
        ...base,
        title: i % 200 === 5 ? 'Team stand-up' : 'Dispatch sync',
        start: start.toUTC().toISO()!,
        end: start.plus({ minutes: 15 + 15 * (i % 2) }).toUTC().toISO()!,
        timeZone: ZONE,
        allDay: false,
        recurrence: i % 200 === 5 ? 'FREQ=DAILY;COUNT=5' : 'FREQ=WEEKLY;BYDAY=MO,WE,FR',
        workItemType: 'ad_hoc',
        assigneeIds: technicians(3),
      });
      continue;
    }
    const day = next() < 0.9 ? Math.floor(next() * 5) : 5 + Math.floor(next() * 2);
    const start = monday.plus({ days: day }).set({ hour: 7, minute: 15 * Math.floor(next() * 44) });
    const who = next();
    const workItemType = pick(WORK_ITEMS);
    entries.push({
      ...base,
      title: `${pick(VISITS)} — ${client.name}`,
      start: start.toUTC().toISO()!,
      end: start.plus({ minutes: pick(MINUTES) }).toUTC().toISO()!,
      timeZone: next() < 0.05 ? 'Europe/London' : ZONE,
      allDay: false,
      workItemType,
      workItemId: workItemType === 'ticket' ? `T-${20_000 + i}` : null,
      clientId: client.id,
      assigneeIds: technicians(who < 0.08 ? 0 : who < 0.18 ? 2 : 1),
    });
  }
  return entries;
}

/** A copy of the built web app for the run: a `npm run build:web` meanwhile must not change the page under test. */
function webAppSnapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-web-'));
  cpSync(fileURLToPath(new URL('../../apps/web/dist', import.meta.url)), dir, { recursive: true });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve() {
  const { startServer } = await import('@switchboard/testing/browser');
  const server = await startServer('ee', { SWITCHBOARD_WEB_DIST: webAppSnapshot() });
  const monday = DateTime.now().setZone(ZONE).startOf('week');
  const tenants: SeededTenant[] = [];
  for (const count of COUNTS) {
    const email = await server.db.transaction().execute(async (trx) => {
      const { id: tenantId } = await createTenant(trx, `Schedule bench ${count}`);
      const admin = await createUser(trx, tenantId, { email: `dispatch-${count}@bench.test`, displayName: 'Dana Dispatcher', userType: 'internal', password: PASSWORD, roleNames: ['Admin'] });
      const techIds: string[] = [];
      for (let n = 1; n <= TECHNICIANS; n++) {
        const tech = await createUser(trx, tenantId, { email: `tech-${n}-${count}@bench.test`, displayName: `Technician ${n}`, userType: 'internal', password: PASSWORD, roleNames: ['Technician'] });
        techIds.push(tech.id);
      }
      const clients = [];
      for (const name of CLIENTS) clients.push(await createClient(trx, tenantId, { name, domains: [] }));
      for (const input of weekOfEntries(count, monday, techIds, clients)) await createScheduleEntry(trx, tenantId, admin.id, input);
      return admin.email;
    });
    tenants.push({ entries: count, email, monday: monday.toISODate()! });
  }
  process.stdout.write(`${JSON.stringify({ url: server.url, tenants })}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

// ---------------------------------------------------------------------------------------------
// The measurement (this process): chromium against the child's server.

/** Installed before the page's own scripts: long tasks, the grid's ready paint, click latency. */
const PAGE_PROBE = `
window.__bench = { longTasks: [], readyAt: null, readyPaintedAt: null, clicks: [] };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ type: 'longtask', buffered: true });
new MutationObserver(() => {
  if (window.__bench.readyAt !== null || !document.querySelector('${READY}')) return;
  window.__bench.readyAt = performance.now();
  // The frame that shows the ready grid has been produced once a task queued from its rAF runs.
  requestAnimationFrame(() => setTimeout(() => (window.__bench.readyPaintedAt = performance.now())));
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
// Capture phase on the document: runs before React's handlers; the next frame comes after them.
document.addEventListener('click', (event) => {
  const at = event.timeStamp;
  requestAnimationFrame(() => setTimeout(() => window.__bench.clicks.push(performance.now() - at)));
}, true);
// Scrolls the grid down, then across, in SCROLL_STEPS steps of one animation frame each; returns
// the frame times. (Here rather than a function passed to page.evaluate: tsx wraps named inner
// functions in a helper the page does not have.)
window.__bench.scroll = async () => {
  const el = document.querySelector('#schedule-grid-scroll');
  const frames = [];
  if (!el) return frames;
  for (const axis of ['scrollTop', 'scrollLeft']) {
    const distance = axis === 'scrollTop' ? el.scrollHeight - el.clientHeight : el.scrollWidth - el.clientWidth;
    if (distance <= 0) continue;
    el[axis] = 0;
    await new Promise((settled) => requestAnimationFrame(() => requestAnimationFrame(settled)));
    await new Promise((done) => {
      let last = null;
      let step = 0;
      const tick = (now) => {
        if (last !== null) frames.push(now - last);
        last = now;
        if (step === ${SCROLL_STEPS}) return done();
        step++;
        el[axis] = (distance * step) / ${SCROLL_STEPS};
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  }
  return frames;
};
`;

interface BenchWindow {
  __bench: {
    longTasks: { start: number; end: number }[];
    readyAt: number | null;
    readyPaintedAt: number | null;
    clicks: number[];
    scroll(): Promise<number[]>;
  };
}

interface Sample {
  view: keyof typeof VIEWS;
  entries: number;
  round: number;
  tti: number;
  readyPainted: number;
  dataLoaded: number;
  longestTask: number;
  blocking: number;
  click: number;
  frames: number;
  slowFrames: number;
  p95Frame: number;
  rendered: number;
  distinct: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? 0;

async function signInCookies(url: string, email: string) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => {
    const [name, ...value] = c.split(';')[0].split('=');
    return { name, value: value.join('='), url };
  });
}

async function measure(browser: Browser, url: string, tenant: SeededTenant & { cookies: { name: string; value: string; url: string }[] }, view: Sample['view'], round: number, quietMs: number): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: ZONE, locale: 'en-US' });
  try {
    await context.addCookies(tenant.cookies);
    await context.addInitScript(PAGE_PROBE);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const pageUrl = `${url}/schedule?${VIEWS[view]}&date=${tenant.monday}`;
    // The first load fills the HTTP cache; the second is measured.
    await page.goto(pageUrl);
    await page.waitForSelector(READY, { timeout: 120_000 });
    await page.goto(pageUrl);
    await page.waitForSelector(READY, { timeout: 120_000 });
    await page.waitForFunction(
      (quiet) => {
        const b = (window as unknown as BenchWindow).__bench;
        if (b.readyPaintedAt === null) return false;
        const lastEnd = Math.max(b.readyPaintedAt, ...b.longTasks.map((t) => t.end));
        return performance.now() - lastEnd >= quiet;
      },
      quietMs,
      { polling: 100, timeout: 120_000 },
    );
    const load = await page.evaluate(() => {
      const b = (window as unknown as BenchWindow).__bench;
      const tti = Math.max(b.readyPaintedAt!, ...b.longTasks.map((t) => t.end));
      const tasks = b.longTasks.filter((t) => t.start < tti).map((t) => t.end - t.start);
      const lists = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/schedule-entries'));
      const ids = [...document.querySelectorAll('[data-entry-id]')].map((el) => el.getAttribute('data-entry-id'));
      return {
        tti,
        readyPainted: b.readyPaintedAt!,
        dataLoaded: Math.max(0, ...lists.map((r) => (r as PerformanceResourceTiming).responseEnd)),
        longestTask: Math.max(0, ...tasks),
        blocking: tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
        rendered: ids.length,
        distinct: new Set(ids).size,
      };
    });
    const frames = await page.evaluate(() => (window as unknown as BenchWindow).__bench.scroll());
    await page.locator('#schedule-grid [data-entry-id]').first().click();
    await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.clicks.length > 0);
    const click = await page.evaluate(() => (window as unknown as BenchWindow).__bench.clicks[0]);
    if (errors.length) console.warn(`${view} ${tenant.entries}: page errors: ${errors.join('; ')}`);
    return { view, entries: tenant.entries, round, ...load, click, frames: frames.length, slowFrames: frames.filter((f) => f > 50).length, p95Frame: percentile(frames, 95) };
  } finally {
    await context.close();
  }
}

function printTable(samples: Sample[]) {
  const ms = (n: number) => n.toFixed(0);
  console.log('\n| view | entries | time to interactive ms (median) | rounds | grid painted ms | entries loaded ms | longest task ms | blocking ms | click → frame ms | scroll frames > 50 ms | p95 frame ms | elements (distinct entries) |');
  console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const view of Object.keys(VIEWS) as Sample['view'][]) {
    for (const entries of COUNTS) {
      const s = samples.filter((x) => x.view === view && x.entries === entries);
      const m = (pick: (x: Sample) => number) => median(s.map(pick));
      console.log(
        `| ${view} | ${entries} | **${ms(m((x) => x.tti))}** | ${s.map((x) => ms(x.tti)).join(', ')} | ${ms(m((x) => x.readyPainted))} | ${ms(m((x) => x.dataLoaded))} | ${ms(m((x) => x.longestTask))} | ${ms(m((x) => x.blocking))} | ${ms(m((x) => x.click))} | ${m((x) => x.slowFrames)} of ${m((x) => x.frames)} | ${m((x) => x.p95Frame).toFixed(1)} | ${m((x) => x.rendered)} (${m((x) => x.distinct)}) |`,
      );
    }
  }
  for (const view of Object.keys(VIEWS) as Sample['view'][]) {
    const of = (entries: number) => samples.filter((x) => x.view === view && x.entries === entries).sort((a, b) => a.round - b.round);
    const ratios = of(1000).map((big, i) => big.tti / of(50)[i].tti);
    const ofMedians = median(of(1000).map((x) => x.tti)) / median(of(50).map((x) => x.tti));
    console.log(`\n${view}: time to interactive 1,000 / 50, median of the rounds' ratios **${median(ratios).toFixed(2)}×** (${ratios.map((r) => r.toFixed(2)).join(', ')}); ratio of the medians ${ofMedians.toFixed(2)}× (target ≤ 1.5×)`);
  }
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const quietMs = Number(process.env.BENCH_QUIET_MS ?? 1000);
  const cleanups: (() => unknown)[] = [];
  const fakeTest = { teardown: (fn: () => unknown) => cleanups.push(fn), plan: (_n: number, why: string) => console.error(why) } as unknown as Test;
  const browser = await browserOrSkip(fakeTest);
  if (!browser) process.exit(1);
  try {
    if (process.env.DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    cleanups.push(() => new Promise((exited) => (child.exitCode === null ? (child.once('exit', exited), child.kill('SIGTERM')) : exited(null))));
    const started = Date.now();
    const server = await new Promise<{ url: string; tenants: SeededTenant[] }>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('{"url"')) resolve(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready`)));
    });
    console.log(`Server on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'the embedded PostgreSQL'}, seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${server.tenants.map((t) => `${t.entries} entries`).join(', ')} in the week of ${server.tenants[0].monday}, ${TECHNICIANS} technicians`);
    const tenants = await Promise.all(server.tenants.map(async (t) => ({ ...t, cookies: await signInCookies(server.url, t.email) })));
    const samples: Sample[] = [];
    const loads: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      // The order flips every round, so drift on a shared machine weighs on both counts alike.
      const order = round % 2 ? tenants : [...tenants].reverse();
      for (const view of Object.keys(VIEWS) as Sample['view'][]) {
        for (const tenant of order) {
          const sample = await measure(browser, server.url, tenant, view, round, quietMs);
          samples.push(sample);
          loads.push(loadavg()[0]);
          console.log(`round ${round} ${view} ${tenant.entries}: interactive ${sample.tti.toFixed(0)} ms, longest task ${sample.longestTask.toFixed(0)} ms, scroll ${sample.slowFrames}/${sample.frames} frames > 50 ms, ${sample.rendered} elements showing ${sample.distinct} of the ${tenant.entries} entries`);
        }
      }
    }
    console.log(`\n${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, chromium ${browser.version()}; ${rounds} rounds, quiet window ${quietMs} ms; 1-minute load average during the run ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
    printTable(samples);
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(samples, null, 2));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
