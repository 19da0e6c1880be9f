import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import { createOutboxRelay, type DomainEvent } from './outbox.js';
import { createScheduleEntry } from './schedule-entries.js';
import type { ScheduleEntryInput } from '../schemas/schedule-entries.js';

// The app runs without workers here, so its own relay never publishes: the events stay for us.
const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'outbox');
const admin = await signIn(app, tenant.admin.email);

const timed = { title: 'Outboxed', start: '2026-02-03T10:00:00Z', end: '2026-02-03T11:00:00Z', timeZone: 'UTC' };
const serviceInput: ScheduleEntryInput = { ...timed, allDay: false, workItemType: 'ad_hoc', assigneeIds: [tenant.technician.id] };

const eventsOf = (aggregateId: string) =>
  db.selectFrom('outbox_events').selectAll().where('aggregate_id', '=', aggregateId).orderBy('id').execute();
const countRows = async () => {
  const [entries, events] = await Promise.all([
    db.selectFrom('schedule_entries').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('outbox_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { entries: Number(entries.n), events: Number(events.n) };
};
/** Publishes whatever earlier tests left pending, so a test sees only its own events. */
const flush = () => createOutboxRelay(db, app.log).drain();

t.test('each schedule entry write appends exactly one event, with the previous assignees', async (t) => {
  const created = (await admin.request('POST', '/api/schedule-entries', { ...timed, assigneeIds: [tenant.technician.id] })).json();
  let events = await eventsOf(created.id);
  t.equal(events.length, 1);
  t.match(events[0], { tenant_id: tenant.tenantId, event_type: 'schedule_entry.created', aggregate_type: 'schedule_entry', published_at: null, attempts: 0 });
  t.same(events[0].payload, { entry: created, previousAssigneeIds: [], actorUserId: tenant.admin.id });

  const updated = (await admin.request('PATCH', `/api/schedule-entries/${created.id}`, { assigneeIds: [tenant.admin.id] })).json();
  events = await eventsOf(created.id);
  t.equal(events.length, 2);
  t.equal(events[1].event_type, 'schedule_entry.updated');
  t.same(events[1].payload, { entry: updated, previousAssigneeIds: [tenant.technician.id], actorUserId: tenant.admin.id });

  t.equal((await admin.request('DELETE', `/api/schedule-entries/${created.id}`)).statusCode, 200);
  events = await eventsOf(created.id);
  t.same(events.map((e) => e.event_type), ['schedule_entry.created', 'schedule_entry.updated', 'schedule_entry.deleted']);
  t.same(events[2].payload.previousAssigneeIds, [tenant.admin.id]);
  t.same((events[2].payload.entry as { id: string }).id, created.id, 'the delete event carries the last state');
});

t.test('a refused write leaves neither an entry nor an event', async (t) => {
  const before = await countRows();
  const unknownAssignee = await admin.request('POST', '/api/schedule-entries', { ...timed, assigneeIds: ['00000000-0000-4000-8000-000000000000'] });
  t.equal(unknownAssignee.statusCode, 400);
  t.same(await countRows(), before);

  const entry = (await admin.request('POST', '/api/schedule-entries', timed)).json();
  const afterCreate = await countRows();
  t.same(afterCreate, { entries: before.entries + 1, events: before.events + 1 });
  const badPatch = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Never', assigneeIds: [tenant.clientUser.id] });
  t.equal(badPatch.statusCode, 400);
  const stale = await admin.request('PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Never', expectedVersion: 7 });
  t.equal(stale.statusCode, 409);
  t.same(await countRows(), afterCreate);
  t.equal((await admin.request('GET', `/api/schedule-entries/${entry.id}`)).json().title, 'Outboxed');
});

t.test('a transaction that throws after the service call rolls back the entry and its event', async (t) => {
  const before = await countRows();
  let createdId = '';
  await t.rejects(
    db.transaction().execute(async (trx) => {
      createdId = (await createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, serviceInput)).id;
      throw new Error('something later in the transaction failed');
    }),
    { message: 'something later in the transaction failed' },
  );
  t.ok(createdId, 'the service did write inside the transaction');
  t.same(await countRows(), before);
  t.same(await eventsOf(createdId), []);

  const committed = await db.transaction().execute((trx) => createScheduleEntry(trx, tenant.tenantId, tenant.admin.id, serviceInput));
  const events = await eventsOf(committed.id);
  t.same(events.map((e) => e.event_type), ['schedule_entry.created']);
  t.same(events[0].payload.previousAssigneeIds, []);
  t.same(await countRows(), { entries: before.entries + 1, events: before.events + 1 });
});

t.test('the relay hands events to matching subscribers in order and marks them published', async (t) => {
  await flush();
  const other = await seedTenant(db, 'outbox-relay');
  const s = await signIn(app, other.admin.email);
  const first = (await s.request('POST', '/api/schedule-entries', { ...timed, title: 'First' })).json();
  const second = (await s.request('POST', '/api/schedule-entries', { ...timed, title: 'Second' })).json();
  await s.request('PATCH', `/api/schedule-entries/${first.id}`, { title: 'First, renamed' });
  await s.request('DELETE', `/api/schedule-entries/${second.id}`);

  const relay = createOutboxRelay(db, app.log);
  const all: DomainEvent[] = [];
  const deletions: string[] = [];
  const unrelated: string[] = [];
  relay.subscribe('schedule_entry.*', async (_trx, e) => void all.push(e));
  relay.subscribe('schedule_entry.deleted', async (_trx, e) => void deletions.push(e.aggregateId));
  relay.subscribe('client.*', async (_trx, e) => void unrelated.push(e.type));
  t.equal(await relay.drain(), 4);
  t.same(
    all.map((e) => [e.type, e.aggregateId]),
    [
      ['schedule_entry.created', first.id],
      ['schedule_entry.created', second.id],
      ['schedule_entry.updated', first.id],
      ['schedule_entry.deleted', second.id],
    ],
  );
  t.ok(all.every((e) => e.tenantId === other.tenantId && e.aggregateType === 'schedule_entry' && e.createdAt instanceof Date));
  t.equal((all[2].payload.entry as { title: string }).title, 'First, renamed');
  t.same(deletions, [second.id]);
  t.same(unrelated, []);
  const rows = await db.selectFrom('outbox_events').select(['published_at', 'attempts']).where('tenant_id', '=', other.tenantId).execute();
  t.ok(rows.every((r) => r.published_at instanceof Date && r.attempts === 0));
  t.equal(await relay.drain(), 0, 'a published event is not handed out again');
  t.equal(all.length, 4);
});

t.test('a subscriber that throws leaves its event unpublished, counts the attempt and rolls back its writes', async (t) => {
  await flush();
  const failing = (await admin.request('POST', '/api/schedule-entries', { ...timed, title: 'Fails' })).json();
  const later = (await admin.request('POST', '/api/schedule-entries', { ...timed, title: 'Later' })).json();
  let calendarDown = true;
  const seen: string[] = [];
  const relay = createOutboxRelay(db, app.log);
  relay.subscribe('schedule_entry.*', async (trx, e) => {
    // A write in the relay's transaction, which must not survive the failure.
    await trx.insertInto('audit_log').values({ tenant_id: e.tenantId, actor_user_id: null, action: 'relay.test', target_type: 'schedule_entry', target_id: e.aggregateId }).execute();
    if (calendarDown && e.aggregateId === failing.id) throw new Error('calendar down');
    seen.push(e.aggregateId);
  });

  t.equal(await relay.drain(), 0);
  t.equal(await relay.drain(), 0);
  const [failed] = await eventsOf(failing.id);
  t.match(failed, { published_at: null, attempts: 2, last_error: 'calendar down' });
  t.match((await eventsOf(later.id))[0], { published_at: null, attempts: 0 }, 'later events wait, so order holds');
  t.same(seen, []);
  const audit = await db.selectFrom('audit_log').select('id').where('action', '=', 'relay.test').execute();
  t.same(audit, [], "the failed delivery's writes were rolled back");

  calendarDown = false;
  t.equal(await relay.drain(), 2);
  t.same(seen, [failing.id, later.id]);
  t.ok((await eventsOf(failing.id))[0].published_at);
  t.equal((await db.selectFrom('audit_log').select('id').where('action', '=', 'relay.test').execute()).length, 2);
});

t.test('an event that keeps failing is parked after 10 attempts so later events flow', async (t) => {
  await flush();
  const stuck = (await admin.request('POST', '/api/schedule-entries', { ...timed, title: 'Stuck' })).json();
  const next = (await admin.request('POST', '/api/schedule-entries', { ...timed, title: 'Next' })).json();
  await db.updateTable('outbox_events').set({ attempts: 9 }).where('aggregate_id', '=', stuck.id).execute();
  const relay = createOutboxRelay(db, app.log);
  const seen: string[] = [];
  relay.subscribe('schedule_entry.*', async (_trx, e) => {
    if (e.aggregateId === stuck.id) throw new Error('still broken');
    seen.push(e.aggregateId);
  });
  t.equal(await relay.drain(), 0);
  t.match((await eventsOf(stuck.id))[0], { attempts: 10, published_at: null, last_error: 'still broken' });
  t.equal(await relay.drain(), 1);
  t.same(seen, [next.id]);
  t.match((await eventsOf(stuck.id))[0], { attempts: 10, published_at: null });
});
