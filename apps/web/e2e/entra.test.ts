// Settings → Integrations → Microsoft Entra in a real browser against the Microsoft emulator: hidden
// while the flag is off; with the flags on (through the admin API) the wizard runs end to end —
// connect through the consent page, discover, map, initial sync — and the client page offers
// "Sync Entra now".
import t from 'tap';
import { seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { FEATURE_FLAGS } from '@switchboard/core';
import { browserOrSkip, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const SECRET = 'Entra~browser-partner-secret-42';

const browser = await browserOrSkip(t);
if (browser) {
  const ms = await startMicrosoftEmulator();
  t.teardown(ms.close);
  const partner = ms.directory.seedPartner({ customers: 3, usersPerCustomer: 12, seed: 42, app: { clientSecrets: [SECRET], redirectUris: [] } });
  const [customer] = partner.customers;

  t.test('the Entra wizard end to end; hidden while its flag is off', async (t) => {
    const server = await startServer('ee', { MICROSOFT_LOGIN_URL: ms.url, MICROSOFT_GRAPH_URL: ms.url, SWITCHBOARD_WORKERS: 'inline' });
    t.teardown(server.close);
    partner.app.redirectUris.push(`${server.url}/api/integrations/entra/callback`);
    const tenant = await seedTenant(server.db, 'web-entra');
    const api = await signIn(server.app, tenant.admin.email);
    const client = (await api.request('POST', '/api/clients', { name: 'Browser Client', domains: [ms.directory.store.defaultDomain(customer)] })).json();
    await api.request('POST', '/api/microsoft/profiles', { displayName: 'Partner app', clientId: partner.app.clientId, authorityTenant: 'organizations', clientSecret: SECRET });

    const { page } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${server.url}/settings?category=entra`);
    await page.waitForSelector('#settings-category-providers');
    t.equal(await page.locator('#settings-category-entra').count(), 0, 'flag off: no Entra category');
    t.match(page.url(), /category=providers/, 'a stale link falls back');
    await page.goto(`${server.url}/clients/${client.id}`);
    await page.waitForSelector('#client-name');
    t.equal(await page.locator('#client-entra-sync-now').count(), 0, 'flag off: no client action');

    for (const { key } of FEATURE_FLAGS) t.equal((await api.request('PUT', `/api/feature-flags/${key}`, { enabled: true })).statusCode, 200);
    await page.goto(`${server.url}/settings?category=entra`);
    await page.waitForSelector('#entra-connect-form');
    t.same(await idProblems(page), []);

    // Connect: pick the profile, consent as the partner admin on the emulator's page, come back.
    await page.selectOption('#entra-profile', { label: 'Partner app' });
    await page.click('#entra-connect');
    await page.waitForURL(`${ms.url}/**`);
    await page.fill('#login-email', partner.admin.userPrincipalName);
    await page.click('#consent-accept');
    await page.waitForSelector('#entra-connect-outcome');
    t.match(await page.textContent('#entra-connected'), /Partner app/);

    await page.click('#entra-discover');
    await page.waitForSelector('#entra-discover-result');
    t.match(await page.textContent('#entra-discover-result'), /Found 3 tenants/);
    await page.waitForSelector(`#entra-map-row-${customer.id}`);
    t.match(await page.textContent(`#entra-map-row-${customer.id}`), /Domain match/);
    t.equal(await page.inputValue(`#entra-map-choice-${customer.id}`), client.id, 'the domain match is proposed');
    await page.selectOption(`#entra-map-choice-${partner.customers[1].id}`, 'skip');
    await page.click('#entra-map-confirm');
    await page.waitForSelector('#entra-map-confirmed');

    await page.click('#entra-sync-start');
    await page.waitForFunction(() => document.querySelector('#entra-run-detail-status')?.textContent === 'succeeded', undefined, { timeout: 60_000 });
    const created = ms.directory.store.users(customer.id).filter((u) => u.userType === 'Member' && u.accountEnabled).length;
    // The run list refreshes on its own poll, which may come a moment after the detail's.
    await page.waitForFunction((n) => document.querySelector('#entra-runs')?.textContent?.includes(`Created ${n}`), created, { timeout: 30_000 }).catch(() => undefined);
    t.match(await page.textContent('#entra-runs'), new RegExp(`Created ${created}`));
    t.same(await idProblems(page), []);
    const contacts = await server.db.selectFrom('contacts').select('id').where('client_id', '=', client.id).execute();
    t.equal(contacts.length, created);

    await page.goto(`${server.url}/clients/${client.id}`);
    await page.click('#client-entra-sync-now');
    await page.waitForFunction(() => /Last Entra sync: succeeded/.test(document.querySelector('#client-entra-sync-status')?.textContent ?? ''), undefined, { timeout: 60_000 });
    t.same(await idProblems(page), []);
  });
}
