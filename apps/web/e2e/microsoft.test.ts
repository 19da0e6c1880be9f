// Settings → Providers → Microsoft in a real browser: create a profile, bind it, see archive
// refused with the consumer named, clear the binding (with confirmation), archive; CE shows only
// MSP single sign-on; "Sign in with Microsoft" through the emulator's consent page.
import t from 'tap';
import { addVerifiedLoginDomain, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { browserOrSkip, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const SECRET = 'Browser~secret-value-0123456789abcdef';

const browser = await browserOrSkip(t);
if (browser) {
  t.test('EE: create, bind, archive refused, clear, archive', async (t) => {
    const ee = await startServer('ee');
    t.teardown(ee.close);
    const tenant = await seedTenant(ee.db, 'web-ms');
    // The refused archive answers 409, which Chromium logs as a console error: no console check.
    const { page } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ee.url}/settings?category=providers`);
    await page.waitForSelector('#binding-list');
    t.same(await page.locator('#binding-list > article').evaluateAll((els) => els.map((e) => e.id)), ['binding-msp_sso', 'binding-email', 'binding-calendar', 'binding-teams']);
    t.notMatch(await page.textContent('#microsoft-provider'), /default/i, 'no "default profile" wording');
    t.match(await page.textContent('#binding-calendar-status'), /Not bound/);

    await page.click('#profiles-new');
    await page.fill('#profile-form-name', 'Contoso Calendar App');
    await page.fill('#profile-form-client-id', 'not a guid');
    await page.fill('#profile-form-secret', SECRET);
    await page.click('#profile-form-submit');
    t.match(await page.textContent('#profile-form-client-id-error'), /GUID/, 'a bad client id is explained beside the field');
    await page.fill('#profile-form-client-id', '12345678-1234-1234-1234-123456789abc');
    await page.click('#profile-form-submit');
    await page.waitForSelector('#profile-form', { state: 'hidden' });
    const row = page.locator('#profiles-table tbody tr', { hasText: 'Contoso Calendar App' });
    await row.waitFor();
    t.match(await row.textContent(), /Stored/);
    t.notOk((await page.content()).includes(SECRET), 'the secret is not on the page');
    const profileId = (await row.getAttribute('id'))!.replace(/^profile-/, '');

    await page.selectOption('#binding-calendar-profile', profileId);
    await page.click('#binding-calendar-save');
    await page.waitForFunction(() => document.querySelector('#binding-calendar-readiness')?.textContent === 'Bound');
    t.match(await page.textContent('#binding-calendar-status'), /Bound to Contoso Calendar App/);
    t.match(await row.textContent(), /Calendar/, 'the profile shows what uses it');

    // Choosing the empty option does not clear anything.
    await page.selectOption('#binding-calendar-profile', '');
    t.equal(await page.isDisabled('#binding-calendar-save'), true);
    t.match(await page.textContent('#binding-calendar-status'), /Bound to Contoso Calendar App/);

    await page.click(`#profile-${profileId}-archive`);
    await page.waitForSelector('#profiles-error');
    t.match(await page.textContent('#profiles-error'), /cannot be archived: it is used by Calendar/);

    await page.click('#binding-calendar-clear');
    await page.waitForSelector('#binding-calendar-clear-confirm[open]');
    await page.click('#binding-calendar-clear-confirm-confirm');
    await page.waitForFunction(() => document.querySelector('#binding-calendar-readiness')?.textContent === 'Not bound');
    t.equal(await page.$('#binding-calendar-warning'), null, 'no calendar was connected through it: nothing to reconnect, nothing said');

    await page.click(`#profile-${profileId}-archive`);
    await row.waitFor({ state: 'detached' });
    await page.check('#profiles-show-archived');
    await page.locator('#profiles-table tbody tr', { hasText: 'Archived' }).waitFor();
    const stored = await ee.db.selectFrom('microsoft_profiles').select(['is_archived']).where('id', '=', profileId).executeTakeFirstOrThrow();
    t.equal(stored.is_archived, true);
    t.same(await idProblems(page), []);
  });

  t.test('CE: only MSP single sign-on, and a settings viewer cannot change it', async (t) => {
    const ce = await startServer('ce');
    t.teardown(ce.close);
    const tenant = await seedTenant(ce.db, 'web-ms-ce');
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ce.url}/settings?category=providers`);
    await page.waitForSelector('#binding-list');
    t.same(await page.locator('#binding-list > article').evaluateAll((els) => els.map((e) => e.id)), ['binding-msp_sso']);
    const text = await page.textContent('#microsoft-provider');
    t.notMatch(text, /Calendar|Teams|Email/, 'CE copy speaks only of MSP SSO');
    t.match(text, /MSP single sign-on/);
    t.same(consoleErrors, []);

    const viewer = await openPage(t, browser);
    await signInAs(viewer.page, ce.url, tenant.viewer.email, TEST_PASSWORD);
    await viewer.page.goto(`${ce.url}/settings?category=providers`);
    await viewer.page.waitForSelector('#binding-msp_sso');
    t.equal(await viewer.page.locator('#binding-msp_sso-profile').count(), 0, 'no binding control for a viewer');
    t.equal(await viewer.page.locator('#profiles-new').count(), 0);
  });

  t.test('Sign in with Microsoft through the consent page lands on the schedule; a refusal is explained', async (t) => {
    const ms = await startMicrosoftEmulator();
    t.teardown(ms.close);
    const server = await startServer('ce', { MICROSOFT_LOGIN_URL: ms.url });
    t.teardown(server.close);
    const tenant = await seedTenant(server.db, 'web-sso');
    const directory = ms.identity.addTenant({ displayName: 'Web SSO MSP', domains: ['web-sso.test'] });
    const registration = ms.identity.addApp({ homeTenantId: directory.id, clientSecrets: [SECRET], redirectUris: [`${server.url}/api/auth/msp/sso/callback`], multiTenant: false });
    ms.identity.addUser(directory.id, { displayName: 'Tech', userPrincipalName: tenant.technician.email });
    ms.identity.addUser(directory.id, { displayName: 'Stranger', userPrincipalName: 'stranger@web-sso.test' });
    const admin = await signIn(server.app, tenant.admin.email);
    const profile = (await admin.request('POST', '/api/microsoft/profiles', { displayName: 'SSO', clientId: registration.clientId, authorityTenant: directory.id, clientSecret: SECRET })).json();
    await admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: profile.id });
    await addVerifiedLoginDomain(admin, 'web-sso.test');

    const { page, consoleErrors } = await openPage(t, browser);
    await page.goto(`${server.url}/`);
    await page.fill('#login-email', tenant.technician.email);
    await page.click('#login-microsoft');
    await page.waitForURL(`${ms.url}/**`);
    t.equal(await page.inputValue('#login-email'), tenant.technician.email, 'the consent page is prefilled from login_hint');
    await page.click('#consent-accept');
    await page.waitForSelector('#sign-out');
    t.equal(new URL(page.url()).pathname, '/schedule');
    t.same(consoleErrors, []);

    const other = await openPage(t, browser);
    await other.page.goto(`${server.url}/`);
    await other.page.fill('#login-email', 'stranger@web-sso.test');
    await other.page.click('#login-microsoft');
    await other.page.waitForURL(`${ms.url}/**`);
    await other.page.click('#consent-accept');
    await other.page.waitForSelector('#login-sso-error');
    t.match(await other.page.textContent('#login-sso-error'), /no Switchboard account/);
    t.equal(new URL(other.page.url()).search, '', 'the reason code is removed from the address bar');
  });
}
