// The demo's Entra wizard in a real browser, seeded as `npm run demo` seeds it and then driven only
// through the page: connect through the emulator's consent page, discover, accept a domain match,
// pick the suggested client for a tenant that needs review, create clients for the unmatched tenants
// (one undone, one first named like an existing client and refused), confirm, run the initial sync;
// the review queue then shows the demo's ambiguous user.
import t from 'tap';
import { signIn } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';
import { DEMO_ADMIN, seedDemo, seedDemoIntegrations } from '../../../scripts/src/demo-data.js';
import { DEMO_ENTRA_CUSTOMERS, DEMO_PARTNER, DEMO_PARTNER_APP, redirectUris, startDemoEmulators } from '../../../scripts/src/demo-emulators.js';

const browser = await browserOrSkip(t);
if (browser) {
  const emulators = await startDemoEmulators({ publicUrl: 'http://127.0.0.1', googlePort: 0, microsoftPort: 0 });
  t.teardown(emulators.close);
  const server = await startServer('ee', { ...emulators.env, SWITCHBOARD_WORKERS: 'inline' });
  t.teardown(server.close);
  // The server's port is chosen as it starts: the demo's partner app learns its redirect URI now.
  emulators.microsoft.identity.store.apps.get(DEMO_PARTNER_APP.clientId)!.redirectUris.push(redirectUris(server.url).entra);
  await seedDemo(server.db);
  const api = await signIn(server.app, DEMO_ADMIN.email, DEMO_ADMIN.password);
  await seedDemoIntegrations(api, emulators.dns);

  const tenants = [...emulators.microsoft.identity.store.tenants.values()];
  const tenantId = (name: string) => tenants.find((x) => x.displayName === name)!.id;
  const named = new Set(DEMO_ENTRA_CUSTOMERS.map((c) => c.displayName));
  const generated = emulators.microsoft.directory.store.relationships
    .map((r) => tenants.find((x) => x.id === r.customerId)!)
    .filter((x) => !named.has(x.displayName))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  const contoso = tenantId('Contoso Dental Ltd');
  const northwind = tenantId('Northwind Legal');
  const [created, undone] = generated;

  t.test('the demo wizard from Connect to a finished initial sync, and the review queue', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await page.setViewportSize({ width: 1400, height: 900 });
    await signInAs(page, server.url, DEMO_ADMIN.email, DEMO_ADMIN.password);
    await page.goto(`${server.url}/settings?category=entra`);

    await page.selectOption('#entra-profile', { label: DEMO_PARTNER_APP.displayName });
    await page.click('#entra-connect');
    await page.waitForURL(`${emulators.microsoft.url}/**`);
    await page.fill('#login-email', emulators.partnerAdmin);
    await page.click('#consent-accept');
    await page.waitForSelector('#entra-connect-outcome');

    await page.click('#entra-discover');
    await page.waitForSelector('#entra-discover-result');
    t.match(await page.textContent('#entra-discover-result'), `Found ${DEMO_PARTNER.customers + DEMO_ENTRA_CUSTOMERS.length} tenants`);
    await page.waitForSelector('#entra-map-table');
    t.equal(await page.isDisabled('#entra-sync-start'), true, 'nothing mapped: no initial sync');
    t.equal(await page.textContent('#entra-sync-blocked'), 'Map at least one tenant to a client first.');

    // A domain match is proposed as it is; the tenant to review gets its suggested client.
    t.match(await page.textContent(`#entra-map-row-${contoso}`), /Domain match/);
    t.match(await page.inputValue(`#entra-map-choice-${contoso}`), /^[0-9a-f-]{36}$/);
    t.match(await page.textContent(`#entra-map-row-${northwind}`), /Needs review.*Northwind Legal LLP \(100%\)/);
    await page.selectOption(`#entra-map-choice-${northwind}`, { label: 'Northwind Legal LLP (suggested)' });

    // Every unmatched tenant at once, then one of them undone.
    t.equal(await page.textContent('#entra-map-create-all'), `Create clients for all unmatched (${generated.length})`);
    await page.click('#entra-map-create-all');
    t.equal(await page.textContent('#entra-map-create-all'), 'Create clients for all unmatched (0)');
    const ownDomains = (x: (typeof generated)[number]) => x.domains.filter((d) => d.isVerified && !d.isInitial).map((d) => d.id).join(', ');
    t.equal(await page.inputValue(`#entra-map-new-name-${created.id}`), created.displayName);
    const proposal = await page.textContent(`#entra-map-new-${created.id}`);
    t.match(proposal, /^New client:/);
    t.match(proposal, `— ${ownDomains(created)}`, 'its own verified domains, not the onmicrosoft.com one');
    t.notMatch(proposal, /onmicrosoft/);
    await page.click(`#entra-map-undo-${undone.id}`);
    t.equal(await page.inputValue(`#entra-map-choice-${undone.id}`), '', 'undone: back to not mapped');
    t.equal(await page.textContent('#entra-map-create-all'), 'Create clients for all unmatched (1)');
    // Two domain matches, the reviewed tenant and the new clients.
    const changes = 2 + 1 + generated.length - 1;
    t.equal(await page.textContent('#entra-map-confirm'), `Confirm ${changes} changes`);
    await page.screenshot({ path: `${RESULTS}/entra-demo-1-preview.png`, fullPage: true });

    // A new client named like an existing one is refused on its row, and nothing is saved.
    await page.fill(`#entra-map-new-name-${created.id}`, 'Contoso Dental');
    await page.click('#entra-map-confirm');
    await page.waitForSelector(`#entra-map-row-error-${created.id}-0`);
    t.equal(await page.textContent(`#entra-map-row-error-${created.id}-0`), 'a client named "Contoso Dental" already exists: map the tenant to it, or choose another name');
    t.equal(await page.textContent('#entra-map-confirm-error'), 'Some choices could not be saved; see the rows above. Nothing was changed.');
    t.match(await page.textContent(`#entra-map-row-${contoso}`), /Domain match/, 'nothing was mapped');
    await page.screenshot({ path: `${RESULTS}/entra-demo-2-refused.png`, fullPage: true });
    await page.fill(`#entra-map-new-name-${created.id}`, created.displayName);

    await page.click('#entra-map-confirm');
    await page.waitForSelector('#entra-map-confirmed');
    t.match(await page.textContent('#entra-map-confirmed'), `Created ${generated.length - 1} clients: `);
    await page.waitForFunction((id) => /Mapped/.test(document.querySelector(`#entra-map-row-${id}`)?.textContent ?? ''), created.id);
    const clients: { id: string; name: string }[] = (await api.request('GET', '/api/clients?limit=100')).json().items;
    const newClient = clients.find((c) => c.name === created.displayName)!;
    t.ok(newClient, 'the client exists');
    t.equal(await page.inputValue(`#entra-map-choice-${created.id}`), newClient.id, 'the tenant shows as mapped to its new client');
    t.match(await page.textContent(`#entra-map-row-${northwind}`), /Mapped/);
    t.match(await page.textContent(`#entra-map-row-${undone.id}`), /No match/);
    t.equal(await page.locator('#entra-sync-blocked').count(), 0, 'something mapped: the sync can start');

    await page.click('#entra-sync-start');
    await page.waitForFunction(() => document.querySelector('#entra-run-detail-status')?.textContent === 'succeeded', undefined, { timeout: 60_000 });
    t.match(await page.textContent(`#entra-run-detail`), /Contoso Dental Ltd: succeeded/);
    t.match(await page.textContent(`#entra-run-detail`), new RegExp(`${created.displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: succeeded \\(full\\) — Created \\d+`));

    // The demo's ambiguous user: two Contoso Dental contacts share Maria Lopez's address.
    await page.waitForSelector('#entra-ambiguous');
    const queue = await page.textContent('#entra-ambiguous');
    t.match(queue, /Maria Lopez/);
    t.match(queue, /maria@contosodental\.example/);
    t.match(queue, /Link to Maria Lopez-Garcia/);
    await page.locator('#entra-ambiguous').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${RESULTS}/entra-demo-3-synced.png`, fullPage: true });
    t.same(await idProblems(page), []);
    t.same(consoleErrors.filter((e) => !/status of 400 .*entra\/mappings/.test(e)), [], 'no errors but the expected 400 of the refused name');
  });
}
