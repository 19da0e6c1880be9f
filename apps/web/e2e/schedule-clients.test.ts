// Entries linked to clients (issue 22): an entry created in the entry dialog with a client and one
// of its contacts shows on the client's page and opens its day on the schedule; an admin changes
// the working hours in Settings.
import t from 'tap';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const ce = await startServer('ce');
  t.teardown(ce.close);
  const tenant = await seedTenant(ce.db, 'schedule-clients-web');
  const client = await ce.db.insertInto('clients').values({ tenant_id: tenant.tenantId, name: 'Acme Dispatch', domains: [] }).returning('id').executeTakeFirstOrThrow();
  await ce.db.insertInto('clients').values({ tenant_id: tenant.tenantId, name: 'Globex Dispatch', domains: [] }).execute();
  const contact = await ce.db
    .insertInto('contacts')
    .values({ tenant_id: tenant.tenantId, client_id: client.id, full_name: 'Ada Lovelace' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ce.db.insertInto('contacts').values({ tenant_id: tenant.tenantId, client_id: client.id, full_name: 'Retired Person', is_inactive: true }).execute();

  t.test('an entry created with a client and contact is listed on the client’s page', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ce.url}/schedule`);
    await page.click('#schedule-new');
    await page.waitForSelector('#entry-form');
    // Tomorrow in the browser's zone, so the entry is upcoming whatever the time of day.
    const tomorrow = await page.evaluate(() => {
      const d = new Date(Date.now() + 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    await page.fill('#entry-form-title', 'Firewall upgrade');
    await page.fill('#entry-form-date', tomorrow);
    await page.fill('#entry-form-start-time', '09:00');
    await page.fill('#entry-form-end-time', '10:30');
    t.ok(await page.isDisabled('#entry-form-contact'), 'no contact before a client');

    await page.fill('#entry-form-client-search', 'acme');
    await page.waitForFunction(() => {
      const options = [...document.querySelectorAll('#entry-form-client option')].map((o) => o.textContent);
      return options.includes('Acme Dispatch') && !options.includes('Globex Dispatch');
    });
    await page.selectOption('#entry-form-client', client.id);
    await page.waitForSelector(`#entry-form-contact option[value="${contact.id}"]`, { state: 'attached' });
    const contactOptions = await page.locator('#entry-form-contact option').allTextContents();
    t.same(contactOptions, ['No contact', 'Ada Lovelace'], 'only the client’s active contacts are offered');
    await page.selectOption('#entry-form-contact', contact.id);
    await page.check(`#entry-form-assignee-${tenant.technician.id}`);
    await page.click('#entry-form-submit');
    await page.waitForSelector('#entry-form', { state: 'hidden' });

    const stored = await ce.db.selectFrom('schedule_entries').select(['id', 'client_id', 'contact_id']).where('title', '=', 'Firewall upgrade').executeTakeFirstOrThrow();
    t.same([stored.client_id, stored.contact_id], [client.id, contact.id]);

    await page.goto(`${ce.url}/clients/${client.id}`);
    const row = page.locator(`#client-schedule-table tr[data-entry-id="${stored.id}"]`);
    await row.waitFor();
    const text = await row.textContent();
    t.match(text, /Firewall upgrade/);
    t.match(text, /tech schedule-clients-web/, 'with its technician');
    t.same(await idProblems(page), []);
    await row.locator('a').click();
    await page.waitForURL((url) => url.pathname === '/schedule' && url.searchParams.get('view') === 'week' && url.searchParams.get('date') === tomorrow);

    // An entry no longer linked to the client is off its page.
    await ce.db.updateTable('schedule_entries').set({ client_id: null, contact_id: null }).where('id', '=', stored.id).execute();
    await page.goto(`${ce.url}/clients/${client.id}`);
    await page.waitForSelector('#client-schedule-empty');
    t.same(consoleErrors, []);
  });

  t.test('an admin changes the working hours in Settings', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${ce.url}/settings?category=schedule`);
    await page.waitForSelector('#working-hours-form');
    t.equal(await page.inputValue('#working-hours-start'), '08:00', 'the default start');
    t.equal(await page.inputValue('#working-hours-end'), '17:00', 'the default end');

    await page.selectOption('#working-hours-end', '07:00');
    await page.waitForSelector('#working-hours-end-error');
    t.ok(await page.isDisabled('#working-hours-save'), 'an end before the start cannot be saved');
    await page.selectOption('#working-hours-start', '07:00');
    await page.selectOption('#working-hours-end', '18:30');
    await page.uncheck('#working-hours-day-5');
    await page.check('#working-hours-day-6');
    t.same(await idProblems(page), []);
    await page.click('#working-hours-save');
    await page.waitForSelector('#working-hours-saved');

    const row = await ce.db.selectFrom('schedule_settings').selectAll().where('tenant_id', '=', tenant.tenantId).executeTakeFirstOrThrow();
    t.same([row.work_start_minute, row.work_end_minute, row.work_days], [420, 1110, [1, 2, 3, 4, 6]]);
    const audit = await ce.db.selectFrom('audit_log').select('action').where('tenant_id', '=', tenant.tenantId).where('action', '=', 'schedule_settings.updated').execute();
    t.equal(audit.length, 1, 'audited');

    await page.reload();
    await page.waitForSelector('#working-hours-form');
    t.equal(await page.inputValue('#working-hours-start'), '07:00');
    t.equal(await page.inputValue('#working-hours-end'), '18:30');
    t.notOk(await page.isChecked('#working-hours-day-5'));
    t.ok(await page.isChecked('#working-hours-day-6'));
    t.same(consoleErrors, []);
  });

  t.test('a settings viewer sees the working hours but cannot change them', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.viewer.email, TEST_PASSWORD);
    await page.goto(`${ce.url}/settings?category=schedule`);
    await page.waitForSelector('#working-hours-form');
    t.ok(await page.isDisabled('#working-hours-start'));
    t.equal(await page.locator('#working-hours-save').count(), 0);
    t.match(await page.textContent('#working-hours'), /Only admins can change the working hours/);
    t.same(consoleErrors, []);
  });
}
