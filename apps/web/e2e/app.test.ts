// The web app in a real browser against the real API: sign-in, schedule, edition-aware navigation,
// stale deep links, the client portal, session expiry, and stable unique ids on every page.
import t from 'tap';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const ce = await startServer('ce');
  t.teardown(ce.close);
  const tenant = await seedTenant(ce.db, 'web');

  t.test('signing in with a wrong password shows the server message; the right one opens the schedule', async (t) => {
    const { page } = await openPage(t, browser);
    await page.goto(`${ce.url}/`);
    await page.fill('#login-email', tenant.admin.email);
    await page.fill('#login-password', 'not the password');
    await page.click('#login-submit');
    t.equal(await page.textContent('#login-error'), 'Email or password is incorrect.');
    await page.fill('#login-password', TEST_PASSWORD);
    await page.click('#login-submit');
    await page.waitForSelector('#sign-out');
    t.equal(new URL(page.url()).pathname, '/schedule');
    t.equal(await page.textContent('#edition-label'), 'Community Edition');
  });

  t.test('a schedule entry created in the form appears in the week view', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await page.click('#schedule-new');
    await page.fill('#entry-form-title', 'Firewall upgrade at Contoso');
    await page.check(`#entry-form-assignee-${tenant.technician.id}`);
    await page.click('#entry-form-submit');
    await page.waitForSelector('#entry-form', { state: 'hidden' });
    const card = page.locator('[id^="schedule-entry-"]', { hasText: 'Firewall upgrade at Contoso' });
    await card.first().waitFor();
    t.equal(await card.count(), 1);
    const saved = await ce.db.selectFrom('schedule_entries').select(['id', 'title']).where('title', '=', 'Firewall upgrade at Contoso').execute();
    t.equal(saved.length, 1, 'stored once');
    t.same(consoleErrors, []);
  });

  t.test("a contact added on a client's page is listed there, and deleting it asks first", async (t) => {
    // The deliberate invalid email below answers 400, which Chromium logs: no console check here.
    const { page } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ce.url}/clients/${tenant.client.id}`);
    await page.click('#client-contacts-new');
    t.equal(await page.inputValue('#contact-form-client'), `Client of web`, 'the client is fixed to this page');
    await page.fill('#contact-form-full-name', 'Priya Shah');
    await page.fill('#contact-form-email', 'not-an-email');
    await page.click('#contact-form-submit');
    t.match(await page.textContent('#contact-form-email-error'), /valid email/, 'the field error shows beside the field');
    await page.fill('#contact-form-email', 'priya@web-client.test');
    await page.click('#contact-form-submit');
    const row = page.locator('#client-contacts-table tr', { hasText: 'Priya Shah' });
    await row.waitFor();
    const [stored] = await ce.db.selectFrom('contacts').select(['id', 'client_id']).where('full_name', '=', 'Priya Shah').execute();
    t.equal(stored.client_id, tenant.client.id);
    await page.click(`#client-contact-delete-${stored.id}`);
    await page.waitForSelector('#client-contact-delete-dialog[open]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#client-contact-delete-dialog', { state: 'hidden' });
    t.equal(await row.count(), 1, 'Escape cancels: nothing deleted');
    await page.click(`#client-contact-delete-${stored.id}`);
    await page.click('#client-contact-delete-dialog-confirm');
    await row.waitFor({ state: 'detached' });
    t.same(await ce.db.selectFrom('contacts').select('id').where('id', '=', stored.id).execute(), []);
  });

  t.test('CE navigation has no Calendar category or tab, and stale deep links fall back quietly', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ce.url}/settings?category=calendar`);
    await page.waitForSelector('#settings-category-providers[aria-selected="true"]');
    t.equal(await page.locator('#settings-category-calendar').count(), 0);
    t.equal(new URL(page.url()).searchParams.get('category'), 'providers');
    await page.goto(`${ce.url}/profile?tab=calendar`);
    await page.waitForSelector('#profile-tab-account[aria-selected="true"]');
    t.equal(await page.locator('#profile-tab-calendar').count(), 0);
    t.equal(new URL(page.url()).searchParams.get('tab'), 'account');
    t.same(consoleErrors, [], 'no console error');
  });

  t.test('EE navigation has the Calendar category and tab, and deep links open them', async (t) => {
    const ee = await startServer('ee');
    t.teardown(ee.close);
    const eeTenant = await seedTenant(ee.db, 'webee');
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, eeTenant.admin.email, TEST_PASSWORD);
    t.equal(await page.textContent('#edition-label'), 'Enterprise Edition');
    await page.goto(`${ee.url}/settings?category=calendar`);
    await page.waitForSelector('#settings-category-calendar[aria-selected="true"]');
    await page.goto(`${ee.url}/profile?tab=calendar`);
    await page.waitForSelector('#profile-tab-calendar[aria-selected="true"]');
    t.same(consoleErrors, []);
  });

  t.test('a client-portal user sees no settings or integration surfaces', async (t) => {
    const { page } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.clientUser.email, TEST_PASSWORD);
    t.equal(new URL(page.url()).pathname, '/profile');
    t.equal(await page.locator('#nav-settings').count(), 0);
    t.equal(await page.locator('#nav-schedule').count(), 0);
    await page.goto(`${ce.url}/settings?category=providers`);
    await page.waitForSelector('#not-available');
    t.equal(await page.locator('#settings-title').count(), 0);
  });

  t.test('an expired session sends the user to sign-in with a message', async (t) => {
    const { page } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.viewer.email, TEST_PASSWORD);
    await ce.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', tenant.viewer.id).execute();
    // The next request finds the session expired: the user's click, or the notification poll if
    // it fires first (then the link is gone before the click lands, which is just as right).
    await page.click('#nav-clients', { timeout: 5000 }).catch(() => undefined);
    await page.waitForSelector('#login-form');
    t.equal(await page.textContent('#login-notice'), 'Your session has expired. Please sign in again.');
  });

  t.test('every page gives each interactive element a unique, stable id', async (t) => {
    const { page } = await openPage(t, browser);
    await page.goto(`${ce.url}/`);
    await page.waitForSelector('#login-form');
    t.same(await idProblems(page), [], 'sign-in page');
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    for (const path of ['/schedule', '/schedule?view=list', '/clients', `/clients/${tenant.client.id}`, '/contacts', '/settings', '/profile']) {
      await page.goto(`${ce.url}${path}`);
      await page.waitForLoadState('networkidle');
      t.same(await idProblems(page), [], path);
    }
    await page.goto(`${ce.url}/schedule`);
    await page.click('#schedule-new');
    t.same(await idProblems(page), [], 'schedule with the entry dialog open');
  });
}
