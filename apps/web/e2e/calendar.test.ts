// Calendar sync in a real browser: a technician connects Google Calendar through the emulator's
// consent page, lands back on Profile → Calendar connected, creates a schedule entry assigned to
// themself, and the event appears in the emulator's calendar for that account.
import t from 'tap';
import { seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { startGoogleEmulator } from '@switchboard/emulators';
import { browserOrSkip, eventually, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const GOOGLE_CLIENT_ID = 'web-calendar.apps.googleusercontent.com';
const GOOGLE_SECRET = 'GOCSPX-browser-calendar-secret';

const browser = await browserOrSkip(t);
if (browser) {
  t.test('a technician connects Google Calendar and a new schedule entry reaches it', async (t) => {
    const google = await startGoogleEmulator();
    t.teardown(google.close);
    const ee = await startServer('ee', {
      SWITCHBOARD_WORKERS: 'inline',
      GOOGLE_ACCOUNTS_URL: google.url,
      GOOGLE_OAUTH2_URL: google.url,
      GOOGLE_API_URL: google.url,
    });
    // Closed before the emulator (teardowns run in reverse), so no job calls a stopped emulator.
    t.teardown(ee.close);
    const tenant = await seedTenant(ee.db, 'web-calendar');
    google.addClient({ clientId: GOOGLE_CLIENT_ID, clientSecret: GOOGLE_SECRET, redirectUris: [`${ee.url}/api/auth/google/calendar/callback`] });
    google.addAccount({ email: tenant.technician.email, name: 'Web Tech' });
    const admin = await signIn(ee.app, tenant.admin.email);
    const settings = await admin.request('PUT', '/api/calendar/settings', { googleClientId: GOOGLE_CLIENT_ID, googleClientSecret: GOOGLE_SECRET });
    t.equal(settings.statusCode, 200, 'the admin stored the Google app');

    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.technician.email, TEST_PASSWORD);
    await page.goto(`${ee.url}/profile?tab=calendar`);
    await page.waitForSelector('#calendar-connect-google:not([disabled])');
    t.notOk(await page.isVisible('#calendar-google'), 'no Google connection yet');
    await page.click('#calendar-connect-google');

    // The emulator's consent page, as a person would use it.
    await page.waitForURL(`${google.url}/o/oauth2/v2/auth?**`);
    const account = page.locator(`input[name="account"][value="${tenant.technician.email}"]`);
    t.equal(await account.isChecked(), true, 'the login hint preselects the technician’s account');
    await page.click('#allow-button');

    await page.waitForURL(`${ee.url}/profile?tab=calendar**`);
    await page.waitForSelector('#calendar-outcome');
    t.match(await page.textContent('#calendar-outcome'), /Google Calendar is connected/, 'the success message');
    await page.waitForFunction(() => document.querySelector('#calendar-google-status')?.textContent === 'Connected');
    t.match(await page.textContent('#calendar-google-account'), tenant.technician.email, 'the card names the account');
    t.notOk(new URL(page.url()).searchParams.has('connected'), 'the outcome is taken out of the address bar');
    t.equal(await page.isVisible('#calendar-google-sync'), true, 'Sync now is offered');
    t.equal(await page.isVisible('#calendar-google-remove'), true, 'Remove is offered');
    t.same(await idProblems(page), [], 'every control on the calendar tab has a unique id');

    await page.goto(`${ee.url}/schedule`);
    await page.click('#schedule-new');
    await page.fill('#entry-form-title', 'Server room audit at Contoso');
    await page.check(`#entry-form-assignee-${tenant.technician.id}`);
    await page.click('#entry-form-submit');
    await page.waitForSelector('#entry-form', { state: 'hidden' });

    const event = await eventually(() => google.events(tenant.technician.email).find((e) => (e as { summary?: string }).summary === 'Server room audit at Contoso'));
    t.not((event as { status?: string }).status, 'cancelled', 'the event is live');
    const mapping = await eventually(async () => {
      const row = await ee.db.selectFrom('calendar_event_mappings').select(['external_id', 'status']).where('tenant_id', '=', tenant.tenantId).executeTakeFirst();
      return row?.status === 'synced' ? row : null;
    });
    t.equal(mapping.external_id, (event as { id: string }).id, 'the mapping points at the event');
    t.same(consoleErrors, [], 'no console errors');
  });
}
