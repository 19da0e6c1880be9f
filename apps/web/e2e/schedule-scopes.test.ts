// Occurrences of a repeating entry in the browser: saving or deleting one asks "this occurrence /
// this and following / all occurrences", "this and following" leaves the earlier weeks as they
// were, and a series whose rule skips its first day is pointed out after saving. Times are shown
// in UTC (?tz=UTC) so the days do not depend on the machine's zone.
import t from 'tap';
import type { Page } from 'playwright-core';
import { createScheduleEntry } from '@switchboard/core';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const ce = await startServer('ce');
  t.teardown(ce.close);

  /** The Monday `n` weeks after 4 January 2027, and 10:00 UTC on it. */
  const monday = (n: number) => new Date(Date.UTC(2027, 0, 4 + 7 * n)).toISOString().slice(0, 10);
  const at = (n: number) => `${monday(n)}T10:00:00.000Z`;
  const showWeek = async (page: Page, n: number) => {
    await page.goto(`${ce.url}/schedule?tz=UTC&view=week&date=${monday(n)}`);
    await page.waitForSelector('#schedule-grid[data-ready="true"]');
  };
  const titlesShown = (page: Page) => page.locator('#schedule-grid .schedule-entry .schedule-entry-title').allTextContents();

  t.test('"this and following" changes the occurrence and the later ones; the earlier weeks stay as they were', async (t) => {
    const tenant = await seedTenant(ce.db, 'scopes-web');
    const series = await createScheduleEntry(ce.db, tenant.tenantId, tenant.admin.id, {
      title: 'Standup',
      start: at(0),
      end: `${monday(0)}T10:15:00.000Z`,
      timeZone: 'UTC',
      allDay: false,
      recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      workItemType: 'ad_hoc',
      assigneeIds: [],
    });
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await showWeek(page, 1);

    await page.click(`[data-entry-id="${series.id}"][data-occurrence-start="${at(1)}"]`);
    await page.fill('#entry-form-title', 'Standup (new room)');
    await page.click('#entry-form-submit');
    await page.waitForSelector('#scope-following');
    t.ok(await page.isVisible('#scope-one'), 'this occurrence is offered');
    t.ok(await page.isVisible('#scope-all'), 'all occurrences are offered');
    await page.click('#scope-following');
    await page.waitForSelector('#entry-form', { state: 'hidden' });
    await page.locator('.schedule-entry', { hasText: 'Standup (new room)' }).waitFor();
    t.same(await titlesShown(page), ['Standup (new room)']);

    await showWeek(page, 0);
    t.same(await titlesShown(page), ['Standup'], 'the week before is unchanged');
    await showWeek(page, 3);
    t.same(await titlesShown(page), ['Standup (new room)'], 'later weeks changed too');
    const rows = await ce.db.selectFrom('schedule_entries').select(['title', 'recurrence', 'starts_at']).where('tenant_id', '=', tenant.tenantId).orderBy('starts_at').execute();
    t.same(rows, [
      { title: 'Standup', recurrence: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20270104T235959Z', starts_at: new Date(at(0)) },
      { title: 'Standup (new room)', recurrence: 'FREQ=WEEKLY;BYDAY=MO', starts_at: new Date(at(1)) },
    ]);

    // Deleting "this and following" from week 3 on leaves weeks 1 and 2.
    await page.click(`.schedule-entry:has-text("Standup (new room)")`);
    await page.click('#entry-form-delete');
    await page.click('#scope-following');
    await page.click('#entry-delete-confirm');
    await page.waitForSelector('#entry-delete', { state: 'hidden' });
    await page.locator('#schedule-grid .schedule-entry').waitFor({ state: 'detached' });
    await showWeek(page, 2);
    t.same(await titlesShown(page), ['Standup (new room)'], 'the week before the deleted occurrence keeps its own');
    t.same(consoleErrors, []);
  });

  t.test('a series changed meanwhile is a conflict in the dialog; loading it shows the same occurrence again', async (t) => {
    const tenant = await seedTenant(ce.db, 'scopes-conflict-web');
    const series = await createScheduleEntry(ce.db, tenant.tenantId, tenant.admin.id, {
      title: 'Backup check',
      start: at(0),
      end: `${monday(0)}T11:00:00.000Z`,
      timeZone: 'UTC',
      allDay: false,
      recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      workItemType: 'ad_hoc',
      assigneeIds: [],
    });
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await showWeek(page, 2);
    await page.click(`[data-entry-id="${series.id}"][data-occurrence-start="${at(2)}"]`);
    await ce.db.updateTable('schedule_entries').set({ notes: 'Changed by someone else', version: 2 }).where('id', '=', series.id).execute();

    await page.fill('#entry-form-title', 'Backup check (new tool)');
    await page.click('#entry-form-submit');
    await page.click('#scope-following');
    await page.waitForSelector('#entry-form-conflict');
    await page.click('#entry-form-reload');
    await page.waitForFunction(() => (document.querySelector('#entry-form-notes') as HTMLTextAreaElement | null)?.value === 'Changed by someone else');
    t.equal(await page.inputValue('#entry-form-date'), monday(2), 'still the occurrence that was opened');

    await page.fill('#entry-form-title', 'Backup check (new tool)');
    await page.click('#entry-form-submit');
    await page.click('#scope-following');
    await page.waitForSelector('#entry-form', { state: 'hidden' });
    const rows = await ce.db.selectFrom('schedule_entries').select(['title', 'starts_at']).where('tenant_id', '=', tenant.tenantId).orderBy('starts_at').execute();
    t.same(rows, [
      { title: 'Backup check', starts_at: new Date(at(0)) },
      { title: 'Backup check (new tool)', starts_at: new Date(at(2)) },
    ]);
    t.same(consoleErrors.filter((e) => !/status of 409/.test(e)), [], 'no errors but the expected 409');
  });

  t.test('"all occurrences" moves the series by as much as the occurrence moved, weekday included', async (t) => {
    const tenant = await seedTenant(ce.db, 'scopes-all-web');
    const series = await createScheduleEntry(ce.db, tenant.tenantId, tenant.admin.id, {
      title: 'Patch review',
      start: at(0),
      end: `${monday(0)}T11:00:00.000Z`,
      timeZone: 'UTC',
      allDay: false,
      recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      workItemType: 'ad_hoc',
      assigneeIds: [],
    });
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await showWeek(page, 1);
    await page.click(`[data-entry-id="${series.id}"][data-occurrence-start="${at(1)}"]`);
    await page.fill('#entry-form-date', '2027-01-12'); // the Tuesday after
    await page.fill('#entry-form-start-time', '14:00');
    await page.click('#entry-form-submit');
    await page.click('#scope-all');
    await page.waitForSelector('#entry-form', { state: 'hidden' });
    const row = await ce.db.selectFrom('schedule_entries').select(['starts_at', 'ends_at', 'recurrence']).where('id', '=', series.id).executeTakeFirstOrThrow();
    t.same(row, { starts_at: new Date('2027-01-05T14:00:00.000Z'), ends_at: new Date('2027-01-05T15:00:00.000Z'), recurrence: 'FREQ=WEEKLY;BYDAY=TU' });
    await page.locator(`[data-entry-id="${series.id}"][data-occurrence-start="2027-01-12T14:00:00.000Z"]`).waitFor();
    t.same(consoleErrors, []);
  });

  t.test('a new series whose rule skips its first day says when it first happens', async (t) => {
    const tenant = await seedTenant(ce.db, 'off-rule-web');
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await showWeek(page, 0);

    await page.click('#schedule-new');
    await page.fill('#entry-form-title', 'Patch window');
    await page.fill('#entry-form-date', '2027-01-09'); // a Saturday
    await page.selectOption('#entry-form-recurrence', 'weekdays');
    await page.click('#entry-form-submit');
    await page.waitForSelector('#entry-rule-notice-ok');
    const notice = await page.locator('#entry-rule-notice p').textContent();
    t.match(notice, /“Patch window” starts on Saturday.*skips, so it first happens on Monday/s);
    await page.click('#entry-rule-notice-ok');
    await page.waitForSelector('#entry-rule-notice', { state: 'hidden' });
    t.same(consoleErrors, []);
  });
}
