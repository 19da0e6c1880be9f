// PSA schedule entries. Every write appends schedule_entry.created|updated|deleted to the outbox
// in the same transaction, which is what calendar sync listens to.
import { sql } from 'kysely';
import { forTenant, type Db } from '../tenancy.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { appendEvent } from './outbox.js';
import { recursWithin } from './recurrence-expansion.js';
import { recurrenceProblem } from './recurrence-subset.js';
import {
  timeProblems,
  type ScheduleEntry,
  type ScheduleEntryInput,
  type ScheduleEntryListQuery,
  type ScheduleEntryPatch,
} from '../schemas/schedule-entries.js';

// All-day entries are stored as UTC midnights of their (exclusive-end) dates.
const toTimestamp = (value: string, allDay: boolean) => (allDay ? new Date(`${value}T00:00:00Z`) : new Date(value));

// The list is the busiest read in the product, so PostgreSQL formats timestamps as the API's ISO
// strings (or dates for all-day entries) and joins assignee ids as text: no Date parsing and
// re-formatting, and no array parsing, per row in Node (measured: ~2x throughput, BENCHMARKS.md).
const iso = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const startOrEnd = (column: string) =>
  sql<string>`case when schedule_entries.is_all_day then to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD') else ${iso(column)} end`;

function selectEntries(db: Db, tenantId: string) {
  return forTenant(db, tenantId)
    .selectFrom('schedule_entries')
    .select([
      'schedule_entries.id',
      'schedule_entries.title',
      'schedule_entries.notes',
      startOrEnd('schedule_entries.starts_at').as('start'),
      startOrEnd('schedule_entries.ends_at').as('end'),
      'schedule_entries.time_zone as timeZone',
      'schedule_entries.is_all_day as allDay',
      'schedule_entries.recurrence',
      'schedule_entries.work_item_type as workItemType',
      'schedule_entries.work_item_id as workItemId',
      sql<string>`array_to_string(array(select a.user_id from schedule_entry_assignees a where a.schedule_entry_id = schedule_entries.id order by a.user_id), ',')`.as(
        'assigneeIds',
      ),
      'schedule_entries.version',
      iso('schedule_entries.created_at').as('createdAt'),
      iso('schedule_entries.updated_at').as('updatedAt'),
    ]);
}

type Row = Omit<ScheduleEntry, 'assigneeIds'> & { assigneeIds: string };

export const toScheduleEntry = (row: Row): ScheduleEntry => ({ ...row, assigneeIds: row.assigneeIds ? row.assigneeIds.split(',') : [] });

async function findEntry(db: Db, tenantId: string, id: string): Promise<Row | undefined> {
  return selectEntries(db, tenantId).where('schedule_entries.id', '=', id).executeTakeFirst();
}

export async function getScheduleEntry(db: Db, tenantId: string, id: string) {
  const row = await findEntry(db, tenantId, id);
  if (!row) throw new NotFound('Schedule entry');
  return toScheduleEntry(row);
}

/** Does a row overlap [from, to)? A series does when one of its occurrences does (bounded expansion). */
function withinWindow(row: Row, from: Date, to: Date | undefined): boolean {
  if (!row.recurrence) return true;
  const series = {
    startsAt: toTimestamp(row.start, row.allDay),
    endsAt: toTimestamp(row.end, row.allDay),
    timeZone: row.timeZone,
    allDay: row.allDay,
    rule: row.recurrence,
  };
  return recursWithin(series, from, to);
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
  // Series are checked for an occurrence inside the window, each check bounded (recurrence-expansion.ts);
  // every candidate row is checked so that `total` and the pages stay exact.
  const matching = (await ordered.execute()).filter((r) => withinWindow(r, from, to));
  return { items: matching.slice(q.offset, q.offset + q.limit).map(toScheduleEntry), total: matching.length };
}

/** The outbox event calendar sync consumes: the entry as it now is and who was assigned before. */
function appendScheduleEvent(
  trx: Db,
  tenantId: string,
  action: 'created' | 'updated' | 'deleted',
  entry: ScheduleEntry,
  previousAssigneeIds: string[],
  actorUserId: string | null,
) {
  return appendEvent(trx, {
    tenantId,
    type: `schedule_entry.${action}`,
    aggregateType: 'schedule_entry',
    aggregateId: entry.id,
    payload: { entry, previousAssigneeIds, actorUserId },
  });
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

/** Calendar imports and conflict merges reach the services without the route's schema. */
function assertSupportedRecurrence(rule: string | null | undefined) {
  const problem = rule ? recurrenceProblem(rule) : null;
  if (problem) throw BadRequest.field('recurrence', problem);
}

/**
 * Locks the entry's row, then reads it in a new statement: concurrent writers of one entry queue
 * here, and the one that waited sees the winner's commit (the version it bumped, or no row at all).
 * Callers pass a transaction (typed Db because calendar sync hands its transactions on as Db).
 */
async function lockEntry(trx: Db, tenantId: string, id: string): Promise<Row> {
  const locked = await forTenant(trx, tenantId).selectFrom('schedule_entries').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  const row = locked && (await findEntry(trx, tenantId, id));
  if (!row) throw new NotFound('Schedule entry');
  return row;
}

async function replaceAssignees(trx: Db, tenantId: string, entryId: string, userIds: string[]) {
  const scope = forTenant(trx, tenantId);
  await scope.deleteFrom('schedule_entry_assignees').where('schedule_entry_id', '=', entryId).execute();
  if (userIds.length) {
    await scope.insertInto('schedule_entry_assignees', userIds.map((user_id) => ({ schedule_entry_id: entryId, user_id }))).execute();
  }
}

export async function createScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, input: ScheduleEntryInput) {
  assertSupportedRecurrence(input.recurrence);
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
  await appendScheduleEvent(trx, tenantId, 'created', entry, [], actorUserId);
  return entry;
}

export async function updateScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, id: string, patch: ScheduleEntryPatch) {
  assertSupportedRecurrence(patch.recurrence);
  const current = await lockEntry(trx, tenantId, id);
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
  await appendScheduleEvent(trx, tenantId, 'updated', entry, before.assigneeIds, actorUserId);
  return entry;
}

/** Concurrent deletes of one entry: the first wins, the others wait for it and then answer 404. */
export async function deleteScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, id: string) {
  const current = await lockEntry(trx, tenantId, id);
  await forTenant(trx, tenantId).deleteFrom('schedule_entries').where('id', '=', id).execute();
  // The entry is gone after this commit, so the event carries its last state.
  const entry = toScheduleEntry(current);
  await appendScheduleEvent(trx, tenantId, 'deleted', entry, entry.assigneeIds, actorUserId);
}
