// Calendar work a crashed worker left `active` reaches the calendar when the next process starts,
// not at the sweep (60 minutes here) or pg-boss's 15-minute expiry; work a live worker holds is
// never handed out twice.
import t, { type Test } from 'tap';
import pg from 'pg';
import { sql } from 'kysely';
import { createScheduleEntry } from '@switchboard/core';
import { buildTestApp, createTestDatabase } from '@switchboard/testing';
import { connectCalendar, eventually, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';
import { PROVIDER_JOBS, PUSH_JOB } from './calendar-jobs.js';
import { createInFlightJobs, LOCK_SPACE } from './in-flight-jobs.js';

const database = await createTestDatabase();
t.teardown(database.close); // last: after the apps and emulators below
const db = database.db;
const emulators = await startEmulators(t);
const setup = await startCalendarApp(t, emulators, { database, sweepMinutes: 60 });
const a = await setupTenant(setup, emulators, 'cal-inflight');
const { providerId } = await connectCalendar(setup, emulators, a.tech, a.technician.email, 'google');
await eventually(async () => (await db.selectFrom('calendar_providers').select('last_sync_at').where('id', '=', providerId).executeTakeFirst())?.last_sync_at);
await setup.close();
// A process without workers, to put jobs in the state a killed worker leaves them in.
const queue = await buildTestApp({ database });
t.teardown(queue.close);
const boss = queue.app.jobs.boss;

let n = 0;
/** An entry whose push a worker took (`active`) and then died with, before calling Google or mid-call. */
async function pushLeftRunning(t: Test) {
  n += 1;
  const entry = await db.transaction().execute((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, {
      title: `Crash visit ${n}`,
      notes: null,
      start: `2026-11-0${n}T14:00:00.000Z`,
      end: `2026-11-0${n}T15:00:00.000Z`,
      timeZone: 'Europe/London',
      allDay: false,
      recurrence: null,
      assigneeIds: [a.technician.id],
      workItemType: 'ad_hoc',
    } as Parameters<typeof createScheduleEntry>[3]),
  );
  // As the dead worker's relay did: the event is published and its push job is running.
  await db.updateTable('outbox_events').set({ published_at: new Date() }).where('published_at', 'is', null).execute();
  await queue.app.jobs.send(PUSH_JOB, { tenantId: a.tenantId, providerId, entryId: entry.id }, { singletonKey: `${providerId}:${entry.id}` });
  const [job] = await boss.fetch<{ entryId: string }>(PUSH_JOB);
  t.equal(job?.data.entryId, entry.id, 'the push is active, with no worker behind it');
  // The worker died a minute ago: past the grace a live worker has to take its lock.
  await sql`update pgboss.job set started_on = now() - interval '1 minute' where id = ${job!.id}`.execute(db);
  return { entry, jobId: job!.id };
}

const mappingOf = (entryId: string) => db.selectFrom('calendar_event_mappings').selectAll().where('provider_id', '=', providerId).where('schedule_entry_id', '=', entryId).executeTakeFirst();
const eventsFor = (mappingId: string) =>
  emulators.google.events(a.technician.email).filter((e) => (e as { extendedProperties?: { private?: Record<string, string> } }).extendedProperties?.private?.switchboardMappingId === mappingId);

t.test('a push left running by a dead worker is delivered as soon as the next process starts', async (t) => {
  const { entry, jobId } = await pushLeftRunning(t);
  const next = await startCalendarApp(t, emulators, { database, keyring: setup.keyring, sweepMinutes: 60 });
  t.equal((await boss.getJobById(PUSH_JOB, jobId))?.state, 'cancelled', 'the orphan was handed out again during start');
  const mapping = await eventually(async () => {
    const m = await mappingOf(entry.id);
    return m?.status === 'synced' ? m : null;
  });
  t.equal(eventsFor(mapping.id).length, 1, 'one event in the calendar');
  await next.close();
});

// Another process exists only on PostgreSQL: the embedded database serves every connection of this
// process from one session, so its advisory locks cannot stand for a second process (CI runs this
// file on both; this case runs in the PostgreSQL pass).
if (process.env.TEST_DATABASE_URL) t.test('a push another live process holds is left to it, and taken over once that process is gone', async (t) => {
  const { entry, jobId } = await pushLeftRunning(t);
  // What a live worker in another process holds while it runs this job.
  const otherProcess = new pg.Client({ connectionString: database.connectionString });
  await otherProcess.connect();
  await otherProcess.query('select pg_advisory_lock($1, hashtext($2))', [LOCK_SPACE, jobId]);
  const next = await startCalendarApp(t, emulators, { database, keyring: setup.keyring, sweepMinutes: 60 });
  t.equal((await boss.getJobById(PUSH_JOB, jobId))?.state, 'active', 'a starting process leaves a held job alone');
  t.notOk((await mappingOf(entry.id))?.external_id, 'and does not push it');

  await otherProcess.end(); // that process dies: PostgreSQL drops its locks
  const recovery = createInFlightJobs({ connectionString: database.connectionString, jobs: next.app.jobs, log: next.app.log });
  t.teardown(recovery.close);
  t.equal(await recovery.recover(PROVIDER_JOBS), 1, 'the next recovery pass hands it out again');
  const mapping = await eventually(async () => {
    const m = await mappingOf(entry.id);
    return m?.status === 'synced' ? m : null;
  });
  t.equal(eventsFor(mapping.id).length, 1);
  await next.close();
});
