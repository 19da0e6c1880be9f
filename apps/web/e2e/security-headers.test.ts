// The built app under its Content-Security-Policy in a real browser: it signs in, renders its pages
// (EE, so the settings and calendar screens too) and the browser reports no policy violation; the
// app cannot be framed.
import t from 'tap';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const ee = await startServer('ee');
  t.teardown(ee.close);
  const tenant = await seedTenant(ee.db, 'csp');

  t.test('the app signs in and renders under its CSP with no violation', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    // Recorded in the page from the first script on, before the app's own.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const response = await page.goto(`${ee.url}/`);
    t.match(response?.headers()['content-security-policy'], /script-src 'self'/);
    await signInAs(page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await page.waitForSelector('#schedule-new');
    for (const path of ['/clients', '/settings', '/profile']) {
      await page.goto(`${ee.url}${path}`);
      await page.waitForSelector('#sign-out');
    }
    t.ok(await page.evaluate(() => getComputedStyle(document.body).fontFamily.includes('system-ui')), 'the stylesheet applied');
    const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    t.same(await violations(), []);
    t.same(consoleErrors, []);
    // The recorder works: an inline style attribute, which the policy forbids, is reported.
    await page.evaluate(() => document.body.setAttribute('style', 'color: red'));
    await page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
    t.match(await violations(), [/^style-src/]);
  });

  t.test('no page can frame the app', async (t) => {
    const { page } = await openPage(t, browser);
    // A frame of the app from another origin (about:blank here); the browser refuses to render it.
    await page.setContent(`<iframe id="framed" src="${ee.url}/"></iframe>`);
    const frame = (await (await page.waitForSelector('#framed')).contentFrame())!;
    await frame.waitForLoadState('load');
    t.notOk(frame.url().startsWith(ee.url), `the frame shows the browser's error page, not the app (${frame.url()})`);
  });
}
