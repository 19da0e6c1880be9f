// The Entra connection card in a real browser against the Microsoft and CIPP emulators: a Direct
// connection whose partner sign-in Microsoft stops accepting (revokeSignInSessions) says so after
// "Test connection", shows the reconnect banner, and the Reconnect button runs the Direct consent
// again; the CIPP form tests settings before saving them and takes an optional token scope.
import t from 'tap';
import { seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';
import { startCippEmulator, startMicrosoftEmulator } from '@switchboard/emulators';
import type { Page } from 'playwright-core';
import { FEATURE_FLAGS } from '@switchboard/core';
import { browserOrSkip, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const SECRET = 'Entra~browser-connection-secret-61';
const CIPP_SECRET = 'Cipp~browser-connection-secret-62';

const browser = await browserOrSkip(t);
if (browser) {
  const ms = await startMicrosoftEmulator();
  t.teardown(ms.close);
  const partner = ms.directory.seedPartner({ customers: 3, usersPerCustomer: 4, seed: 61, app: { clientSecrets: [SECRET], redirectUris: [] } });
  const cippApp = ms.identity.addApp({ homeTenantId: partner.partner.id, clientSecrets: [CIPP_SECRET], displayName: 'CIPP-API' });
  const cipp = await startCippEmulator({ tokens: ms.tokens, store: ms.directory.store, apiClientId: cippApp.clientId });
  t.teardown(cipp.close);
  const server = await startServer('ee', { MICROSOFT_LOGIN_URL: ms.url, MICROSOFT_GRAPH_URL: ms.url, SWITCHBOARD_WORKERS: 'inline', SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: 'true' });
  t.teardown(server.close);
  partner.app.redirectUris.push(`${server.url}/api/integrations/entra/callback`);

  async function adminWithFlags(label: string) {
    const tenant = await seedTenant(server.db, label);
    const api = await signIn(server.app, tenant.admin.email);
    for (const { key } of FEATURE_FLAGS) {
      const res = await api.request('PUT', `/api/feature-flags/${key}`, { enabled: true });
      if (res.statusCode !== 200) throw new Error(`flag ${key}: ${res.statusCode}`);
    }
    return { tenant, api };
  }

  /** From the Microsoft emulator's consent page back to the Entra settings page. */
  async function consent(page: Page) {
    await page.waitForURL(`${ms.url}/**`);
    await page.fill('#login-email', partner.admin.userPrincipalName);
    await page.click('#consent-accept');
    await page.waitForSelector('#entra-connect-outcome');
  }

  t.test('Direct: a refused partner sign-in shows the reconnect banner; Reconnect restores the connection', async (t) => {
    const { tenant, api } = await adminWithFlags('web-entra-reconnect');
    await api.request('POST', '/api/microsoft/profiles', { displayName: 'Partner app', clientId: partner.app.clientId, authorityTenant: 'organizations', clientSecret: SECRET });
    const { page } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${server.url}/settings?category=entra`);
    await page.selectOption('#entra-profile', { label: 'Partner app' });
    await page.click('#entra-connect');
    await consent(page);

    await page.click('#entra-test-connection');
    await page.waitForSelector('#entra-test-connection-result');
    t.equal(await page.textContent('#entra-test-connection-result'), 'Microsoft Graph answered: 3 customer tenants visible.');
    t.equal(await page.locator('#entra-needs-reconnect').count(), 0);

    // The partner admin's sessions are revoked in Entra: every refresh token of the connection is refused.
    ms.identity.revokeRefreshTokens(partner.admin.id);
    await page.click('#entra-test-connection');
    await page.waitForSelector('#entra-needs-reconnect');
    t.match(await page.textContent('#entra-test-connection-result'), /no longer accepts the partner sign-in/);
    t.match(await page.textContent('#entra-needs-reconnect'), /Microsoft no longer accepts the partner sign-in/);
    t.same(await idProblems(page), []);

    await page.click('#entra-reconnect');
    await consent(page);
    t.equal(await page.locator('#entra-needs-reconnect').count(), 0, 'the banner is gone');
    await page.click('#entra-test-connection');
    await page.waitForFunction(() => /3 customer tenants visible/.test(document.querySelector('#entra-test-connection-result')?.textContent ?? ''));
    t.same(await idProblems(page), []);
  });

  t.test('CIPP: test the settings before saving; an optional token scope', async (t) => {
    const { tenant } = await adminWithFlags('web-entra-cipp-test');
    const { page } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${server.url}/settings?category=entra`);
    await page.click('#entra-kind-cipp');
    await page.fill('#entra-cipp-url', cipp.url);
    await page.fill('#entra-cipp-client', cippApp.clientId);
    t.equal(await page.getAttribute('#entra-cipp-scope', 'placeholder'), `api://${cippApp.clientId}/.default`, 'the default scope is the placeholder');
    await page.fill('#entra-cipp-secret', 'Wrong~secret-value-000000');
    await page.fill('#entra-cipp-tenant', partner.partner.id);

    await page.click('#entra-cipp-test');
    await page.waitForSelector('#entra-cipp-test-result');
    t.match(await page.textContent('#entra-cipp-test-result'), /Microsoft refused a token for the CIPP API app \(invalid_client, AADSTS7000215\)/);

    await page.fill('#entra-cipp-secret', CIPP_SECRET);
    t.equal(await page.locator('#entra-cipp-test-result').count(), 0, 'an edit clears the stale result');
    await page.fill('#entra-cipp-scope', `api://${cippApp.clientId}/.default`);
    await page.click('#entra-cipp-test');
    await page.waitForSelector('#entra-cipp-test-result');
    t.equal(await page.textContent('#entra-cipp-test-result'), 'CIPP answered: 3 customer tenants visible.');
    t.equal((await server.db.selectFrom('entra_connections').select('id').where('tenant_id', '=', tenant.tenantId).execute()).length, 0, 'testing saved nothing');

    await page.click('#entra-connect');
    await page.waitForSelector('#entra-connected');
    t.match(await page.textContent('#entra-connected'), /through CIPP/);
    t.notOk((await page.content()).includes(CIPP_SECRET), 'the secret is not on the page');
    t.same(await idProblems(page), []);
  });
}
