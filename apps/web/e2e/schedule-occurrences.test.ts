// One occurrence of a repeating entry, changed and deleted on its own from the week view.
import t from 'tap';
import { createScheduleEntry } from '@switchboard/core';
import { seedTenant, TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, openPage, signInAs, startServer } from '@switchboard/testing/browser';

const browser = await browserOrSkip(t);
if (browser) {
  const ce = await startServer('ce');
  t.teardown(ce.close);
  const tenant = await seedTenant(ce.db, 'occurrences-web');

  t.test('changing or deleting "this occurrence" leaves the rest of the series in the week', async (t) => {
    // Daily at 10:00 UTC through this week (the page opens on it): the same day in nearly every zone.
    const now = new Date();
    const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)));
    const day = (n: number) => new Date(monday.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const series = await ce.db.transaction().execute((trx) =>
      createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, {
        title: 'Standup',
        start: `${day(0)}T10:00:00.000Z`,
        end: `${day(0)}T10:15:00.000Z`,
        timeZone: 'UTC',
        allDay: false,
        recurrence: 'FREQ=DAILY;COUNT=7',
        workItemType: 'ad_hoc',
        assigneeIds: [],
      }),
    );
    const { page, consoleErrors } = await openPage(t, browser);
    await signInAs(page, ce.url, tenant.admin.email, TEST_PASSWORD);
    await page.waitForSelector(`#schedule-entry-${series.id}-${day(1)}`);

    await page.click(`#schedule-entry-${series.id}-${day(1)}`);
    await page.fill('#entry-form-title', 'Standup (moved)');
    await page.click('#entry-form-submit');
    await page.click('#scope-one');
    await page.waitForSelector('#entry-form', { state: 'hidden' });
    const changed = page.locator('.schedule-entry', { hasText: 'Standup (moved)' });
    await changed.waitFor();
    // A 15-minute block has room for one line: that it is a changed occurrence is in its tooltip.
    t.match(await changed.getAttribute('title'), /Changed occurrence/);
    t.equal(await page.locator(`#schedule-entry-${series.id}-${day(1)}`).count(), 0, 'the occurrence it replaces is gone');

    await page.click(`#schedule-entry-${series.id}-${day(2)}`);
    await page.click('#entry-form-delete');
    await page.click('#scope-one');
    await page.click('#entry-delete-confirm');
    await page.waitForSelector(`#schedule-entry-${series.id}-${day(2)}`, { state: 'detached' });
    t.equal(await page.locator(`[id^="schedule-entry-${series.id}"]`).count(), 5, 'the other five occurrences stay');

    const rows = await ce.db.selectFrom('schedule_entries').select(['title', 'excluded_starts']).where('id', '=', series.id).executeTakeFirstOrThrow();
    t.same(rows.excluded_starts, [new Date(`${day(2)}T10:00:00.000Z`)]);
    const overrides = await ce.db.selectFrom('schedule_entries').select(['title', 'original_start']).where('series_entry_id', '=', series.id).execute();
    t.same(overrides, [{ title: 'Standup (moved)', original_start: new Date(`${day(1)}T10:00:00.000Z`) }]);
    t.same(consoleErrors, []);
  });
}
