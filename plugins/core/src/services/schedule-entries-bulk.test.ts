import t from 'tap';
import { buildTestApp, seedTenant } from '@switchboard/testing';
import { createScheduleEntry, updateScheduleEntry } from './schedule-entries.js';
import { createScheduleEntries, updateScheduleEntries, type EntryTimesPatch } from './schedule-entries-bulk.js';
import type { ScheduleEntryInput } from '../schemas/schedule-entries.js';
import { BadRequest } from '../errors.js';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { db } = ctx;
const tenant = await seedTenant(db, 'entries-bulk');
const other = await seedTenant(db, 'entries-bulk-b');
const actor = tenant.technician.id;
const tx = <T>(work: (trx: typeof db) => Promise<T>) => db.transaction().execute(work);

const inputs: ScheduleEntryInput[] = [
  { title: 'Timed', start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T10:30:00.000Z', timeZone: 'Europe/Berlin', allDay: false, workItemType: 'ad_hoc', assigneeIds: [actor] },
  {
    title: 'All day, two technicians',
    notes: 'bring the ladder',
    start: '2026-03-03',
    end: '2026-03-05',
    timeZone: 'UTC',
    allDay: true,
    workItemType: 'ticket',
    workItemId: 'T-42',
    clientId: tenant.client.id,
    assigneeIds: [tenant.admin.id, actor],
  },
  {
    title: 'Weekly',
    start: '2026-03-02T08:00:00.000Z',
    end: '2026-03-02T09:00:00.000Z',
    timeZone: 'Europe/Berlin',
    allDay: false,
    recurrence: 'FREQ=WEEKLY;BYDAY=MO',
    workItemType: 'ad_hoc',
    assigneeIds: [actor],
  },
  { title: 'Nobody', start: '2026-03-06T09:00:00.000Z', end: '2026-03-06T10:00:00.000Z', timeZone: 'UTC', allDay: false, workItemType: 'ad_hoc', assigneeIds: [] },
];

/** Everything the writes leave behind for these entries, without what differs by nature (ids, clocks, outbox sequence). */
async function rowsOf(ids: string[]) {
  const entries = await db.selectFrom('schedule_entries').selectAll().where('id', 'in', ids).execute();
  const assignees = await db.selectFrom('schedule_entry_assignees').selectAll().where('schedule_entry_id', 'in', ids).orderBy('user_id').execute();
  const events = await db.selectFrom('outbox_events').selectAll().where('aggregate_id', 'in', ids).orderBy('id').execute();
  const audit = await db.selectFrom('audit_log').select('action').where('target_id', 'in', ids).execute();
  return ids.map((id) => {
    const { id: _id, created_at: _c, updated_at: _u, ...entry } = entries.find((e) => e.id === id)!;
    return {
      entry,
      assignees: assignees.filter((a) => a.schedule_entry_id === id).map(({ schedule_entry_id: _e, ...a }) => a),
      events: events
        .filter((e) => e.aggregate_id === id)
        .map(({ id: _id, aggregate_id: _a, created_at: _c, payload, ...e }) => {
          const { id: entryId, createdAt: _ca, updatedAt: _ua, ...rest } = (payload as { entry: Record<string, unknown> }).entry;
          t.equal(entryId, id, 'the event carries its entry');
          return { ...e, payload: { ...payload, entry: rest } };
        }),
      audit,
    };
  });
}

const patches: EntryTimesPatch[] = [
  { title: 'Timed, moved', notes: 'now later', start: '2026-03-02T11:00:00.000Z', end: '2026-03-02T12:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, recurrence: null },
  { title: 'All day, one day', notes: null, start: '2026-03-04', end: '2026-03-05', timeZone: 'UTC', allDay: true, recurrence: null },
  // A series whose times change takes the per-row path inside the bulk update (its exceptions go).
  { title: 'Weekly, later', notes: null, start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T11:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, recurrence: 'FREQ=WEEKLY;BYDAY=MO' },
  { title: 'Nobody, now a series', notes: null, start: '2026-03-06T09:00:00.000Z', end: '2026-03-06T10:00:00.000Z', timeZone: 'UTC', allDay: false, recurrence: 'FREQ=DAILY;COUNT=3' },
];

t.test('createScheduleEntries leaves the same rows as createScheduleEntry one at a time', async (t) => {
  const one = await tx(async (trx) => {
    const out = [];
    for (const input of inputs) out.push(await createScheduleEntry(trx, tenant.tenantId, actor, input));
    return out;
  });
  const bulk = await tx((trx) => createScheduleEntries(trx, tenant.tenantId, actor, inputs));
  t.same(
    bulk.map(({ id: _i, createdAt: _c, updatedAt: _u, ...e }) => e),
    one.map(({ id: _i, createdAt: _c, updatedAt: _u, ...e }) => e),
    'the same entries come back, in input order',
  );
  t.same(await rowsOf(bulk.map((e) => e.id)), await rowsOf(one.map((e) => e.id)));
  t.equal((await rowsOf(bulk.map((e) => e.id)))[1]!.assignees.length, 2);
  t.equal(bulk[1]!.clientId, tenant.client.id);

  t.test('updateScheduleEntries leaves the same rows as updateScheduleEntry one at a time', async (t) => {
    const updatedOne = await tx(async (trx) => {
      const out = [];
      for (const [n, entry] of one.entries()) out.push(await updateScheduleEntry(trx, tenant.tenantId, actor, entry.id, patches[n]!));
      return out;
    });
    const updatedBulk = await tx((trx) => updateScheduleEntries(trx, tenant.tenantId, actor, bulk.map((e, n) => ({ id: e.id, patch: patches[n]! }))));
    t.same(
      updatedBulk.map(({ id: _i, createdAt: _c, updatedAt: _u, ...e }) => e),
      updatedOne.map(({ id: _i, createdAt: _c, updatedAt: _u, ...e }) => e),
    );
    t.same(updatedBulk.map((e) => e.version), [2, 2, 2, 2]);
    t.same(await rowsOf(bulk.map((e) => e.id)), await rowsOf(one.map((e) => e.id)));
  });
});

t.test('set-wise writes refuse what the per-row ones refuse, and write nothing then', async (t) => {
  const before = await db.selectFrom('schedule_entries').select('id').where('tenant_id', '=', tenant.tenantId).execute();
  await t.rejects(tx((trx) => createScheduleEntries(trx, tenant.tenantId, actor, [inputs[0]!, { ...inputs[0]!, assigneeIds: [tenant.clientUser.id] }])), BadRequest);
  await t.rejects(tx((trx) => createScheduleEntries(trx, tenant.tenantId, actor, [{ ...inputs[0]!, recurrence: 'FREQ=HOURLY' }])), BadRequest);
  await t.rejects(tx((trx) => createScheduleEntries(trx, tenant.tenantId, actor, [{ ...inputs[0]!, clientId: other.client.id }])), BadRequest, 'another tenant’s client');
  const [entry] = await tx((trx) => createScheduleEntries(trx, tenant.tenantId, actor, [inputs[0]!]));
  await t.rejects(
    tx((trx) => updateScheduleEntries(trx, tenant.tenantId, actor, [{ id: entry!.id, patch: { ...patches[0]!, end: '2026-03-02T10:00:00.000Z' } }])),
    BadRequest,
    'ends before it starts',
  );
  const after = await db.selectFrom('schedule_entries').select('id').where('tenant_id', '=', tenant.tenantId).execute();
  t.equal(after.length, before.length + 1);
  t.same(await tx((trx) => createScheduleEntries(trx, tenant.tenantId, actor, [])), []);
});
