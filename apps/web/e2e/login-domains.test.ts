// Sign-in domains in a real browser (issue 17, "verified means verified"): a public mail domain is
// refused beside the field; a new domain shows the TXT record to publish (copied to the clipboard);
// Verify says what DNS answered and verifies only once the record is published at the test DNS
// server; a missing record shows a warning; disabling a domain that requires Microsoft sign-in asks
// first, with the server's words.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { seedTenant, signIn, testDns, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';

const SECRET = 'Browser~domains-secret-0123456789abcdef';

const browser = await browserOrSkip(t);
if (browser) {
  const ee = await startServer('ee');
  t.teardown(ee.close);
  const dns = await testDns();
  /** The refusals answer 400/409, which Chromium logs as failed resources; anything else counts. */
  const unexpected = (errors: string[]) => errors.filter((e) => !/status of (400|409)/.test(e));

  t.test('add, see the record, verify against DNS, require, see a missing record, disable on confirmation', async (t) => {
    const tenant = await seedTenant(ee.db, 'web-domains');
    const admin = await signIn(ee.app, tenant.admin.email);
    const profile = (await admin.request('POST', '/api/microsoft/profiles', { displayName: 'Sign-in App', clientId: '12345678-1234-1234-1234-123456789abc', clientSecret: SECRET })).json();
    t.equal((await admin.request('PUT', '/api/microsoft/consumers/msp_sso/binding', { profileId: profile.id })).statusCode, 200);
    const domain = `web-${randomBytes(3).toString('hex')}.test`;

    const { page, consoleErrors } = await openPage(t, browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ee.url });
    await signInAs(page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ee.url}/settings?category=providers`);
    await page.waitForSelector('#login-domains-new');

    await page.fill('#login-domains-new', 'gmail.com');
    await page.click('#login-domains-add');
    await page.waitForSelector('#login-domains-new-error');
    t.match(await page.textContent('#login-domains-new-error'), /gmail\.com is a public mail service/);

    await page.fill('#login-domains-new', domain);
    await page.click('#login-domains-add');
    await page.locator('#login-domains-table tbody tr', { hasText: domain }).waitFor();
    const row = await ee.db.selectFrom('msp_sso_login_domains').select(['id', 'verification_token']).where('domain', '=', domain).executeTakeFirstOrThrow();
    const id = `#login-domain-${row.id}`;
    const value = `switchboard-domain-verification=${row.verification_token}`;
    await page.waitForSelector(`${id}-txt-value`);
    t.equal(await page.textContent(`${id}-status`), 'Pending verification');
    t.equal(await page.textContent(`${id}-txt-value`), value, 'the value to publish is shown');
    t.match(await page.textContent(`${id}-txt`), new RegExp(`TXT record at ${domain.replace(/\./g, '\\.')}`));
    await page.click(`${id}-txt-copy`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Copied', `${id}-txt-copy`);
    t.equal(await page.evaluate(() => navigator.clipboard.readText()), value, 'Copy puts the value on the clipboard');

    await page.click(`${id}-verify`);
    await page.waitForSelector(`${id}-verify-result`);
    t.match(await page.textContent(`${id}-verify-result`), `${domain} has no TXT record yet. Publish a TXT record named ${domain} with the value ${value}`);
    t.equal(await page.textContent(`${id}-status`), 'Pending verification', 'still pending');
    t.equal(await page.isDisabled(`${id}-required`), true, 'a pending domain cannot be required');

    dns.setTxt(domain, ['v=spf1 -all', value]);
    await page.click(`${id}-verify`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Verified', `${id}-status`);
    t.match(await page.textContent(`${id}-verify-result`), `Found the TXT record: ${domain} is verified.`);
    t.equal(await page.$(`${id}-verify`), null, 'nothing left to verify');

    const requireSso = async () => {
      // Controlled by the server's answer: checked once the PATCH succeeded and the list reloaded.
      await page.click(`${id}-required`);
      await page.waitForSelector(`${id}-required:checked:not(:disabled), ${id}-error`);
      t.equal(await page.$(`${id}-error`), null, 'requiring Microsoft sign-in succeeded');
    };
    await requireSso();

    // The periodic re-check has its own API tests; here the row it leaves behind.
    await ee.db.updateTable('msp_sso_login_domains').set({ record_missing_since: new Date(), sso_required: false }).where('id', '=', row.id).execute();
    await page.reload();
    await page.waitForSelector(`${id}-missing`);
    t.match(await page.textContent(`${id}-missing`), /TXT record missing since .*Microsoft sign-in cannot be required until it is published again and checked/);
    t.equal(await page.textContent(`${id}-verify`), 'Check again');
    t.ok(await page.isDisabled(`${id}-required`), 'the requirement cannot be turned on while the record is missing');
    await page.locator('#login-domains').screenshot({ path: `${RESULTS}/login-domains-missing.png` });
    await page.click(`${id}-verify`);
    await page.waitForSelector(`${id}-missing`, { state: 'detached' });
    t.match(await page.textContent(`${id}-verify-result`), /is verified/, 'the record is there: the warning clears');
    t.same(await idProblems(page), [], 'every control has a unique id');
    await requireSso();

    await page.click(`${id}-disable`);
    await page.waitForSelector(`${id}-disable-confirm[open]`);
    t.match(await page.textContent(`${id}-disable-confirm p`), `Microsoft sign-in is required for ${domain}. Disabling the domain turns Microsoft sign-in off for it`);
    t.equal(await page.textContent(`${id}-status`), 'Verified', 'nothing changed yet');
    await page.click(`${id}-disable-confirm-confirm`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Disabled', `${id}-status`);
    t.equal(await page.$(`${id}-disable-confirm[open]`), null, 'the dialog closed');
    const stored = await ee.db.selectFrom('msp_sso_login_domains').select(['status', 'sso_required']).where('id', '=', row.id).executeTakeFirstOrThrow();
    t.same(stored, { status: 'disabled', sso_required: false });
    t.same(unexpected(consoleErrors), [], 'no console errors');
  });
}
