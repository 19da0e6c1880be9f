// The schedule screenshots in docs/screenshots/ (issue 22): a demo MSP's week in the week, day and
// dispatch views, at 1440×900, taken in Debian's chromium against the real EE server serving the
// built web app. Two technicians' Google calendars are connected through the emulator and their
// entries pushed, so the sync badges are real; one change is left waiting to show a pending badge.
// The browser's clock is fixed (Wednesday 13 January 2027, 10:40 in New York), so the pictures only
// change when the page does.
//
//   npm run build:web && npm run docs:screenshots
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { DateTime } from 'luxon';
import { createClient, createScheduleEntry, createTenant, createUser, updateScheduleEntry } from '@switchboard/core';
import { startGoogleEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import { signIn } from '@switchboard/testing';
import { browserOrSkip, eventually, startServer } from '@switchboard/testing/browser';
import { connectCalendar } from '@switchboard/testing/calendar';
import { PUSH_JOB } from '../../plugins/calendar-ee/src/services/calendar-jobs.js';

const OUT = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));
const ZONE = 'America/New_York';
const NOW = DateTime.fromISO('2027-01-13T10:40', { zone: ZONE });
const MONDAY = NOW.startOf('week');
const PASSWORD = 'screenshots password that is long enough';
const GOOGLE = { clientId: 'switchboard-screenshots.apps.googleusercontent.com', clientSecret: 'GOCSPX-screenshots-secret' };

const DISPATCHER = { email: 'dana@northpoint-it.example', displayName: 'Dana Whitfield' };
const TECHNICIANS = {
  alex: 'Alex Morgan',
  sam: 'Sam Patel',
  jo: 'Jo Becker',
  priya: 'Priya Nair',
  marcus: 'Marcus Lee',
  elena: 'Elena Duarte',
} as const;
type Tech = keyof typeof TECHNICIANS;
const emailOf = (tech: Tech) => `${tech}@northpoint-it.example`;
const CLIENTS = ['Contoso Dental', 'Fabrikam Logistics', 'Northwind Legal LLP', 'Tailspin Architects', 'Woodgrove Clinic'] as const;
type ClientName = (typeof CLIENTS)[number];

interface DemoEntry {
  day: number;
  /** `HH:mm` in New York, or absent for an all-day entry of `days` days. */
  at?: string;
  minutes?: number;
  days?: number;
  title: string;
  client?: ClientName;
  techs: Tech[];
  zone?: string;
  recurrence?: string;
  ticket?: string;
}

// A believable week: on-site visits, remote sessions, a recurring stand-up, all-day entries, one
// technician booked twice on Wednesday afternoon, three jobs nobody has taken yet.
const WEEK: DemoEntry[] = [
  { day: 0, at: '08:30', minutes: 15, title: 'Team stand-up', techs: ['alex', 'sam', 'jo', 'priya', 'marcus', 'elena'], recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
  { day: 1, at: '16:00', minutes: 30, title: 'Patch Tuesday review', techs: ['alex', 'marcus'], recurrence: 'FREQ=WEEKLY;BYDAY=TU' },
  { day: 0, days: 3, title: 'On call', techs: ['jo'] },
  { day: 3, days: 2, title: 'Vacation', techs: ['elena'] },
  { day: 0, at: '09:00', minutes: 120, title: 'On-site: quarterly network review', client: 'Contoso Dental', techs: ['alex'] },
  { day: 0, at: '10:00', minutes: 30, title: 'Remote: Outlook profile reset', client: 'Northwind Legal LLP', techs: ['sam'], ticket: 'T-4790' },
  { day: 0, at: '11:30', minutes: 90, title: 'New starter laptop setup', client: 'Tailspin Architects', techs: ['priya'] },
  { day: 0, at: '13:00', minutes: 180, title: 'On-site: server patching window', client: 'Fabrikam Logistics', techs: ['marcus'] },
  { day: 0, at: '14:00', minutes: 60, title: 'Backup restore test', client: 'Woodgrove Clinic', techs: ['sam'] },
  { day: 0, at: '15:30', minutes: 60, title: 'Remote: VPN troubleshooting', client: 'Fabrikam Logistics', techs: ['elena'], ticket: 'T-4802' },
  { day: 1, at: '09:00', minutes: 180, title: 'On-site: firewall replacement', client: 'Northwind Legal LLP', techs: ['alex', 'marcus'] },
  { day: 1, at: '10:00', minutes: 60, title: 'Microsoft 365 licence review', client: 'Contoso Dental', techs: ['priya'] },
  { day: 1, at: '10:00', minutes: 45, title: 'Call: colocation provider (London)', techs: ['elena'], zone: 'Europe/London' },
  { day: 1, at: '13:30', minutes: 60, title: 'Remote: printer driver rollout', client: 'Woodgrove Clinic', techs: ['sam'] },
  { day: 1, at: '14:00', minutes: 180, title: 'On-site: Wi-Fi survey', client: 'Tailspin Architects', techs: ['jo'] },
  { day: 2, at: '09:00', minutes: 90, title: 'Remote: MFA enrolment', client: 'Contoso Dental', techs: ['elena'] },
  { day: 2, at: '10:00', minutes: 120, title: 'On-site: network cabinet tidy-up', client: 'Fabrikam Logistics', techs: ['marcus'] },
  { day: 2, at: '11:00', minutes: 60, title: 'Email delivery delays', client: 'Northwind Legal LLP', techs: ['sam'], ticket: 'T-4821' },
  { day: 2, at: '13:00', minutes: 120, title: 'On-site: file server migration', client: 'Fabrikam Logistics', techs: ['sam'] },
  { day: 2, at: '14:00', minutes: 90, title: 'Remote: shared mailbox permissions', client: 'Northwind Legal LLP', techs: ['sam'], ticket: 'T-4826' },
  { day: 2, at: '13:30', minutes: 150, title: 'Backup appliance install', client: 'Woodgrove Clinic', techs: ['priya'] },
  { day: 2, at: '15:00', minutes: 60, title: 'Quarterly business review', client: 'Contoso Dental', techs: ['alex'] },
  { day: 2, at: '16:00', minutes: 60, title: 'Replace failed UPS battery', client: 'Woodgrove Clinic', techs: [] },
  { day: 3, at: '09:00', minutes: 120, title: 'On-site: three new starters', client: 'Contoso Dental', techs: ['jo'] },
  { day: 3, at: '10:00', minutes: 60, title: 'Printer fleet check', client: 'Woodgrove Clinic', techs: [] },
  { day: 3, at: '11:00', minutes: 90, title: 'Remote: SharePoint permissions', client: 'Tailspin Architects', techs: ['priya'], ticket: 'T-4833' },
  { day: 3, at: '13:00', minutes: 60, title: 'Firewall firmware update', client: 'Northwind Legal LLP', techs: ['marcus'] },
  { day: 3, at: '14:00', minutes: 150, title: 'On-site: phone system cut-over', client: 'Fabrikam Logistics', techs: ['alex', 'sam'] },
  { day: 4, at: '09:00', minutes: 60, title: 'Monthly patch report', techs: ['alex'] },
  { day: 4, at: '10:30', minutes: 90, title: 'On-site: backup restore test', client: 'Tailspin Architects', techs: ['jo'] },
  { day: 4, at: '13:00', minutes: 60, title: 'Remote: new starter accounts', client: 'Woodgrove Clinic', techs: ['priya'] },
  { day: 4, at: '14:00', minutes: 60, title: 'Contract renewal call', client: 'Northwind Legal LLP', techs: ['marcus'] },
  { day: 4, at: '15:00', minutes: 60, title: 'Laptop pickup and disposal', client: 'Tailspin Architects', techs: [] },
];

/** The technicians whose Google calendars are connected: their entries carry sync badges. */
const CONNECTED: Tech[] = ['alex', 'sam'];

const cleanups: (() => unknown)[] = [];

/** A copy of the built web app: a `npm run build:web` meanwhile must not change the page mid-run. */
function webAppSnapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-screenshots-web-'));
  cpSync(fileURLToPath(new URL('../../apps/web/dist', import.meta.url)), dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const fakeTest = { teardown: (fn: () => unknown) => cleanups.push(fn), plan: (_n: number, why: string) => console.error(why) } as unknown as Test;

async function main() {
  const browser = await browserOrSkip(fakeTest);
  if (!browser) process.exit(1);
  if (process.env.DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
  const [google, microsoft] = await Promise.all([startGoogleEmulator({ allowHttpWebhooks: true }), startMicrosoftEmulator({ allowHttpWebhooks: true })]);
  cleanups.push(() => Promise.all([google.close(), microsoft.close()]));
  const server = await startServer('ee', {
    SWITCHBOARD_WEB_DIST: webAppSnapshot(),
    SWITCHBOARD_WORKERS: 'inline',
    SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: 'true',
    GOOGLE_ACCOUNTS_URL: google.url,
    GOOGLE_OAUTH2_URL: google.url,
    GOOGLE_API_URL: google.url,
    MICROSOFT_LOGIN_URL: microsoft.url,
    MICROSOFT_GRAPH_URL: microsoft.url,
  });
  // The app (and its workers) closes before the emulators it calls.
  cleanups.push(() => server.close());

  const { tenantId, entries } = await server.db.transaction().execute(async (trx) => {
    const { id: tenantId } = await createTenant(trx, 'Northpoint IT');
    const admin = await createUser(trx, tenantId, { ...DISPATCHER, password: PASSWORD, userType: 'internal', roleNames: ['Admin'] });
    const techIds = {} as Record<Tech, string>;
    for (const [key, displayName] of Object.entries(TECHNICIANS) as [Tech, string][]) {
      techIds[key] = (await createUser(trx, tenantId, { email: emailOf(key), displayName, password: PASSWORD, userType: 'internal', roleNames: ['Technician'] })).id;
    }
    const clientIds = {} as Record<ClientName, string>;
    for (const name of CLIENTS) clientIds[name] = (await createClient(trx, tenantId, { name, domains: [] })).id;
    const entries = [];
    for (const e of WEEK) {
      const day = MONDAY.plus({ days: e.day });
      const start = e.at ? DateTime.fromISO(`${day.toISODate()}T${e.at}`, { zone: e.zone ?? ZONE }) : null;
      entries.push(
        await createScheduleEntry(trx, tenantId, admin.id, {
          title: e.title,
          notes: null,
          start: start ? start.toUTC().toISO()! : day.toISODate()!,
          end: start ? start.plus({ minutes: e.minutes }).toUTC().toISO()! : day.plus({ days: e.days }).toISODate()!,
          timeZone: e.zone ?? ZONE,
          allDay: !start,
          recurrence: e.recurrence ?? null,
          workItemType: e.ticket ? 'ticket' : e.client ? 'appointment' : 'ad_hoc',
          workItemId: e.ticket ?? null,
          clientId: e.client ? clientIds[e.client] : null,
          assigneeIds: e.techs.map((t) => techIds[t]),
        }),
      );
    }
    return { tenantId, entries };
  });

  // Connect the calendars as each technician would (consent at the emulator), then wait for the
  // workers to push every entry of theirs.
  const admin = await signIn(server.app, DISPATCHER.email, PASSWORD);
  google.addClient({ ...GOOGLE, redirectUris: [`${server.url}/api/auth/google/calendar/callback`] });
  const settings = await admin.request('PUT', '/api/calendar/settings', { googleClientId: GOOGLE.clientId, googleClientSecret: GOOGLE.clientSecret });
  if (settings.statusCode !== 200) throw new Error(`saving the Google app failed: ${settings.statusCode} ${settings.body}`);
  for (const tech of CONNECTED) {
    const email = emailOf(tech);
    google.addAccount({ email, name: TECHNICIANS[tech] });
    await connectCalendar(server, { google, microsoft }, await signIn(server.app, email, PASSWORD), email, 'google');
  }
  const window = `from=${encodeURIComponent(MONDAY.toUTC().toISO()!)}&to=${encodeURIComponent(MONDAY.plus({ weeks: 1 }).toUTC().toISO()!)}`;
  const expected = WEEK.reduce((n, e) => n + e.techs.filter((t) => CONNECTED.includes(t)).length, 0);
  await eventually(
    async () => {
      const res = await admin.request('GET', `/api/calendar/entry-sync?${window}`);
      const items: { status: string }[] = res.statusCode === 200 ? res.json().items : [];
      return items.filter((s) => s.status === 'synced').length === expected;
    },
    120_000,
    `all ${expected} entries of the connected technicians synced`,
  );
  // One change the push queue has not taken yet: a pending badge beside the synced ones.
  await server.app.jobs.pause(PUSH_JOB);
  const moved = entries.find((e) => e.title === 'Quarterly business review')!;
  await server.db.transaction().execute((trx) => updateScheduleEntry(trx, tenantId, null, moved.id, { title: 'Quarterly business review (agenda sent)' }));

  mkdirSync(OUT, { recursive: true });
  const cookie = admin.cookie.split('=');
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: ZONE, locale: 'en-US' });
  await context.addCookies([{ name: cookie[0], value: cookie.slice(1).join('='), url: server.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.clock.setFixedTime(NOW.toJSDate());
  const shots = [
    { file: 'schedule-week.png', url: `/schedule?view=week&date=${NOW.toISODate()}` },
    { file: 'schedule-day.png', url: `/schedule?view=day&date=${NOW.toISODate()}` },
    { file: 'schedule-dispatch.png', url: `/schedule?view=dispatch&date=${NOW.toISODate()}` },
  ];
  for (const shot of shots) {
    await page.goto(`${server.url}${shot.url}`);
    await page.waitForSelector('#schedule-grid[data-ready="true"]');
    await page.waitForSelector('.schedule-sync-badge').catch(() => console.warn(`${shot.file}: no sync badge on the page`));
    await page.mouse.move(0, 0);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: `${OUT}/${shot.file}` });
    console.log(`wrote docs/screenshots/${shot.file}`);
  }
  if (errors.length) console.warn(`page errors: ${errors.join('; ')}`);
  await context.close();
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
