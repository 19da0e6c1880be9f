// Creating an entry is one statement (insertEntry, issue 21) that builds the outbox event's entry
// in SQL: it must be exactly what getScheduleEntry reads back, in every form an entry takes, and a
// refused assignee must leave nothing behind.
import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import { createScheduleEntry, getScheduleEntry } from './schedule-entries.js';
import { overrideOccurrence } from './series-exceptions.js';
import type { ScheduleEntryInput } from '../schemas/schedule-entries.js';
import { BadRequest } from '../errors.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { db } = ctx;
const tenant = await seedTenant(db, 'entry-create');
const other = await seedTenant(db, 'entry-create-b');
const actor = tenant.admin.id;

const timed: ScheduleEntryInput = {
  title: 'Onsite visit',
  notes: 'Bring the switch.',
  start: '2026-03-02T08:00:00.123Z',
  end: '2026-03-02T09:30:00Z',
  timeZone: 'Europe/Berlin',
  allDay: false,
  recurrence: null,
  workItemType: 'ticket',
  workItemId: 'T-1',
  assigneeIds: [tenant.technician.id, tenant.admin.id],
};

async function createdEvent(t: Test, entryId: string) {
  const rows = await db.selectFrom('outbox_events').selectAll().where('aggregate_id', '=', entryId).execute();
  t.equal(rows.length, 1, 'one outbox event');
  return rows[0];
}

async function checkCreated(t: Test, input: ScheduleEntryInput, create = () => createScheduleEntry(db, tenant.tenantId, actor, input)) {
  const returned = await create();
  const stored = await getScheduleEntry(db, tenant.tenantId, returned.id);
  t.same(returned, stored, 'the returned entry is the stored one');
  t.strictSame(JSON.parse(JSON.stringify(returned)), JSON.parse(JSON.stringify(stored)));
  const event = await createdEvent(t, returned.id);
  t.equal(event.event_type, 'schedule_entry.created');
  t.equal(event.aggregate_type, 'schedule_entry');
  t.equal(event.tenant_id, tenant.tenantId);
  t.strictSame(event.payload, JSON.parse(JSON.stringify({ entry: stored, previousAssigneeIds: [], actorUserId: actor })), 'the event carries the entry as getScheduleEntry reads it');
  return stored;
}

t.test('a timed entry with milliseconds and two assignees', async (t) => {
  const entry = await checkCreated(t, timed);
  t.equal(entry.start, '2026-03-02T08:00:00.123Z');
  t.equal(entry.end, '2026-03-02T09:30:00.000Z');
  t.same(entry.assigneeIds, [...timed.assigneeIds].sort());
  const rows = await db.selectFrom('schedule_entry_assignees').select('user_id').where('schedule_entry_id', '=', entry.id).execute();
  t.equal(rows.length, 2);
});

t.test('an all-day entry without notes or assignees, by an actor-less import', async (t) => {
  const input: ScheduleEntryInput = { ...timed, notes: null, start: '2026-03-05', end: '2026-03-06', allDay: true, workItemId: null, assigneeIds: [] };
  const returned = await createScheduleEntry(db, tenant.tenantId, null, input);
  const stored = await getScheduleEntry(db, tenant.tenantId, returned.id);
  t.strictSame(JSON.parse(JSON.stringify(returned)), JSON.parse(JSON.stringify(stored)));
  t.equal(stored.start, '2026-03-05');
  const event = await createdEvent(t, returned.id);
  t.strictSame(event.payload, JSON.parse(JSON.stringify({ entry: stored, previousAssigneeIds: [], actorUserId: null })));
});

t.test('a series, and an overridden occurrence of it (original start in the series form)', async (t) => {
  const series = await checkCreated(t, { ...timed, start: '2026-03-02T08:00:00Z', end: '2026-03-02T09:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
  const override = await checkCreated(t, timed, () =>
    db.transaction().execute((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, '2026-03-09T08:00:00.000Z', { title: 'Moved visit' })),
  );
  t.equal(override.seriesEntryId, series.id);
  t.equal(override.originalStart, '2026-03-09T08:00:00.000Z');
});

t.test('an entry linked to a client and contact, and an occurrence that inherits them', async (t) => {
  const contact = await db
    .insertInto('contacts')
    .values({ tenant_id: tenant.tenantId, client_id: tenant.client.id, full_name: 'Grace Hopper' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const linked = { ...timed, clientId: tenant.client.id, contactId: contact.id };
  const entry = await checkCreated(t, linked);
  t.equal(entry.clientId, tenant.client.id);
  t.equal(entry.contactId, contact.id);
  const series = await checkCreated(t, { ...linked, start: '2026-03-02T08:00:00Z', end: '2026-03-02T09:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=MO' });
  const override = await checkCreated(t, timed, () =>
    db.transaction().execute((trx) => overrideOccurrence(trx, tenant.tenantId, actor, series.id, '2026-03-09T08:00:00.000Z', { title: 'Moved visit' })),
  );
  t.same([override.clientId, override.contactId], [tenant.client.id, contact.id], 'the occurrence keeps its series’ client and contact');
  await t.rejects(createScheduleEntry(db, tenant.tenantId, actor, { ...timed, clientId: other.client.id }), { message: /clientId: no client with id/ });
});

t.test('an assignee who is not an active internal user of the tenant: 400, and nothing is written', async (t) => {
  const count = async () => {
    const { rows } = await sql<{ entries: number; events: number }>`select (select count(*)::int from schedule_entries) as entries, (select count(*)::int from outbox_events) as events`.execute(db);
    return rows[0];
  };
  const before = await count();
  for (const assigneeIds of [[other.technician.id], [tenant.technician.id, tenant.clientUser.id]]) {
    await t.rejects(createScheduleEntry(db, tenant.tenantId, actor, { ...timed, assigneeIds }), BadRequest);
  }
  t.same(await count(), before);
});

t.test('the route answers 201 with the entry and 400 for a foreign assignee', async (t) => {
  const admin = await signIn(ctx.app, tenant.admin.email);
  const ok = await admin.request('POST', '/api/schedule-entries', { ...timed, assigneeIds: [tenant.technician.id] });
  t.equal(ok.statusCode, 201);
  t.same(ok.json(), await getScheduleEntry(db, tenant.tenantId, ok.json().id));
  const refused = await admin.request('POST', '/api/schedule-entries', { ...timed, assigneeIds: [other.admin.id] });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().message, /assigneeIds/);
});
