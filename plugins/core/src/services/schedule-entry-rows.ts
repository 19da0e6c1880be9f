// Reading, locking and writing schedule entry rows, shared by the entry services and the series
// exception services: the API's shape formatted in SQL, row locks, assignees and outbox events.
import { sql } from 'kysely';
import { forTenant, type Db } from '../tenancy.js';
import { BadRequest, NotFound } from '../errors.js';
import { appendEvent } from './outbox.js';
import { toTimestamp } from './recurrence-expansion.js';
import type { ScheduleEntry, ScheduleEntryInput } from '../schemas/schedule-entries.js';

// The list is the busiest read in the product. PostgreSQL writes timestamps as plain text (UTC,
// 'YYYY-MM-DD HH:MM:SS[.ffffff]', dates as 'YYYY-MM-DD') and joins assignee ids as text, and
// apiInstant puts them in the API's form: no Date parsing and re-formatting, and no array parsing,
// per row in Node (~2x throughput), and no to_char, whose formatting engine was most of the list's
// database time, more so on the embedded server's build (BENCHMARKS.md).
const utcText = (value: ReturnType<typeof sql.ref>) => sql<string>`(${value} at time zone 'UTC')::text`;
const dateOrIso = (allDay: ReturnType<typeof sql.ref>, value: ReturnType<typeof sql.ref>) =>
  sql<string>`case when ${allDay} then (${value} at time zone 'UTC')::date::text else ${utcText(value)} end`;
const startOrEnd = (column: string) => dateOrIso(sql.ref('schedule_entries.is_all_day'), sql.ref(column));

// Original starts take the form of their series' start (an override keeps whether its series is
// all-day; null for every other entry), and the cancelled starts are joined as text (most entries
// have none: no work beyond a length check).
const originalStart = dateOrIso(sql.ref('schedule_entries.original_all_day'), sql.ref('schedule_entries.original_start'));
const excludedStarts = sql<string>`case when cardinality(schedule_entries.excluded_starts) = 0 then '' else array_to_string(array(select ${dateOrIso(
  sql.ref('schedule_entries.is_all_day'),
  sql.ref('x'),
)} from unnest(schedule_entries.excluded_starts) x order by x), ',') end`;

export function selectEntries(db: Db, tenantId: string) {
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
      'schedule_entries.series_entry_id as seriesEntryId',
      originalStart.as('originalStart'),
      excludedStarts.as('excludedStarts'),
      'schedule_entries.work_item_type as workItemType',
      'schedule_entries.work_item_id as workItemId',
      sql<string>`array_to_string(array(select a.user_id from schedule_entry_assignees a where a.schedule_entry_id = schedule_entries.id order by a.user_id), ',')`.as(
        'assigneeIds',
      ),
      'schedule_entries.version',
      utcText(sql.ref('schedule_entries.created_at')).as('createdAt'),
      utcText(sql.ref('schedule_entries.updated_at')).as('updatedAt'),
    ]);
}

export type Row = Omit<ScheduleEntry, 'assigneeIds' | 'excludedStarts'> & { assigneeIds: string; excludedStarts: string };

/** A timestamp as PostgreSQL writes it in UTC ('YYYY-MM-DD HH:MM:SS[.ffffff]') in the API's ISO form, milliseconds truncated; a date stays as it is. */
export const apiInstant = (text: string) => (text.length === 10 ? text : `${text.slice(0, 10)}T${text.slice(11, 19)}.${text.slice(20, 23).padEnd(3, '0')}Z`);
export const splitList = (joined: string) => (joined ? joined.split(',') : []);
export const toScheduleEntry = (row: Row): ScheduleEntry => ({
  ...row,
  start: apiInstant(row.start),
  end: apiInstant(row.end),
  originalStart: row.originalStart === null ? null : apiInstant(row.originalStart),
  createdAt: apiInstant(row.createdAt),
  updatedAt: apiInstant(row.updatedAt),
  assigneeIds: splitList(row.assigneeIds),
  excludedStarts: splitList(row.excludedStarts).map(apiInstant),
});

export async function findEntry(db: Db, tenantId: string, id: string): Promise<Row | undefined> {
  return selectEntries(db, tenantId).where('schedule_entries.id', '=', id).executeTakeFirst();
}

export async function getScheduleEntry(db: Db, tenantId: string, id: string) {
  const row = await findEntry(db, tenantId, id);
  if (!row) throw new NotFound('Schedule entry');
  return toScheduleEntry(row);
}

/**
 * Locks the entry's row, then reads it in a new statement: concurrent writers of one entry queue
 * here, and the one that waited sees the winner's commit (the version it bumped, or no row at all).
 * Callers pass a transaction (typed Db because calendar sync hands its transactions on as Db).
 */
export async function lockEntry(trx: Db, tenantId: string, id: string): Promise<ScheduleEntry> {
  const locked = await forTenant(trx, tenantId).selectFrom('schedule_entries').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  const row = locked && (await findEntry(trx, tenantId, id));
  if (!row) throw new NotFound('Schedule entry');
  return toScheduleEntry(row);
}

/** The outbox event calendar sync consumes: the entry as it now is and who was assigned before. */
export function appendScheduleEvent(
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

export async function assertAssignable(db: Db, tenantId: string, userIds: string[]) {
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

export async function replaceAssignees(trx: Db, tenantId: string, entryId: string, userIds: string[]) {
  const scope = forTenant(trx, tenantId);
  await scope.deleteFrom('schedule_entry_assignees').where('schedule_entry_id', '=', entryId).execute();
  if (userIds.length) {
    await scope.insertInto('schedule_entry_assignees', userIds.map((user_id) => ({ schedule_entry_id: entryId, user_id }))).execute();
  }
}

/** An overridden occurrence's link to its series. */
export interface OccurrenceOf {
  seriesId: string;
  originalStart: Date;
  /** The series' allDay. */
  allDay: boolean;
}

/** Inserts an entry (an override when `occurrenceOf` is given) with its assignees and created event. */
export async function insertEntry(trx: Db, tenantId: string, actorUserId: string | null, input: ScheduleEntryInput, occurrenceOf?: OccurrenceOf) {
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
      series_entry_id: occurrenceOf?.seriesId ?? null,
      original_start: occurrenceOf?.originalStart ?? null,
      original_all_day: occurrenceOf?.allDay ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceAssignees(trx, tenantId, id, input.assigneeIds);
  const entry = await getScheduleEntry(trx, tenantId, id);
  await appendScheduleEvent(trx, tenantId, 'created', entry, [], actorUserId);
  return entry;
}
