// The time grid and the dispatch board in a real browser against the EE server: entries dragged to
// another technician and day, stretched, created by dragging on empty time and moved with the keys;
// a change someone else saved first is refused in place; the technician's Google calendar (the
// emulator) follows the move. Times are shown in UTC (?tz=UTC) so positions do not depend on the
// machine's zone. Screenshots of the three views go to test-results/.
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD } from '@switchboard/testing';
import { browserOrSkip, eventually, idProblems, openPage, RESULTS, signInAs, startServer } from '@switchboard/testing/browser';
import { connectCalendar, setupTenant, startEmulators } from '@switchboard/testing/calendar';

const DAY_MS = 86_400_000;
// The board's week: 24 px an hour, so a day is 576 px; its day: 60 px an hour (DispatchView.tsx).
const DISPATCH_WEEK_DAY_PX = 576;
const DISPATCH_DAY_PX_PER_HOUR = 60;
// Its name column (NAME_PX in DispatchView.tsx).
const DISPATCH_NAME_PX = 176;
// The grid: 48 px an hour (WeekView.tsx).
const GRID_PX_PER_MINUTE = 48 / 60;

const browser = await browserOrSkip(t);
if (browser) {
  const emulators = await startEmulators(t);
  const ee = await startServer('ee', {
    SWITCHBOARD_WORKERS: 'inline',
    SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: 'true',
    GOOGLE_ACCOUNTS_URL: emulators.google.url,
    GOOGLE_OAUTH2_URL: emulators.google.url,
    GOOGLE_API_URL: emulators.google.url,
    MICROSOFT_LOGIN_URL: emulators.microsoft.url,
    MICROSOFT_GRAPH_URL: emulators.microsoft.url,
  });
  // Closed before the emulators (teardowns run in reverse), so no job calls a stopped emulator.
  t.teardown(ee.close);
  const tenant = await setupTenant({ ...ee, publicUrl: ee.url }, emulators, 'grid-web');
  await connectCalendar(ee, emulators, tenant.tech, tenant.technician.email, 'google');
  const admin = tenant.admin.session;

  // Next week, so every day of it is ahead and in the calendar's sync horizon.
  const now = new Date();
  const thisMonday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7));
  const day = (n: number) => new Date(thisMonday + (7 + n) * DAY_MS).toISOString().slice(0, 10);
  const at = (n: number, time: string) => `${day(n)}T${time}:00.000Z`;

  const createEntry = async (title: string, start: string, end: string, assigneeIds: string[], timeZone = 'UTC') => {
    const res = await admin.request('POST', '/api/schedule-entries', { title, start, end, timeZone, allDay: false, assigneeIds });
    t.equal(res.statusCode, 201, `created ${title}`);
    return res.json() as { id: string; version: number };
  };
  const stored = (id: string) =>
    ee.db.selectFrom('schedule_entries').select(['title', 'starts_at', 'ends_at', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
  const assignees = async (id: string) =>
    (await ee.db.selectFrom('schedule_entry_assignees').select('user_id').where('schedule_entry_id', '=', id).execute()).map((r) => r.user_id).sort();

  const openSchedule = async (t: Test, query: string, date = day(0)): Promise<{ page: Page; consoleErrors: string[] }> => {
    const opened = await openPage(t, browser);
    await signInAs(opened.page, ee.url, tenant.admin.email, TEST_PASSWORD);
    await opened.page.goto(`${ee.url}/schedule?tz=UTC&date=${date}&${query}`);
    await opened.page.waitForSelector('#schedule-grid[data-ready="true"]');
    return opened;
  };
  /** A real mouse drag: press, travel in steps (the grid sees pointermove), release. */
  const drag = async (page: Page, from: { x: number; y: number }, to: { x: number; y: number }) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
  };
  const box = async (page: Page, selector: string) => {
    const found = await page.locator(selector).boundingBox();
    if (!found) throw new Error(`${selector} is not on screen`);
    return found;
  };

  t.test('dispatch: dragging an entry onto another technician and day moves it there and into their calendar', async (t) => {
    const repair = await createEntry('Printer repair at Contoso', at(0, '10:00'), at(0, '11:00'), [tenant.admin.id]);
    const { page, consoleErrors } = await openSchedule(t, 'view=dispatch&period=week');
    await page.screenshot({ path: `${RESULTS}/schedule-grid-dispatch.png` });
    t.same(await idProblems(page), [], 'every control on the board has a unique id');
    const block = `[data-entry-id="${repair.id}"][data-technician="${tenant.admin.id}"]`;
    const from = await box(page, block);
    const row = await box(page, `[data-tech-row="${tenant.technician.id}"] .schedule-dispatch-track`);
    // Near the left end: the right end is the resize handle.
    const start = { x: from.x + 5, y: from.y + from.height / 2 };
    await drag(page, start, { x: start.x + DISPATCH_WEEK_DAY_PX, y: row.y + row.height / 2 });

    await page.waitForSelector(`[data-entry-id="${repair.id}"][data-technician="${tenant.technician.id}"]:not([data-saving])`);
    t.equal(await page.locator(block).count(), 0, 'gone from the admin’s row');
    const saved = await stored(repair.id);
    t.same([saved.starts_at.toISOString(), saved.ends_at.toISOString()], [at(1, '10:00'), at(1, '11:00')], 'Tuesday, same time and length');
    t.same(await assignees(repair.id), [tenant.technician.id], 'the technician replaced the admin');
    await page.waitForFunction(() => document.querySelector('#schedule-announcer')?.textContent?.startsWith('Moved “Printer repair at Contoso”'));

    // The move reaches the calendar as an update (or an insert after the assignment): wait for the new time.
    const event = await eventually(() =>
      emulators.google
        .events(tenant.technician.email)
        .find((e) => e.summary === 'Printer repair at Contoso' && e.status !== 'cancelled' && Date.parse(String((e.start as { dateTime?: string })?.dateTime)) === Date.parse(at(1, '10:00'))),
    );
    t.ok(event, 'the event in the technician’s calendar is at the new time');
    await page.click('#schedule-period-day');
    await page.click('#schedule-next');
    await page.waitForSelector(`[data-tech-row="${tenant.technician.id}"] [data-entry-id="${repair.id}"]`);
    await page.screenshot({ path: `${RESULTS}/schedule-grid-dispatch-day.png` });
    t.same(consoleErrors, [], 'no console errors');
  });

  t.test('dispatch: an unassigned entry dragged onto a technician, and Alt+↓ hands an entry to the next one', async (t) => {
    const call = await createEntry('Callback for Tailspin', at(0, '13:00'), at(0, '13:30'), []);
    const audit = await createEntry('Licence audit', at(0, '09:00'), at(0, '10:00'), [tenant.admin.id]);
    const { page, consoleErrors } = await openSchedule(t, 'view=dispatch');
    const from = await box(page, `#schedule-unassigned [data-entry-id="${call.id}"]`);
    const row = await box(page, `[data-tech-row="${tenant.viewer.id}"] .schedule-dispatch-track`);
    const scale = await box(page, '.schedule-dispatch-scale');
    // 12:00 on the viewer's row, measured from the scale's (scrolled) left edge.
    await drag(page, { x: from.x + 20, y: from.y + 10 }, { x: scale.x + 12 * DISPATCH_DAY_PX_PER_HOUR + 4, y: row.y + row.height / 2 });
    await page.waitForSelector(`[data-tech-row="${tenant.viewer.id}"] [data-entry-id="${call.id}"]:not([data-saving])`);
    t.equal(await page.locator(`#schedule-unassigned [data-entry-id="${call.id}"]`).count(), 0, 'no longer in the side list');
    const saved = await stored(call.id);
    t.same([saved.starts_at.toISOString(), saved.ends_at.toISOString()], [at(0, '12:00'), at(0, '12:30')], 'starting where it was dropped, as long as before');
    t.same(await assignees(call.id), [tenant.viewer.id]);

    // Rows are sorted by name: admin, tech, viewer.
    await page.focus(`[data-entry-id="${audit.id}"][data-technician="${tenant.admin.id}"]`);
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForSelector(`[data-tech-row="${tenant.technician.id}"] [data-entry-id="${audit.id}"]:not([data-saving])`);
    t.same(await assignees(audit.id), [tenant.technician.id], 'the technician below took it over');
    t.equal((await stored(audit.id)).starts_at.toISOString(), at(0, '09:00'), 'at the same time');
    t.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.technician), tenant.technician.id, 'focus followed it to the new row');
    t.equal(await page.locator('.schedule-dispatch-now').count(), 0, 'no current-time line on a day that is not today');
    t.same(consoleErrors, []);
  });

  t.test('dispatch day: the working day fits the board, an all-day entry shows its title, and a line marks now', async (t) => {
    const onCall = await admin.request('POST', '/api/schedule-entries', { title: 'On call', start: day(0), end: day(1), timeZone: 'UTC', allDay: true, assigneeIds: [tenant.admin.id] });
    t.equal(onCall.statusCode, 201);
    const late = await createEntry('Late visit', at(0, '17:00'), at(0, '18:00'), [tenant.admin.id]);
    const { page, consoleErrors } = await openSchedule(t, 'view=dispatch');
    const view = await box(page, '#schedule-grid-scroll');
    const track = { left: view.x + DISPATCH_NAME_PX, right: view.x + view.width };
    const inView = (b: { x: number; width: number }) => b.x >= track.left && b.x + b.width <= track.right;
    // The all-day block starts at midnight, left of the working day the board opens on.
    const allDay = `[data-entry-id="${(onCall.json() as { id: string }).id}"][data-technician="${tenant.admin.id}"]`;
    t.ok(inView(await box(page, `${allDay} .schedule-entry-title`)), 'the all-day entry’s title is in view beside the names');
    t.match(await page.textContent(`${allDay} .schedule-entry-title`), 'On call');
    await page.focus(allDay);
    t.equal(await page.evaluate(() => document.activeElement?.querySelector('.schedule-entry-title')?.textContent), 'On call', 'and it takes focus');
    t.ok(inView(await box(page, `[data-entry-id="${late.id}"]`)), 'a 17:00 entry is in view without scrolling');

    // Today's board (in UTC) has the line, at the current minute.
    const today = new Date().toISOString().slice(0, 10);
    await page.goto(`${ee.url}/schedule?tz=UTC&date=${today}&view=dispatch`);
    await page.waitForSelector('#schedule-grid[data-ready="true"]');
    const line = await box(page, '.schedule-dispatch-now');
    const scale = await box(page, '.schedule-dispatch-scale');
    const minutes = (Date.now() - Date.parse(`${today}T00:00:00Z`)) / 60_000;
    t.ok(Math.abs(line.x + 1 - (scale.x + (minutes * DISPATCH_DAY_PX_PER_HOUR) / 60)) < 4, 'the current-time line is at the current time');
    t.same(consoleErrors, []);
  });

  t.test('week grid: dragging the bottom edge changes the duration on the server', async (t) => {
    const backup = await createEntry('Backup check', at(2, '09:00'), at(2, '10:00'), [tenant.technician.id], 'America/Chicago');
    const { page, consoleErrors } = await openSchedule(t, 'view=week');
    t.match(await page.textContent('#schedule-zone-label'), 'Times in UTC');
    t.match(await page.textContent(`#schedule-entry-${backup.id} .schedule-entry-zone`), /^3:00\s–\s4:00\sAM in America\/Chicago$/, 'its own zone’s clock too');
    await page.screenshot({ path: `${RESULTS}/schedule-grid-week.png` });
    const from = await box(page, `#schedule-entry-${backup.id}`);
    const edge = { x: from.x + from.width / 2, y: from.y + from.height - 3 };
    await drag(page, edge, { x: edge.x, y: edge.y + 30 * GRID_PX_PER_MINUTE });
    const saved = await eventually(async () => {
      const row = await stored(backup.id);
      return row.version > backup.version ? row : null;
    });
    t.same([saved.starts_at.toISOString(), saved.ends_at.toISOString()], [at(2, '09:00'), at(2, '10:30')], 'half an hour longer, same start');
    const after = await box(page, `#schedule-entry-${backup.id}:not([data-saving])`);
    t.ok(Math.abs(after.height - from.height * 1.5) < 3, 'the block is drawn half as long again');
    t.same(consoleErrors, []);
  });

  t.test('week grid: dragging on empty time creates an entry there and opens it', async (t) => {
    const { page, consoleErrors } = await openSchedule(t, 'view=week');
    const column = await box(page, `[data-column-day="${day(3)}"]`);
    // 11:00 to 12:30 on Thursday, measured from the column's top (midnight); the grid opens at 07:00.
    const x = column.x + column.width / 2;
    await drag(page, { x, y: column.y + 11 * 60 * GRID_PX_PER_MINUTE + 2 }, { x, y: column.y + 12.5 * 60 * GRID_PX_PER_MINUTE - 2 });
    await page.waitForSelector('#entry-form #entry-form-title');
    t.equal(await page.inputValue('#entry-form-title'), 'New entry', 'the dialog opens on the new entry');
    const created = await ee.db
      .selectFrom('schedule_entries')
      .select(['id', 'starts_at', 'ends_at'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('title', '=', 'New entry')
      .executeTakeFirstOrThrow();
    t.same([created.starts_at.toISOString(), created.ends_at.toISOString()], [at(3, '11:00'), at(3, '12:30')]);
    // Named in the dialog that opened on it, and saved: the dialog closes.
    await page.fill('#entry-form-title', 'Server room check');
    await page.click('#entry-form-submit');
    await page.waitForSelector('#entry-form', { state: 'hidden' });
    t.equal((await stored(created.id)).title, 'Server room check', 'the name given in the dialog is saved');
    await page.waitForFunction((id) => document.querySelector(`#schedule-entry-${id}`)?.textContent?.includes('Server room check'), created.id);
    const block = await box(page, `#schedule-entry-${created.id}`);
    t.ok(Math.abs(block.y - (column.y + 11 * 60 * GRID_PX_PER_MINUTE)) < 2 && Math.abs(block.height - 90 * GRID_PX_PER_MINUTE) < 2, 'drawn where it was dragged');
    t.same(consoleErrors, []);
  });

  t.test('keyboard: Alt+arrows move a focused entry, and the result is announced', async (t) => {
    const visit = await createEntry('Keyboard visit', at(3, '09:00'), at(3, '10:00'), [tenant.technician.id]);
    const { page, consoleErrors } = await openSchedule(t, 'view=day', day(3));
    await page.screenshot({ path: `${RESULTS}/schedule-grid-day.png` });
    await page.focus(`#schedule-entry-${visit.id}`);
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForFunction(() => document.querySelector('#schedule-announcer')?.textContent?.startsWith('Moved “Keyboard visit”'));
    let saved = await stored(visit.id);
    t.same([saved.starts_at.toISOString(), saved.ends_at.toISOString()], [at(3, '09:15'), at(3, '10:15')], '15 minutes later');
    t.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.entryId), visit.id, 'focus stays on the entry');

    await page.waitForSelector(`#schedule-entry-${visit.id}:not([data-saving])`);
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.waitForFunction(() => document.querySelector('#schedule-announcer')?.textContent?.startsWith('“Keyboard visit” is now'));
    saved = await stored(visit.id);
    t.same([saved.starts_at.toISOString(), saved.ends_at.toISOString()], [at(3, '09:15'), at(3, '10:30')], 'and 15 minutes longer');

    await page.waitForSelector(`#schedule-entry-${visit.id}:not([data-saving])`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#entry-form #entry-form-title');
    t.equal(await page.inputValue('#entry-form-title'), 'Keyboard visit', 'Enter opens it');
    t.same(consoleErrors, []);
  });

  t.test('moving one occurrence of a series asks which ones, and "this occurrence" moves only it', async (t) => {
    const series = await admin.request('POST', '/api/schedule-entries', {
      title: 'Daily check-in',
      start: at(0, '08:00'),
      end: at(0, '08:30'),
      timeZone: 'UTC',
      allDay: false,
      recurrence: 'FREQ=DAILY;COUNT=5',
      assigneeIds: [tenant.technician.id],
    });
    const { id } = series.json() as { id: string };
    const { page, consoleErrors } = await openSchedule(t, 'view=week');
    const occurrence = page.locator(`[data-entry-id="${id}"][data-occurrence-start="${at(2, '08:00')}"]`);
    const before = await occurrence.boundingBox();
    const grab = { x: before!.x + before!.width / 2, y: before!.y + 5 };
    await drag(page, grab, { x: grab.x, y: grab.y + 120 * GRID_PX_PER_MINUTE });
    await page.click('#scope-one');
    const override = await eventually(() => ee.db.selectFrom('schedule_entries').select(['id', 'starts_at', 'original_start']).where('series_entry_id', '=', id).executeTakeFirst());
    const moved = page.locator(`[data-entry-id="${override.id}"]`);
    await moved.waitFor();
    t.match(await moved.getAttribute('title'), /Changed occurrence/, 'a changed occurrence, which its short block says in its tooltip');
    t.same([override.starts_at.toISOString(), override.original_start?.toISOString()], [at(2, '10:00'), at(2, '08:00')], 'Wednesday’s occurrence at 10:00');
    t.equal(await page.locator(`[data-entry-id="${id}"]`).count(), 4, 'the other four stay in the series');
    t.same(consoleErrors, []);
  });

  t.test('a move someone else beat is refused in place, the entry stays, and Reload shows their version', async (t) => {
    const job = await createEntry('Conflict job', at(4, '09:00'), at(4, '10:00'), [tenant.admin.id]);
    const { page } = await openSchedule(t, 'view=week');
    const before = await box(page, `#schedule-entry-${job.id}`);
    // Someone else renames it after the page loaded.
    const elsewhere = await admin.request('PATCH', `/api/schedule-entries/${job.id}`, { title: 'Conflict job (rescheduled by Dana)', expectedVersion: job.version });
    t.equal(elsewhere.statusCode, 200);

    const grab = { x: before.x + before.width / 2, y: before.y + 6 };
    await drag(page, grab, { x: grab.x, y: grab.y + 60 * GRID_PX_PER_MINUTE });
    const alert = page.locator(`[data-problem-for="${job.id}"][role="alert"]`);
    await alert.waitFor();
    t.match(await alert.textContent(), /someone else changed “Conflict job”/);
    t.same(await idProblems(page), [], 'the Reload button has its own id');
    await page.waitForSelector(`#schedule-entry-${job.id}:not([data-saving])`);
    const after = await box(page, `#schedule-entry-${job.id}`);
    t.equal(Math.round(after.y), Math.round(before.y), 'the entry snapped back');
    const saved = await stored(job.id);
    t.equal(saved.starts_at.toISOString(), at(4, '09:00'), 'nothing changed on the server');

    await alert.getByRole('button', { name: 'Reload' }).click();
    await alert.waitFor({ state: 'detached' });
    await page.locator(`#schedule-entry-${job.id}`, { hasText: 'Conflict job (rescheduled by Dana)' }).waitFor();
    t.pass('the current version shows after Reload');
  });
}
