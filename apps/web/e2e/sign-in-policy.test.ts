// Admin safety in a real browser (issue 17): the lockout sequence (Microsoft sign-in required, then
// "Clear" on MSP single sign-on) shows the refusal in a dialog that says what confirming does, and
// confirming turns the requirement off so the admin signs in with a password again. Rebinding
// Calendar while a technician is connected names the technician first; after confirming, the
// technician's card says the calendar must be reconnected. Screenshots go to test-results/.
import t from 'tap';
import { seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';

const SECRET = 'Browser~policy-secret-0123456789abcdef';

const browser = await browserOrSkip(t);
if (browser) {
  const ee = await startServer('ee');
  t.teardown(ee.close);
  /** The 409 that asks for confirmation is logged by Chromium as a failed resource; anything else counts. */
  const unexpected = (errors: string[]) => errors.filter((e) => !/status of 409/.test(e));

  t.test('the lockout sequence shows the refusal; confirming turns the requirement off and the admin signs in with a password', async (t) => {
    const tenant = await seedTenant(ee.db, 'web-lockout');
    const admin = await signIn(ee.app, tenant.admin.email);
    const profile = (await admin.request('POST', '/api/microsoft/profiles', { displayName: 'MSP Sign-in App', clientId: '12345678-1234-1234-1234-123456789abc', clientSecret: SECRET })).json();
    t.equal((await admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: profile.id })).statusCode, 200);

    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.admin.email, TEST_PASSWORD);
    // Verified directly: DNS verification has its own tests. The admin requires Microsoft sign-in in the UI.
    const domain = await ee.db
      .insertInto('msp_sso_login_domains')
      .values({ tenant_id: tenant.tenantId, domain: 'web-lockout.test', verification_token: 'token', status: 'verified', verified_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();

    await page.goto(`${ee.url}/settings?category=providers`);
    await page.click(`#login-domain-${domain.id}-required`);
    await page.waitForSelector(`#login-domain-${domain.id}-required:checked:not(:disabled)`);
    const required = await ee.db.selectFrom('msp_sso_login_domains').select('sso_required').where('id', '=', domain.id).executeTakeFirstOrThrow();
    t.equal(required.sso_required, true, 'Microsoft sign-in is required');
    await page.waitForSelector('#binding-msp_sso-clear');
    await page.click('#binding-msp_sso-clear');
    await page.click('#binding-msp_sso-clear-confirm-confirm');
    await page.waitForSelector('#binding-msp_sso-ask[open]');
    t.equal(
      await page.textContent('#binding-msp_sso-ask p'),
      'Microsoft sign-in is required for web-lockout.test. Clearing the binding would leave its users unable to sign in. Confirm to first turn that requirement off; they will then sign in with their password.',
    );
    t.equal(await page.textContent('#binding-msp_sso-ask-confirm'), 'Turn the requirement off and clear');
    t.equal(await page.$('#binding-msp_sso-clear-confirm[open]'), null, 'the first question gave way to this one');
    await page.screenshot({ path: `${RESULTS}/sign-in-policy-1-refusal.png`, fullPage: true });
    t.match(await page.textContent('#binding-msp_sso-status'), /Bound to MSP Sign-in App/, 'nothing changed yet');

    await page.click('#binding-msp_sso-ask-confirm');
    await page.waitForFunction(() => document.querySelector('#binding-msp_sso-readiness')?.textContent === 'Not bound');
    t.match(await page.textContent('#binding-msp_sso-warning'), /no longer required for web-lockout\.test/);
    t.equal(await page.$('#binding-msp_sso-ask[open]'), null, 'the dialog closed');
    await page.waitForSelector(`#login-domain-${domain.id}-required:not(:checked)`);
    await page.screenshot({ path: `${RESULTS}/sign-in-policy-2-cleared.png`, fullPage: true });
    const row = await ee.db.selectFrom('msp_sso_login_domains').select('sso_required').where('id', '=', domain.id).executeTakeFirstOrThrow();
    t.equal(row.sso_required, false);
    t.same(await idProblems(page), [], 'every control has a unique id');
    t.same(unexpected(consoleErrors), [], 'no console errors');

    const again = await openPage(t, browser);
    await signInAs(again.page, ee.url, tenant.admin.email, TEST_PASSWORD);
    t.ok(await again.page.$('#sign-out'), 'the admin signs in with a password');
  });

  t.test('rebinding Calendar names the connected technician; after confirming, their card asks to reconnect', async (t) => {
    const tenant = await seedTenant(ee.db, 'web-rebind');
    const admin = await signIn(ee.app, tenant.admin.email);
    const create = async (displayName: string, clientId: string) => (await admin.request('POST', '/api/microsoft/profiles', { displayName, clientId, clientSecret: SECRET })).json() as { id: string };
    const first = await create('Calendar App', 'aaaaaaaa-0000-0000-0000-000000000001');
    const second = await create('Calendar App 2', 'aaaaaaaa-0000-0000-0000-000000000002');
    t.equal((await admin.request('PUT', '/api/microsoft/consumers/calendar/binding', { profileId: first.id })).statusCode, 200);
    // A connection authorized through the first app, with tokens; the connect flow has its own tests.
    const provider = await ee.db
      .insertInto('calendar_providers')
      .values({ tenant_id: tenant.tenantId, user_id: tenant.technician.id, provider_type: 'microsoft', display_name: 'Microsoft 365 calendar', status: 'connected', connected_at: new Date(), account_email: 'tech@web-rebind.test', authorized_client_id: 'aaaaaaaa-0000-0000-0000-000000000001' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await ee.app.secrets.put(ee.db, tenant.tenantId, `calendar_provider:${provider.id}:tokens`, JSON.stringify({ refreshToken: 'stand-in' }));

    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ee.url}/settings?category=providers`);
    await page.waitForSelector('#binding-calendar-profile');
    await page.selectOption('#binding-calendar-profile', second.id);
    await page.click('#binding-calendar-save');
    await page.waitForSelector('#binding-calendar-ask[open]');
    t.match(await page.textContent('#binding-calendar-ask p'), /Binding Calendar to "Calendar App 2" disconnects a connection authorized through "Calendar App": tech web-rebind \(tech@web-rebind\.test\)\. Confirm/);
    t.equal(await page.$('#binding-calendar-error'), null, 'the question is not shown as an error');
    await page.screenshot({ path: `${RESULTS}/sign-in-policy-3-rebind-question.png`, fullPage: true });
    t.match(await page.textContent('#binding-calendar-status'), /Bound to Calendar App\./, 'nothing changed yet');

    await page.click('#binding-calendar-ask-confirm');
    await page.waitForFunction(() => /Calendar App 2/.test(document.querySelector('#binding-calendar-status')?.textContent ?? ''));
    t.match(await page.textContent('#binding-calendar-warning'), /must reconnect: tech web-rebind \(tech@web-rebind\.test\)/);
    t.same(await idProblems(page), [], 'every control has a unique id');
    t.same(unexpected(consoleErrors), [], 'no console errors');

    const tech = await openPage(t, browser);
    await signInAs(tech.page, ee.url, tenant.technician.email, TEST_PASSWORD);
    await tech.page.goto(`${ee.url}/profile?tab=calendar`);
    await tech.page.waitForSelector('#calendar-microsoft-status');
    t.equal(await tech.page.textContent('#calendar-microsoft-status'), 'Reconnect needed');
    t.match(await tech.page.textContent('#calendar-microsoft-error'), /reconnect your calendar/);
    t.ok(await tech.page.$('#calendar-microsoft-reconnect'), 'the card offers to reconnect');
    await tech.page.screenshot({ path: `${RESULTS}/sign-in-policy-4-technician-reconnect.png`, fullPage: true });
  });
}
