// Recovering from a cut in a real browser: a technician's Google Calendar is connected and synced;
// Google loses the calendar's events and the grant; the card asks to reconnect; the technician
// reconnects on the emulator's consent page and the calendar is filled again; "Sync now" runs and
// "Last sync" changes without a reload. Screenshots go to test-results/ for a human eye.
import t from 'tap';
import { createScheduleEntry } from '@switchboard/core';
import { seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { loseGoogleCalendarState, startGoogleEmulator } from '@switchboard/emulators';
import { browserOrSkip, eventually, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';

const GOOGLE_CLIENT_ID = 'web-reconnect.apps.googleusercontent.com';
const GOOGLE_SECRET = 'GOCSPX-browser-reconnect-secret';

const browser = await browserOrSkip(t);
if (browser) {
  t.test('after Google lost the calendar and the grant, a reconnect fills it again and Sync now updates Last sync live', async (t) => {
    const google = await startGoogleEmulator();
    t.teardown(google.close);
    const ee = await startServer('ee', { SWITCHBOARD_WORKERS: 'inline', GOOGLE_ACCOUNTS_URL: google.url, GOOGLE_OAUTH2_URL: google.url, GOOGLE_API_URL: google.url });
    t.teardown(ee.close);
    const tenant = await seedTenant(ee.db, 'web-reconnect');
    const email = tenant.technician.email;
    google.addClient({ clientId: GOOGLE_CLIENT_ID, clientSecret: GOOGLE_SECRET, redirectUris: [`${ee.url}/api/auth/google/calendar/callback`] });
    google.addAccount({ email, name: 'Web Tech' });
    const admin = await signIn(ee.app, tenant.admin.email);
    t.equal((await admin.request('PUT', '/api/calendar/settings', { googleClientId: GOOGLE_CLIENT_ID, googleClientSecret: GOOGLE_SECRET })).statusCode, 200);
    const titles = ['Firewall review', 'Laptop handover'];
    for (const [i, title] of titles.entries()) {
      await ee.db.transaction().execute((trx) =>
        createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, {
          title,
          notes: null,
          start: `2026-12-1${i + 1}T09:00:00.000Z`,
          end: `2026-12-1${i + 1}T10:00:00.000Z`,
          timeZone: 'UTC',
          allDay: false,
          recurrence: null,
          assigneeIds: [tenant.technician.id],
          workItemType: 'ad_hoc',
        } as Parameters<typeof createScheduleEntry>[3]),
      );
    }
    const liveTitles = () => google.events(email).filter((e) => e.status !== 'cancelled').map((e) => (e as { summary?: string }).summary).sort();

    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, email, TEST_PASSWORD);
    const connect = async (button: string) => {
      await page.click(button);
      await page.waitForURL(`${google.url}/o/oauth2/v2/auth?**`);
      await page.click('#allow-button');
      await page.waitForURL(`${ee.url}/profile?tab=calendar**`);
    };
    await page.goto(`${ee.url}/profile?tab=calendar`);
    await page.waitForSelector('#calendar-connect-google:not([disabled])');
    await connect('#calendar-connect-google');
    await eventually(() => liveTitles().length === titles.length);
    // The first sync ends without a reload: the card stops saying it syncs and shows a time.
    await page.waitForFunction(() => document.querySelector('#calendar-google-last-sync')?.textContent !== 'Never' && !document.querySelector('#calendar-google-progress'));
    await page.screenshot({ path: `${RESULTS}/calendar-reconnect-1-synced.png`, fullPage: true });

    // Google lost the calendar's events and the grant; the next sync notices.
    loseGoogleCalendarState(google.context, email, { revokeGrants: true });
    t.same(liveTitles(), [], 'the calendar is empty');
    await page.click('#calendar-google-sync');
    await page.waitForSelector('#calendar-google-reconnect', { timeout: 30_000 });
    t.equal(await page.textContent('#calendar-google-status'), 'Reconnect needed', 'the card says what to do');
    t.match(await page.textContent('#calendar-google-error'), /reconnect/i);
    t.equal(await page.$('#calendar-outcome'), null, 'the earlier "is connected" message is gone');
    await page.screenshot({ path: `${RESULTS}/calendar-reconnect-2-needs-reconnect.png`, fullPage: true });

    await connect('#calendar-google-reconnect');
    await page.waitForFunction(() => document.querySelector('#calendar-google-status')?.textContent === 'Connected');
    t.notMatch(await page.textContent('#calendar-outcome'), /being copied/, 'no promise of a copy the page cannot see');
    await eventually(() => liveTitles().length === titles.length);
    t.same(liveTitles(), [...titles].sort(), 'the calendar is filled again');
    await page.screenshot({ path: `${RESULTS}/calendar-reconnect-3-refilled.png`, fullPage: true });

    // Sync now: the button is disabled while it runs and Last sync changes without a reload.
    await page.waitForFunction(() => !document.querySelector('#calendar-google-progress'));
    const before = await page.textContent('#calendar-google-last-sync');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // Last sync shows seconds: let one pass.
    await page.click('#calendar-google-sync');
    t.equal(await page.isDisabled('#calendar-google-sync'), true, 'the button is disabled while the sync is asked for or runs');
    await page.waitForFunction((previous: string | null) => document.querySelector('#calendar-google-last-sync')?.textContent !== previous, before, { timeout: 30_000 });
    await page.waitForSelector('#calendar-google-sync:not([disabled])');
    await page.screenshot({ path: `${RESULTS}/calendar-reconnect-4-synced-again.png`, fullPage: true });
    t.same(await idProblems(page), [], 'every control has a unique id');
    t.same(consoleErrors, [], 'no console errors');

    // The admin's list of every connection follows a sync the same way.
    const [{ id: providerId }] = (await admin.request('GET', '/api/calendar/providers?scope=all')).json().items as { id: string }[];
    const row = `#calendar-connection-${providerId}`;
    const adminPage = await openPage(t, browser);
    await signInAs(adminPage.page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await adminPage.page.goto(`${ee.url}/settings?category=calendar`);
    await adminPage.page.waitForSelector(`${row}-sync:not([disabled])`);
    t.equal(await adminPage.page.textContent(`${row}-status`), 'Connected');
    const adminBefore = await adminPage.page.textContent(`${row}-last-sync`);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // Last sync shows seconds: let one pass.
    await adminPage.page.click(`${row}-sync`);
    t.equal(await adminPage.page.isDisabled(`${row}-sync`), true, "the admin's button is disabled while the sync is asked for or runs");
    await adminPage.page.waitForFunction(({ selector, previous }) => document.querySelector(selector)?.textContent !== previous, { selector: `${row}-last-sync`, previous: adminBefore }, { timeout: 30_000 });
    await adminPage.page.waitForSelector(`${row}-sync:not([disabled])`);
    t.equal(await adminPage.page.textContent(`${row}-status`), 'Connected', 'the row says connected again once the sync ended');
    await adminPage.page.screenshot({ path: `${RESULTS}/calendar-reconnect-5-admin-synced.png`, fullPage: true });
    t.same(await idProblems(adminPage.page), [], 'every control on the settings page has a unique id');
    t.same(adminPage.consoleErrors, [], 'no console errors on the settings page');
  });
}
