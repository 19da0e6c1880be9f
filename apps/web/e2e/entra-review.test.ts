// The Entra review queue in a real browser: a contact deleted in Switchboard brings its Entra user to
// the queue with the reason and "Re-create contact" / "Ignore this user"; re-creating empties it.
// Set up through the API (connect, map, sync, delete), checked and acted on in the page.
import t from 'tap';
import { seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { ALL_FLAGS, connectDirect, seedPartnerFor, setFlags, waitForRun } from '@switchboard/testing/entra';
import { browserOrSkip, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const ms = await startMicrosoftEmulator();
  t.teardown(ms.close);
  const partner = seedPartnerFor(ms, { customers: 1, usersPerCustomer: 10, seed: 59 });
  const [customer] = partner.customers;

  t.test('a contact deleted in Switchboard shows in the queue with its reason, and can be re-created', async (t) => {
    const server = await startServer('ee', { MICROSOFT_LOGIN_URL: ms.url, MICROSOFT_GRAPH_URL: ms.url, SWITCHBOARD_WORKERS: 'inline' });
    t.teardown(server.close);
    partner.app.redirectUris.push(`${server.url}/api/integrations/entra/callback`);
    const tenant = await seedTenant(server.db, 'web-entra-review');
    const api = await signIn(server.app, tenant.admin.email);
    await setFlags(api, ALL_FLAGS, true);
    await connectDirect(api, partner);
    await api.request('POST', '/api/integrations/entra/discover');
    const client = (await api.request('POST', '/api/clients', { name: 'Review Client', domains: [ms.directory.store.defaultDomain(customer)] })).json();
    const [preview] = (await api.request('GET', '/api/integrations/entra/mappings/preview')).json().items;
    await api.request('POST', '/api/integrations/entra/mappings', { mappings: [{ managedTenantId: preview.managedTenantId, action: 'map', clientId: client.id }] });
    const sync = async () => waitForRun(api, (await api.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
    t.equal((await sync()).status, 'succeeded');

    const user = ms.directory.store.users(customer.id).find((u) => u.userType === 'Member' && u.accountEnabled)!;
    const linkOf = () => server.db.selectFrom('entra_contact_links').select('contact_id').where('entra_user_id', '=', user.id).executeTakeFirstOrThrow();
    t.equal((await api.request('DELETE', `/api/contacts/${(await linkOf()).contact_id}`)).statusCode, 200);
    t.equal((await sync()).status, 'succeeded');
    const [item] = (await api.request('GET', '/api/integrations/entra/ambiguous')).json().items;
    t.equal(item.reason, 'contact_deleted');

    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${server.url}/settings?category=entra`);
    await page.waitForSelector(`#entra-ambiguous-${item.id}`);
    t.match(await page.textContent(`#entra-ambiguous-${item.id}`), new RegExp(user.displayName));
    t.match(await page.textContent(`#entra-ambiguous-${item.id}-reason`), /Contact deleted in Switchboard/);
    t.equal((await page.textContent(`#entra-ambiguous-${item.id}-create`))?.trim(), 'Re-create contact');
    t.equal((await page.textContent(`#entra-ambiguous-${item.id}-dismiss`))?.trim(), 'Ignore this user');
    t.same(await idProblems(page), []);
    await page.locator('#entra-ambiguous').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${RESULTS}/entra-review-contact-deleted.png`, fullPage: true });

    await page.click(`#entra-ambiguous-${item.id}-create`);
    await page.waitForSelector('#entra-ambiguous-empty');
    const link = await linkOf();
    t.ok(link.contact_id, 'the link points at the re-created contact');
    const contact = await server.db.selectFrom('contacts').select(['client_id', 'email']).where('id', '=', link.contact_id!).executeTakeFirstOrThrow();
    t.same(contact, { client_id: client.id, email: user.mail });
    t.same(consoleErrors, []);
  });
}
