// PSA schedule entries. Every write appends schedule_entry.created|updated|deleted to the outbox
// in the same transaction, which is what calendar sync listens to.
import { sql, type Selectable } from 'kysely';
import rrule from 'rrule';
import { DateTime } from 'luxon';
import type { ScheduleEntriesTable } from '@switchboard/db';
import { forTenant, type Db } from '../tenancy.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { appendEvent } from './outbox.js';
import {
  timeProblems,
  type ScheduleEntry,
  type ScheduleEntryInput,
  type ScheduleEntryListQuery,
  type ScheduleEntryPatch,
} from '../schemas/schedule-entries.js';

type Row = Selectable<ScheduleEntriesTable> & { assignee_ids: string[] };

const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
// All-day entries are stored as UTC midnights of their (exclusive-end) dates.
const toTimestamp = (value: string, allDay: boolean) => (allDay ? new Date(`${value}T00:00:00Z`) : new Date(value));

export function toScheduleEntry(row: Row): ScheduleEntry {
  return {
    id: row.id,
    title: row.title,
    notes: row.notes,
    start: row.is_all_day ? dateOnly(row.starts_at) : row.starts_at.toISOString(),
    end: row.is_all_day ? dateOnly(row.ends_at) : row.ends_at.toISOString(),
    timeZone: row.time_zone,
    allDay: row.is_all_day,
    recurrence: row.recurrence,
    workItemType: row.work_item_type,
    workItemId: row.work_item_id,
    assigneeIds: row.assignee_ids,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function selectEntries(db: Db, tenantId: string) {
  return forTenant(db, tenantId)
    .selectFrom('schedule_entries')
    .selectAll('schedule_entries')
    .select(
      sql<string[]>`array(select a.user_id from schedule_entry_assignees a where a.schedule_entry_id = schedule_entries.id order by a.user_id)`.as(
        'assignee_ids',
      ),
    );
}

async function findEntry(db: Db, tenantId: string, id: string): Promise<Row | undefined> {
  return selectEntries(db, tenantId).where('schedule_entries.id', '=', id).executeTakeFirst();
}

export async function getScheduleEntry(db: Db, tenantId: string, id: string) {
  const row = await findEntry(db, tenantId, id);
  if (!row) throw new NotFound('Schedule entry');
  return toScheduleEntry(row);
}

// rrule expands in floating time (UTC dates standing for wall-clock times). A series recurs on the
// wall clock of its zone, as calendars expand it: BYDAY=MO is the local Monday, 09:00 stays 09:00
// across daylight saving. All-day entries are stored as UTC midnights, so their zone is UTC.
const toFloating = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).setZone('utc', { keepLocalTime: true }).toJSDate();
const fromFloating = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone: 'utc' }).setZone(zone, { keepLocalTime: true }).toJSDate();
const DAY_MS = 86_400_000;

/** Does a recurring series have an occurrence overlapping [from, to)? */
function recursWithin(row: Row, from: Date | undefined, to: Date | undefined): boolean {
  if (!row.recurrence || !from) return true;
  const zone = row.is_all_day ? 'utc' : row.time_zone;
  const duration = row.ends_at.getTime() - row.starts_at.getTime();
  const rule = new rrule.RRule({ ...rrule.rrulestr(`RRULE:${row.recurrence}`).origOptions, dtstart: toFloating(row.starts_at, zone) });
  // An occurrence overlaps when it starts after `from - duration`. Floating and real times differ
  // by less than a day, so scan from a day earlier and convert each occurrence back.
  const earliest = from.getTime() - duration;
  let hit: Date | undefined;
  rule.all((occurrence) => {
    if (occurrence.getTime() < earliest - DAY_MS) return true;
    const real = fromFloating(occurrence, zone);
    if (real.getTime() <= earliest) return true;
    hit = real;
    return false;
  });
  return hit !== undefined && (!to || hit < to);
}

export async function listScheduleEntries(db: Db, tenantId: string, q: ScheduleEntryListQuery) {
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  let base = selectEntries(db, tenantId);
  if (to) base = base.where('schedule_entries.starts_at', '<', to);
  // Single entries must end after `from`; a series may recur into the window, checked below.
  if (from) base = base.where((eb) => eb.or([eb('schedule_entries.ends_at', '>', from), eb('schedule_entries.recurrence', 'is not', null)]));
  if (q.assigneeId) {
    const assigneeId = q.assigneeId;
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('schedule_entry_assignees as a')
          .select('a.user_id')
          .whereRef('a.schedule_entry_id', '=', 'schedule_entries.id')
          .where('a.user_id', '=', assigneeId),
      ),
    );
  }
  const ordered = base.orderBy('schedule_entries.starts_at').orderBy('schedule_entries.id');
  if (!from) {
    // Nothing to expand: page in SQL.
    const [rows, count] = await Promise.all([
      ordered.limit(q.limit).offset(q.offset).execute(),
      base.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toScheduleEntry), total: Number(count.n) };
  }
  // A window is bounded (a week, a month); series are checked for an occurrence inside it.
  const matching = (await ordered.execute()).filter((r) => recursWithin(r, from, to));
  return { items: matching.slice(q.offset, q.offset + q.limit).map(toScheduleEntry), total: matching.length };
}

async function assertAssignable(db: Db, tenantId: string, userIds: string[]) {
  if (userIds.length === 0) return;
  const found = await forTenant(db, tenantId)
    .selectFrom('users')
    .select('id')
    .where('id', 'in', userIds)
    .where('user_type', '=', 'internal')
    .where('is_active', '=', true)
    .execute();
  const unknown = userIds.filter((id) => !found.some((u) => u.id === id));
  if (unknown.length) {
    throw BadRequest.field('assigneeIds', `no active internal user with id ${unknown.join(', ')}`);
  }
}

async function replaceAssignees(trx: Db, tenantId: string, entryId: string, userIds: string[]) {
  const scope = forTenant(trx, tenantId);
  await scope.deleteFrom('schedule_entry_assignees').where('schedule_entry_id', '=', entryId).execute();
  if (userIds.length) {
    await scope.insertInto('schedule_entry_assignees', userIds.map((user_id) => ({ schedule_entry_id: entryId, user_id }))).execute();
  }
}

export async function createScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, input: ScheduleEntryInput) {
  await assertAssignable(trx, tenantId, input.assigneeIds);
  const { id } = await forTenant(trx, tenantId)
    .insertInto('schedule_entries', {
      title: input.title,
      notes: input.notes ?? null,
      starts_at: toTimestamp(input.start, input.allDay),
      ends_at: toTimestamp(input.end, input.allDay),
      time_zone: input.timeZone,
      is_all_day: input.allDay,
      recurrence: input.recurrence ?? null,
      work_item_type: input.workItemType,
      work_item_id: input.workItemId ?? null,
      created_by: actorUserId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceAssignees(trx, tenantId, id, input.assigneeIds);
  const entry = await getScheduleEntry(trx, tenantId, id);
  await appendEvent(trx, {
    tenantId,
    type: 'schedule_entry.created',
    aggregateType: 'schedule_entry',
    aggregateId: id,
    payload: { entry, previousAssigneeIds: [], actorUserId },
  });
  return entry;
}

export async function updateScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, id: string, patch: ScheduleEntryPatch) {
  const current = await selectEntries(trx, tenantId).where('schedule_entries.id', '=', id).forUpdate('schedule_entries').executeTakeFirst();
  if (!current) throw new NotFound('Schedule entry');
  if (patch.expectedVersion !== undefined && patch.expectedVersion !== current.version) {
    throw new Conflict('This schedule entry was changed by someone else. Reload it and try again.', {
      currentVersion: current.version,
    });
  }
  const before = toScheduleEntry(current);
  const merged = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as ScheduleEntry;
  const problems = timeProblems(merged);
  if (problems.length) throw BadRequest.fields(problems);
  if (patch.assigneeIds) await assertAssignable(trx, tenantId, patch.assigneeIds);
  await forTenant(trx, tenantId)
    .updateTable('schedule_entries')
    .set({
      title: merged.title,
      notes: merged.notes,
      starts_at: toTimestamp(merged.start, merged.allDay),
      ends_at: toTimestamp(merged.end, merged.allDay),
      time_zone: merged.timeZone,
      is_all_day: merged.allDay,
      recurrence: merged.recurrence,
      work_item_type: merged.workItemType,
      work_item_id: merged.workItemId,
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
  if (patch.assigneeIds) await replaceAssignees(trx, tenantId, id, patch.assigneeIds);
  const entry = await getScheduleEntry(trx, tenantId, id);
  await appendEvent(trx, {
    tenantId,
    type: 'schedule_entry.updated',
    aggregateType: 'schedule_entry',
    aggregateId: id,
    payload: { entry, previousAssigneeIds: before.assigneeIds, actorUserId },
  });
  return entry;
}

export async function deleteScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, id: string) {
  const current = await findEntry(trx, tenantId, id);
  if (!current) throw new NotFound('Schedule entry');
  await forTenant(trx, tenantId).deleteFrom('schedule_entries').where('id', '=', id).execute();
  // The entry is gone after this commit, so the event carries its last state.
  const entry = toScheduleEntry(current);
  await appendEvent(trx, {
    tenantId,
    type: 'schedule_entry.deleted',
    aggregateType: 'schedule_entry',
    aggregateId: id,
    payload: { entry, previousAssigneeIds: entry.assigneeIds, actorUserId },
  });
}
