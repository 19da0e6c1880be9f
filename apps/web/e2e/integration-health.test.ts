// Settings → Integrations → Providers starts with Integration health: "All integrations are
// healthy", then a calendar connection in error shown with its reason and the action to take.
import t from 'tap';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  t.test('healthy, then a condition with reason and action', async (t) => {
    const ee = await startServer('ee');
    t.teardown(ee.close);
    const tenant = await seedTenant(ee.db, 'web-health');
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ee.url}/settings?category=providers`);
    await page.waitForSelector('#integration-health-ok');
    t.match(await page.textContent('#integration-health'), /All integrations are healthy/);

    await ee.db
      .insertInto('calendar_providers')
      .values({ tenant_id: tenant.tenantId, user_id: tenant.technician.id, provider_type: 'microsoft', display_name: 'Outlook', status: 'error', error_message: 'The calendar account no longer grants Switchboard access.', needs_reconnect: true })
      .execute();
    await page.reload();
    await page.waitForSelector('#integration-health-list');
    const item = await page.textContent('#integration-health-item-0');
    t.match(item, /Calendar sync stopped: Microsoft calendar of tech web-health/);
    t.match(item, /no longer grants Switchboard access/);
    t.match(item, /reconnects the calendar under Profile/);
    t.same(await idProblems(page), [], 'every interactive element has a unique id');
    t.same(consoleErrors, []);
  });
}
