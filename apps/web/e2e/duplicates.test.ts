// Possible duplicates in a real browser: a new client with the name or a domain of an existing one,
// or a contact with an email already in use, shows a warning with "Open existing" (goes to that
// record, nothing created) and "Create anyway" (creates it).
import t from 'tap';
import { seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const server = await startServer('ce');
  t.teardown(server.close);
  const tenant = await seedTenant(server.db, 'web-dup');
  const api = await signIn(server.app, tenant.admin.email);
  const acme = (await api.request('POST', '/api/clients', { name: 'Acme Corporation', domains: ['acme.test'] })).json() as { id: string };
  const jane = (await api.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'Jane Doe', email: 'jane@acme.test' })).json() as { id: string };

  const clientsNamed = async (pattern: string) =>
    (await server.db.selectFrom('clients').select('name').where('tenant_id', '=', tenant.tenantId).where('name', 'ilike', pattern).orderBy('created_at').execute()).map((c) => c.name);

  t.test('a client like an existing one: the warning offers Open existing and Create anyway', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${server.url}/clients`);
    await page.click('#clients-new');
    await page.fill('#client-form-name', 'ACME, Inc.');
    await page.click('#client-form-submit');
    await page.waitForSelector('#client-form-duplicate');
    t.equal(await page.textContent('#client-form-duplicate-message'), 'A client like this already exists: "Acme Corporation" (same name). Open it, or save this one anyway.');
    t.equal(await page.textContent('#client-form-duplicate-open'), 'Open existing');
    t.equal(await page.getAttribute('#client-form-duplicate-open', 'href'), `/clients/${acme.id}`);
    t.equal(await page.textContent('#client-form-duplicate-confirm'), 'Create anyway');
    t.equal(await page.locator('#client-form-error').count(), 0, 'no second, generic error');
    t.same(await idProblems(page), []);
    await page.screenshot({ path: `${RESULTS}/duplicates-client-warning.png`, fullPage: true });

    await page.click('#client-form-duplicate-open');
    await page.waitForURL(`${server.url}/clients/${acme.id}`);
    t.equal(await page.textContent('#client-name'), 'Acme Corporation', 'the existing client is open');
    t.notOk(await page.isVisible('#client-form'), 'the dialog is closed');
    t.same(await clientsNamed('acme%'), ['Acme Corporation'], 'nothing was created');

    // A different name with the domain of the existing client; this time, create it anyway.
    await page.goto(`${server.url}/clients`);
    await page.click('#clients-new');
    await page.fill('#client-form-name', 'Acme Subsidiary');
    await page.fill('#client-form-domains', 'sub.example, acme.test');
    await page.click('#client-form-submit');
    await page.waitForSelector('#client-form-duplicate');
    t.match(await page.textContent('#client-form-duplicate-message'), '"Acme Corporation" (also has acme.test)');
    await page.click('#client-form-duplicate-confirm');
    await page.waitForFunction(() => document.querySelector('#client-name')?.textContent === 'Acme Subsidiary');
    t.match(page.url(), /\/clients\/[0-9a-f-]{36}$/);
    t.not(page.url(), `${server.url}/clients/${acme.id}`, 'the new client is open');
    t.same(await clientsNamed('acme%'), ['Acme Corporation', 'Acme Subsidiary']);
    t.same(consoleErrors.filter((e) => !/status of 409/.test(e)), [], 'no errors but the expected 409');
  });

  t.test('a contact with an email in use: Open existing shows it, Create anyway creates the second one', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.admin.email, TEST_PASSWORD);
    const fillNew = async () => {
      await page.click('#contacts-new');
      await page.selectOption('#contact-form-client', { label: 'Acme Corporation' });
      await page.fill('#contact-form-full-name', 'J. Doe');
      await page.fill('#contact-form-email', 'JANE@acme.test');
      await page.click('#contact-form-submit');
      await page.waitForSelector('#contact-form-duplicate');
    };
    await page.goto(`${server.url}/contacts`);
    await fillNew();
    t.equal(await page.textContent('#contact-form-duplicate-message'), 'Another contact already uses jane@acme.test: Jane Doe (Acme Corporation). Open the existing contact, or save this one anyway.');
    await page.screenshot({ path: `${RESULTS}/duplicates-contact-warning.png`, fullPage: true });
    await page.click('#contact-form-duplicate-open');
    await page.waitForURL(/\/contacts\?search=jane%40acme\.test&includeInactive=true$/);
    await page.waitForSelector(`#contact-edit-${jane.id}`);
    t.notOk(await page.isVisible('#contact-form'), 'the dialog is closed');
    t.equal(await page.locator('#contacts-table tbody tr').count(), 1, 'only the existing contact is listed');

    await fillNew();
    await page.click('#contact-form-duplicate-confirm');
    await page.waitForFunction(() => !document.querySelector('#contact-form')?.hasAttribute('open'));
    await page.waitForFunction(() => document.querySelectorAll('#contacts-table tbody tr').length === 2);
    const stored = await server.db.selectFrom('contacts').select('full_name').where('tenant_id', '=', tenant.tenantId).where('email', 'ilike', 'jane@acme.test').orderBy('created_at').execute();
    t.same(
      stored.map((c) => c.full_name),
      ['Jane Doe', 'J. Doe'],
    );
    t.same(consoleErrors.filter((e) => !/status of 409/.test(e)), [], 'no errors but the expected 409');
  });
}
