// Convergence: random interleaved edits in the PSA and in Google Calendar, with injected faults
// (429, 5xx, dropped connections, dropped notifications, expired sync and access tokens). After
// the faults stop and the sweep runs, every mapping that is not a conflict agrees on both sides
// and no event exists twice.
import t from 'tap';
import { sql } from 'kysely';
import { createScheduleEntry, deleteScheduleEntry, getScheduleEntry, updateScheduleEntry } from '@switchboard/core';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '../calendar-test-setup.js';

const STEPS = 60;
const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators, { listen: true });
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-converge');
const google = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
await eventually(async () => (await db.selectFrom('calendar_providers').select('channel_id').where('id', '=', google.providerId).executeTakeFirstOrThrow()).channel_id);

// A seeded generator, so a failure can be replayed.
let seed = 20261123;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];

type GoogleEvent = { id: string; status: string; summary?: string; start?: { dateTime?: string }; end?: { dateTime?: string }; extendedProperties?: { private?: Record<string, string> } };
const liveEvents = () => (emulators.google.events(a.technician.email) as unknown as GoogleEvent[]).filter((e) => e.status !== 'cancelled');
const entryIds: string[] = [];

async function createEntry(title: string) {
  const day = 1 + Math.floor(random() * 27);
  const entry = await db.transaction().execute((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, {
      title,
      notes: null,
      start: `2026-12-${String(day).padStart(2, '0')}T10:00:00.000Z`,
      end: `2026-12-${String(day).padStart(2, '0')}T11:00:00.000Z`,
      timeZone: 'America/Chicago',
      allDay: false,
      recurrence: null,
      assigneeIds: [a.technician.id],
      workItemType: 'ad_hoc',
    } as Parameters<typeof createScheduleEntry>[3]),
  );
  entryIds.push(entry.id);
}

const ignoreGone = (err: Error) => {
  if (!/not found/i.test(err.message)) throw err;
};

const actions: Record<string, () => Promise<void> | void> = {
  createInPsa: () => createEntry(`Created ${random().toString(36).slice(2, 7)}`),
  renameInPsa: async () => {
    if (entryIds.length === 0) return;
    await db.transaction().execute((trx) => updateScheduleEntry(trx, a.tenantId, a.admin.id, pick(entryIds), { title: `PSA ${random().toString(36).slice(2, 7)}` })).catch(ignoreGone);
  },
  deleteInPsa: async () => {
    if (entryIds.length < 3) return;
    const id = entryIds.splice(Math.floor(random() * entryIds.length), 1)[0];
    await db.transaction().execute((trx) => deleteScheduleEntry(trx, a.tenantId, a.admin.id, id)).catch(ignoreGone);
  },
  renameInCalendar: () => {
    const event = liveEvents().find((e) => e.extendedProperties?.private?.switchboardMappingId && random() < 0.5);
    if (event) emulators.google.changeEvent(a.technician.email, event.id, { summary: `Calendar ${random().toString(36).slice(2, 7)}` });
  },
  deleteInCalendar: () => {
    const events = liveEvents().filter((e) => e.extendedProperties?.private?.switchboardMappingId);
    if (events.length > 3) emulators.google.deleteEvent(a.technician.email, pick(events).id);
  },
  throttle: () => emulators.google.controls.inject({ path: '^/calendar/v3/', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 }),
  serverError: () => emulators.google.controls.inject({ path: '^/calendar/v3/', kind: 'status', status: 503, times: 1 }),
  dropConnection: () => emulators.google.controls.inject({ path: '^/calendar/v3/', kind: 'timeout', delayMs: 100, times: 1 }),
  dropNotification: () => emulators.google.controls.dropNotifications(1),
  expireSyncTokens: () => void emulators.google.expireSyncTokens(),
  expireAccessTokens: () => void emulators.google.expireAccessTokens({ email: a.technician.email }),
};

async function settled() {
  // Quiet twice in a row: no notification on its way from the emulator, no schedule change still
  // waiting in the outbox for its push job (on a loaded machine the relay can be a tick behind),
  // and no calendar job queued, retrying or running.
  let quiet = 0;
  await eventually(async () => {
    await emulators.google.idle();
    const { rows } = await sql<{ n: string }>`select
        (select count(*) from pgboss.job where name like 'calendar.%' and name not in ('calendar.sweep', 'calendar.recover-jobs') and state in ('created', 'retry', 'active'))
      + (select count(*) from outbox_events where published_at is null and attempts < 10) as n`.execute(db);
    quiet = Number(rows[0].n) === 0 ? quiet + 1 : 0;
    if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, 300));
    return quiet >= 2;
  }, 120_000);
}

t.test(`${STEPS} random steps on both sides with faults, then the sweep: both sides agree`, async (t) => {
  for (let i = 0; i < 6; i++) await createEntry(`Initial ${i}`);
  await settled();
  // Edits outnumber faults and deletions, so plenty of events remain to compare at the end.
  const names = [...Object.keys(actions), 'createInPsa', 'createInPsa', 'renameInPsa', 'renameInPsa', 'renameInCalendar', 'renameInCalendar'];
  const log: string[] = [];
  for (let step = 0; step < STEPS; step++) {
    const name = pick(names);
    log.push(name);
    await actions[name]();
    await new Promise((resolve) => setTimeout(resolve, 50 + random() * 150));
  }
  t.comment(`steps: ${log.join(', ')}`);
  emulators.google.controls.clearFaults();
  await settled();
  await app.jobs.send('calendar.sweep', {});
  await new Promise((resolve) => setTimeout(resolve, 500));
  await settled();

  const mappings = await db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', google.providerId).execute();
  const events = liveEvents();
  let agreeing = 0;
  for (const mapping of mappings.filter((m) => m.status !== 'conflict')) {
    const entry = await getScheduleEntry(db, a.tenantId, mapping.schedule_entry_id).catch(() => null);
    const event = events.find((e) => e.id === mapping.external_id);
    t.ok(entry, `mapping ${mapping.id} has its entry`);
    t.ok(event, `mapping ${mapping.id} has its event`);
    if (!entry || !event) continue;
    t.equal(event.summary, entry.title, 'same title');
    t.equal(new Date(event.start!.dateTime!).toISOString(), entry.start, 'same start');
    agreeing += 1;
  }
  const ours = events.filter((e) => e.extendedProperties?.private?.switchboardMappingId);
  const byMapping = new Set(ours.map((e) => e.extendedProperties!.private!.switchboardMappingId));
  t.equal(byMapping.size, ours.length, 'no event exists twice');
  const known = new Set(mappings.map((m) => m.id));
  t.same(ours.filter((e) => !known.has(e.extendedProperties!.private!.switchboardMappingId)).map((e) => e.summary), [], 'no orphaned event of ours');
  const assigned = (await Promise.all(entryIds.map((id) => getScheduleEntry(db, a.tenantId, id).catch(() => null)))).filter((e) => e?.assigneeIds.includes(a.technician.id));
  t.same(assigned.filter((e) => !mappings.some((m) => m.schedule_entry_id === e!.id)).map((e) => e!.title), [], 'every assigned entry is in the calendar');
  t.comment(`${agreeing} mappings agree, ${mappings.length - agreeing} conflicts, ${events.length} events`);
});
