import t from 'tap';
import { DateTime } from 'luxon';
import { buildTestApp, signIn } from '@switchboard/api/testing';
import { DEMO_ADMIN, seedDemo } from './demo-data.js';

t.test('the demo seed creates a usable tenant once', async (t) => {
  const ctx = await buildTestApp();
  t.teardown(ctx.close);
  const monday = DateTime.fromISO('2026-11-23T12:00:00', { zone: 'America/New_York' });
  t.equal(await seedDemo(ctx.db, monday), true);
  t.equal(await seedDemo(ctx.db, monday), false, 'a second run changes nothing');

  const admin = await signIn(ctx.app, DEMO_ADMIN.email, DEMO_ADMIN.password);
  const clients = (await admin.request('GET', '/api/clients')).json();
  t.equal(clients.total, 5);
  t.ok((await admin.request('GET', '/api/contacts')).json().total >= 10);
  const users = (await admin.request('GET', '/api/users')).json().items;
  t.equal(users.length, 4);
  const week = await admin.request('GET', '/api/schedule-entries?from=2026-11-23T00:00:00-05:00&to=2026-11-30T00:00:00-05:00');
  t.equal(week.statusCode, 200);
  t.equal(week.json().total, 12, 'ten visits, the recurring stand-up and an all-day entry');
  t.ok(week.json().items.some((e: { recurrence: string | null }) => e.recurrence === 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'));
  t.ok(week.json().items.some((e: { allDay: boolean; start: string }) => e.allDay && e.start === '2026-11-27'));
  await signIn(ctx.app, 'alex.tech@switchboard.local', DEMO_ADMIN.password);
});
