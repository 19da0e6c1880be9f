// Settings → Users and passwords in a real browser: an admin adds a technician and hands over the
// invitation link; the technician sets a password through it and signs in; the admin cannot demote
// themselves as the last admin, changes their own password on Profile and signs in with it; and
// deactivating the technician ends their session at once.
import t from 'tap';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';

const TECH_PASSWORD = 'copper meadow lantern fig';
const ADMIN_NEW_PASSWORD = 'quiet harbour ostrich violin';

const browser = await browserOrSkip(t);
if (browser) {
  t.test('add a technician with an invitation link, they set a password and sign in; change password; deactivation ends their session', async (t) => {
    const server = await startServer('ce');
    t.teardown(server.close);
    const tenant = await seedTenant(server.db, 'web-users');
    // Refused requests (a weak password, the last admin) answer 4xx, which Chromium logs as console errors.
    const admin = (await openPage(t, browser)).page;
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signInAs(admin, server.url, tenant.admin.email, TEST_PASSWORD);

    // The admin adds a technician and gets the invitation link, shown once.
    await admin.goto(`${server.url}/settings?category=users`);
    await admin.waitForSelector('#users-table');
    t.equal(await admin.inputValue(`#user-${tenant.viewer.id}-role`), 'Settings viewer', 'the list shows each role');
    t.match(await admin.textContent(`#user-${tenant.clientUser.id}-role`), 'Client portal: Client of web-users');
    await admin.click('#users-add');
    await admin.fill('#add-user-name', 'Tess Tech');
    await admin.fill('#add-user-email', 'tess@web-users.test');
    await admin.selectOption('#add-user-role', 'Technician');
    await admin.click('#add-user-submit');
    await admin.waitForSelector('#password-link[open]');
    t.match(await admin.textContent('#password-link-heading'), 'Invitation link for Tess Tech');
    const link = await admin.inputValue('#password-link-url');
    t.match(link, new RegExp(`^${server.url}/reset-password\\?token=[\\w-]{43}$`));
    await admin.click('#password-link-copy');
    await admin.waitForSelector('#password-link-copied');
    t.equal(await admin.evaluate(() => navigator.clipboard.readText()), link, 'the copy button puts the link on the clipboard');
    await admin.screenshot({ path: `${RESULTS}/users-1-invitation-link.png`, fullPage: true });
    await admin.click('#password-link-done');
    const techRow = admin.locator('#users-table tbody tr[data-email="tess@web-users.test"]');
    await techRow.waitFor();
    t.match(await techRow.textContent(), /Tess Tech.*tess@web-users\.test.*Active/);
    const techId = (await techRow.getAttribute('id'))!.replace(/^user-/, '');

    // The technician opens the link; a weak password is explained, a strong one is set.
    const tech = (await openPage(t, browser)).page;
    await tech.goto(link);
    await tech.fill('#reset-password-new', 'password1234');
    await tech.fill('#reset-password-repeat', 'password1234');
    await tech.click('#reset-password-submit');
    t.match(await (await tech.waitForSelector('#reset-password-new-error')).textContent(), /too easy to guess/);
    await tech.fill('#reset-password-new', TECH_PASSWORD);
    await tech.fill('#reset-password-repeat', TECH_PASSWORD);
    await tech.click('#reset-password-submit');
    await tech.waitForSelector('#reset-password-done');
    await tech.screenshot({ path: `${RESULTS}/users-2-password-set.png`, fullPage: true });
    t.same(await idProblems(tech), []);
    await tech.click('#reset-password-sign-in');
    await tech.fill('#login-email', 'tess@web-users.test');
    await tech.fill('#login-password', TECH_PASSWORD);
    await tech.click('#login-submit');
    await tech.waitForSelector('#sign-out');
    t.match(await tech.textContent('body'), 'Tess Tech', 'the technician is signed in');

    // The only admin cannot demote themselves; the refusal says why and the role stays.
    await admin.selectOption(`#user-${tenant.admin.id}-role`, 'Technician');
    t.match(await (await admin.waitForSelector('#users-action-error')).textContent(), 'This is the last active admin. Make another user an admin first, then change this role.');
    await admin.waitForFunction((id) => (document.querySelector(`#user-${id}-role`) as HTMLSelectElement).value === 'Admin', tenant.admin.id);
    t.same(await idProblems(admin), []);

    // The admin changes their own password on Profile, signs out and signs in with the new one.
    await admin.goto(`${server.url}/profile?tab=account`);
    await admin.fill('#change-password-current', TEST_PASSWORD);
    await admin.fill('#change-password-new', ADMIN_NEW_PASSWORD);
    await admin.fill('#change-password-repeat', ADMIN_NEW_PASSWORD);
    await admin.click('#change-password-submit');
    await admin.waitForSelector('#change-password-done');
    await admin.screenshot({ path: `${RESULTS}/users-3-password-changed.png`, fullPage: true });
    await admin.click('#sign-out');
    await admin.waitForSelector('#login-form');
    await admin.fill('#login-email', tenant.admin.email);
    await admin.fill('#login-password', TEST_PASSWORD);
    await admin.click('#login-submit');
    t.match(await (await admin.waitForSelector('#login-error')).textContent(), /./, 'the old password is refused');
    await signInAs(admin, server.url, tenant.admin.email, ADMIN_NEW_PASSWORD);

    // Deactivating the technician (after a confirmation) ends their session at once.
    await admin.goto(`${server.url}/settings?category=users`);
    await admin.click(`#user-${techId}-deactivate`);
    await admin.waitForSelector(`#user-${techId}-deactivate-dialog[open]`);
    t.match(await admin.textContent(`#user-${techId}-deactivate-dialog`), /signed out everywhere at once/);
    await admin.click(`#user-${techId}-deactivate-dialog-confirm`);
    await admin.waitForFunction((id) => document.querySelector(`#user-${id}-status`)?.textContent === 'Deactivated', techId);
    await admin.screenshot({ path: `${RESULTS}/users-4-deactivated.png`, fullPage: true });
    await tech.goto(`${server.url}/schedule`);
    await tech.waitForSelector('#login-form');
    t.equal(await tech.locator('#sign-out').count(), 0, "the technician's session has ended");
  });
}
