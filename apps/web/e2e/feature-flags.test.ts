// Settings → Feature flags in a real browser (EE): every flag says what it does; an admin's switch
// saves, and the Microsoft Entra category appears at once, without a reload or a restart. A settings
// viewer sees the same list and cannot change it.
import t from 'tap';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { FEATURE_FLAGS } from '@switchboard/core';
import { browserOrSkip, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const server = await startServer('ee');
  t.teardown(server.close);
  const tenant = await seedTenant(server.db, 'web-flags');

  t.test('an admin turns on the Entra flag and the Entra category appears without a restart', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.admin.email, TEST_PASSWORD);
    await page.goto(`${server.url}/settings?category=flags`);
    await page.waitForSelector('#feature-flag-entra-integration-ui-toggle');
    t.equal(await page.locator('#settings-category-entra').count(), 0, 'flag off: no Entra category');

    for (const flag of FEATURE_FLAGS) {
      const row = await page.textContent(`#feature-flag-${flag.key}`);
      t.match(row, flag.title, `${flag.key} shows its title`);
      t.match(row, flag.description, `${flag.key} says what it does`);
      t.match(row, 'Now off for your organisation (the default). Default: off.');
    }
    t.same(await idProblems(page), []);

    await page.check('#feature-flag-entra-integration-ui-toggle');
    // The layout's edition query is refreshed by the save: the category shows on this same page.
    await page.waitForSelector('#settings-category-entra');
    await page.waitForFunction(() => /Now on for your organisation \(set here\)/.test(document.querySelector('#feature-flag-entra-integration-ui-state')?.textContent ?? ''));
    t.ok(await page.isChecked('#feature-flag-entra-integration-ui-toggle'));
    t.match(await page.textContent('#feature-flag-entra-integration-cipp-state'), 'Now off', 'the other flags are untouched');
    await page.screenshot({ path: `${RESULTS}/feature-flags-entra-on.png`, fullPage: true });

    const stored = await server.db
      .selectFrom('feature_flag_tenants')
      .select('enabled')
      .where('tenant_id', '=', tenant.tenantId)
      .where('flag_key', '=', 'entra-integration-ui')
      .executeTakeFirstOrThrow();
    t.equal(stored.enabled, true, 'saved for the tenant');
    const audit = await server.db.selectFrom('audit_log').select('actor_user_id').where('action', '=', 'feature_flag.set').where('tenant_id', '=', tenant.tenantId).execute();
    t.same(audit, [{ actor_user_id: tenant.admin.id }], 'and audited');

    await page.click('#settings-category-entra');
    await page.waitForSelector('#settings-panel-entra');
    t.match(page.url(), /category=entra/);

    // Back to the default: the category goes away again, also without a reload.
    await page.click('#settings-category-flags');
    await page.click('#feature-flag-entra-integration-ui-reset');
    await page.waitForFunction(() => !document.querySelector('#settings-category-entra'));
    t.notOk(await page.isChecked('#feature-flag-entra-integration-ui-toggle'));
    t.same(consoleErrors, []);
  });

  t.test('a settings viewer reads the flags but cannot switch them', async (t) => {
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, server.url, tenant.viewer.email, TEST_PASSWORD);
    await page.goto(`${server.url}/settings?category=flags`);
    await page.waitForSelector('#feature-flag-entra-integration-ui-toggle');
    t.match(await page.textContent('#feature-flags'), 'Only admins can change feature flags.');
    for (const flag of FEATURE_FLAGS) t.ok(await page.isDisabled(`#feature-flag-${flag.key}-toggle`), `${flag.key} cannot be switched`);
    await page.screenshot({ path: `${RESULTS}/feature-flags-viewer.png`, fullPage: true });
    t.same(consoleErrors, []);
  });
}
