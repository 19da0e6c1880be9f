// The calendar-sync badge in a real browser: a technician connects Google Calendar, an entry assigned
// to them shows "pending" while no worker has pushed it, and turns "synced" once a worker (a second
// app on the same database, as in production) has written it to the emulator's calendar.
import t from 'tap';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { startGoogleEmulator } from '@switchboard/emulators';
import { browserOrSkip, eventually, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const GOOGLE_CLIENT_ID = 'web-sync-badge.apps.googleusercontent.com';
const GOOGLE_SECRET = 'GOCSPX-browser-sync-badge-secret';

const browser = await browserOrSkip(t);
if (browser) {
  t.test('the badge on an entry goes from pending to synced when the push reaches the calendar', async (t) => {
    const google = await startGoogleEmulator();
    t.teardown(google.close);
    const providers = { GOOGLE_ACCOUNTS_URL: google.url, GOOGLE_OAUTH2_URL: google.url, GOOGLE_API_URL: google.url };
    // No workers: nothing is pushed until the worker below starts.
    const ee = await startServer('ee', providers);
    t.teardown(ee.close);
    const tenant = await seedTenant(ee.db, 'web-sync-badge');
    google.addClient({ clientId: GOOGLE_CLIENT_ID, clientSecret: GOOGLE_SECRET, redirectUris: [`${ee.url}/api/auth/google/calendar/callback`] });
    google.addAccount({ email: tenant.technician.email, name: 'Badge Tech' });
    const admin = await signIn(ee.app, tenant.admin.email);
    t.equal((await admin.request('PUT', '/api/calendar/settings', { googleClientId: GOOGLE_CLIENT_ID, googleClientSecret: GOOGLE_SECRET })).statusCode, 200);

    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.technician.email, TEST_PASSWORD);
    await page.goto(`${ee.url}/profile?tab=calendar`);
    await page.click('#calendar-connect-google:not([disabled])');
    await page.waitForURL(`${google.url}/o/oauth2/v2/auth?**`);
    await page.click('#allow-button');
    await page.waitForURL(`${ee.url}/profile?tab=calendar**`);
    await page.waitForFunction(() => document.querySelector('#calendar-google-status')?.textContent === 'Connected');

    const created = await admin.request('POST', '/api/schedule-entries', {
      title: 'Badge check at Contoso',
      start: '2026-12-16T14:00:00.000Z',
      end: '2026-12-16T15:00:00.000Z',
      timeZone: 'UTC',
      assigneeIds: [tenant.technician.id],
    });
    t.equal(created.statusCode, 201);
    const entryId: string = created.json().id;

    await page.goto(`${ee.url}/schedule?view=week&date=2026-12-16`);
    const badge = page.locator(`[data-entry-id="${entryId}"] .schedule-sync-badge`).first();
    await page.waitForSelector(`[data-entry-id="${entryId}"] .schedule-sync-badge[data-sync-status="pending"]`);
    t.equal(await badge.getAttribute('aria-label'), 'Calendar: pending for tech web-sync-badge', 'names the technician whose calendar waits');

    const worker = await buildTestApp({ edition: 'ee', runWorkers: true, database: ee.database, keyring: ee.keyring, env: { PUBLIC_URL: ee.url, ...providers } });
    t.teardown(worker.close);
    await eventually(() => google.events(tenant.technician.email).find((e) => (e as { summary?: string }).summary === 'Badge check at Contoso'));
    // The page asks again by itself while anything is pending.
    await page.waitForSelector(`[data-entry-id="${entryId}"] .schedule-sync-badge[data-sync-status="synced"]`);
    t.equal(await badge.getAttribute('aria-label'), 'Calendar: synced for tech web-sync-badge');
    t.same(consoleErrors, [], 'no console errors');
  });
}
