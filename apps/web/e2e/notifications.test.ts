// The notifications bell in a real browser: notifications raised through the service show with
// their count; opening one marks it read and follows its link; a new one appears when the tab
// regains focus; "Mark all read" clears the count.
import t from 'tap';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { notify, notifyAdmins } from '@switchboard/core';
import { browserOrSkip, idProblems, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  // EE: the calendar notifications link to Profile → Calendar, a tab only EE has.
  const ee = await startServer('ee');
  t.teardown(ee.close);
  const tenant = await seedTenant(ee.db, 'web-notify');

  t.test('a raised notification shows in the bell; opening it marks it read and follows its link', async (t) => {
    const tech = { tenantId: tenant.tenantId, userId: tenant.technician.id };
    const reconnect = await notify(ee.db, {
      ...tech,
      kind: 'calendar.reconnect_required',
      severity: 'error',
      title: 'Action required: reconnect your calendar',
      body: 'Google no longer accepts the stored authorization.',
      link: '/profile?tab=calendar',
      dedupeKey: 'calendar.reconnect:web',
    });
    await notify(ee.db, { ...tech, kind: 'calendar.conflict', severity: 'warning', title: 'A calendar conflict needs you', body: 'Both sides changed.' });
    // Admin alerts do not reach a technician.
    await notifyAdmins(ee.db, tenant.tenantId, { kind: 'integration.health', severity: 'error', title: 'Integration health: provider failed' });

    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.technician.email, TEST_PASSWORD);
    const bell = page.locator('#notifications-bell');
    await page.waitForFunction(() => document.querySelector('#notifications-bell')?.getAttribute('aria-label') === 'Notifications, 2 unread');
    t.equal(await page.textContent('#notifications-count'), '2');
    t.equal(await bell.getAttribute('aria-expanded'), 'false');

    await bell.click();
    await page.waitForSelector('#notifications-list');
    t.equal(await bell.getAttribute('aria-expanded'), 'true');
    const item = page.locator(`#notification-${reconnect.id}`);
    t.match(await item.textContent(), /Error.*Unread.*Action required: reconnect your calendar.*Google no longer accepts the stored authorization\./);
    t.equal(await item.getAttribute('data-severity'), 'error');
    t.match(await item.locator('time').textContent(), /now|second|minute/);
    t.equal(await page.locator('#notifications-list > li').count(), 2);
    t.notMatch(await page.textContent('#notifications-panel'), /Integration health/);
    t.same(await idProblems(page), [], 'every control in the open panel has a unique id');

    await page.click(`#notification-${reconnect.id}-open`);
    await page.waitForURL(`${ee.url}/profile?tab=calendar`);
    await page.waitForFunction(() => document.querySelector('#notifications-bell')?.getAttribute('aria-label') === 'Notifications, 1 unread');
    t.equal(await page.isVisible('#notifications-panel'), false, 'the panel closes when its link is followed');
    const stored = await ee.db.selectFrom('notifications').select('read_at').where('id', '=', reconnect.id).executeTakeFirstOrThrow();
    t.ok(stored.read_at, 'the notification is read in the database');

    // Raised while the page is open: coming back to the tab refetches without waiting for the poll.
    // Like the browser's own event, it bubbles to window, where TanStack Query listens.
    await notify(ee.db, { ...tech, kind: 'calendar.sync_failed', severity: 'info', title: 'Sync will retry' });
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
    await page.waitForFunction(() => document.querySelector('#notifications-bell')?.getAttribute('aria-label') === 'Notifications, 2 unread');

    await bell.click();
    await page.waitForSelector('#notifications-list');
    t.match(await page.textContent('#notifications-list > li:first-child'), /Sync will retry/, 'newest first');
    await page.click('#notifications-mark-all-read');
    await page.waitForFunction(() => document.querySelector('#notifications-bell')?.getAttribute('aria-label') === 'Notifications');
    t.equal(await page.isVisible('#notifications-count'), false);
    t.equal(await page.isDisabled('#notifications-mark-all-read'), true);
    t.equal(await page.locator('#notifications-list > li[data-unread]').count(), 0);

    await page.keyboard.press('Escape');
    await page.waitForSelector('#notifications-panel', { state: 'detached' });
    t.same(consoleErrors, []);
  });

  t.test('an admin sees the integration alert once however often it was raised', async (t) => {
    const alert = { kind: 'integration.health', severity: 'warning' as const, title: 'Integration health: renewal failing', body: 'Retrying.', dedupeKey: 'health:web' };
    await notifyAdmins(ee.db, tenant.tenantId, alert);
    await notifyAdmins(ee.db, tenant.tenantId, alert);
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await page.click('#notifications-bell');
    await page.waitForSelector('#notifications-list');
    t.equal(await page.locator('#notifications-list > li', { hasText: 'renewal failing' }).count(), 1);
    t.match(await page.getAttribute('#notifications-bell', 'aria-label'), /^Notifications, \d+ unread$/);
    t.same(consoleErrors, []);
  });
}
