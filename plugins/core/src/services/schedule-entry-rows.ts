// Reading, locking and writing schedule entry rows, shared by the entry services and the series
// exception services: the API's shape formatted in SQL, row locks, assignees and outbox events.
import { sql } from 'kysely';
import { forTenant, type Db } from '../tenancy.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { isForeignKeyViolation } from '../database-errors.js';
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
      'schedule_entries.client_id as clientId',
      'schedule_entries.contact_id as contactId',
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
/** apiInstant in SQL, character for character, for the create's one statement (insertEntry). */
const apiInstantSql = (text: ReturnType<typeof sql>) =>
  sql<string>`(case when length(${text}) = 10 then ${text} else substr(${text}, 1, 10) || 'T' || substr(${text}, 12, 8) || '.' || rpad(substr(${text}, 21, 3), 3, '0') || 'Z' end)`;
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

/** The client and contact an entry links to (null: none). */
export interface EntryLinks {
  clientId: string | null;
  contactId: string | null;
}

/** Why a client and contact cannot be linked (a client of another tenant is "no client"), or null. */
function linkProblem(links: EntryLinks, found: { client: boolean; contactClientId: string | null | undefined }) {
  if (links.clientId && !found.client) return { field: 'clientId', message: `no client with id ${links.clientId}` };
  if (!links.contactId) return null;
  if (!links.clientId) return { field: 'contactId', message: 'a contact can only be linked together with its client' };
  if (!found.contactClientId) return { field: 'contactId', message: `no contact with id ${links.contactId}` };
  if (found.contactClientId !== links.clientId) return { field: 'contactId', message: 'is a contact of another client' };
  return null;
}

export async function assertLinkable(db: Db, tenantId: string, links: EntryLinks) {
  if (!links.clientId && !links.contactId) return;
  const scope = forTenant(db, tenantId);
  const [client, contact] = await Promise.all([
    links.clientId ? scope.selectFrom('clients').select('id').where('id', '=', links.clientId).executeTakeFirst() : undefined,
    links.contactId ? scope.selectFrom('contacts').select('client_id').where('id', '=', links.contactId).executeTakeFirst() : undefined,
  ]);
  const problem = linkProblem(links, { client: !!client, contactClientId: contact?.client_id });
  if (problem) throw BadRequest.field(problem.field, problem.message);
}

/**
 * For `.catch()` on a write that links a client: the writer checked the links first, so a key
 * violation is a client or contact deleted (or a contact moved) since.
 */
export function rethrowLinkGone(err: unknown): never {
  if (isForeignKeyViolation(err, 'schedule_entries_client_fk') || isForeignKeyViolation(err, 'schedule_entries_contact_fk')) {
    throw new Conflict('The client or contact was deleted or changed while the entry was saved. Choose them again.');
  }
  throw err;
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

/**
 * Inserts an entry (an override when `occurrenceOf` is given) with its assignees and its created
 * event, in one statement (data-modifying CTEs): one round trip, atomic without a transaction of
 * its own (issue 21: the create took 8 round trips). The event's entry is built in SQL in the
 * exact form getScheduleEntry returns (apiInstantSql mirrors apiInstant; a test compares the two).
 * Nothing is written unless every assignee is an active internal user of the tenant and the
 * client and contact are the tenant's (the contact one of the client's).
 */
export async function insertEntry(trx: Db, tenantId: string, actorUserId: string | null, input: ScheduleEntryInput, occurrenceOf?: OccurrenceOf) {
  const assigneeIds = [...new Set(input.assigneeIds)];
  const links: EntryLinks = { clientId: input.clientId ?? null, contactId: input.contactId ?? null };
  const start = dateOrIso(sql.ref('e.is_all_day'), sql.ref('e.starts_at'));
  const end = dateOrIso(sql.ref('e.is_all_day'), sql.ref('e.ends_at'));
  const original = dateOrIso(sql.ref('e.original_all_day'), sql.ref('e.original_start'));
  const { rows } = await sql<{ entry: ScheduleEntry }>`
    with assignable as (
      select count(*) = ${assigneeIds.length} as ok from users
      where tenant_id = ${tenantId}::uuid and id = any(${assigneeIds}::uuid[]) and user_type = 'internal' and is_active
    ), linkable as (
      select (${links.clientId}::uuid is null or exists (select from clients where tenant_id = ${tenantId}::uuid and id = ${links.clientId}::uuid))
        and (${links.contactId}::uuid is null or exists (select from contacts where tenant_id = ${tenantId}::uuid and id = ${links.contactId}::uuid and client_id = ${links.clientId}::uuid)) as ok
    ), e as (
      insert into schedule_entries (tenant_id, title, notes, starts_at, ends_at, time_zone, is_all_day, recurrence, work_item_type, work_item_id, client_id, contact_id, created_by, series_entry_id, original_start, original_all_day)
      select ${tenantId}::uuid, ${input.title}::text, ${input.notes ?? null}::text, ${toTimestamp(input.start, input.allDay)}::timestamptz, ${toTimestamp(input.end, input.allDay)}::timestamptz,
        ${input.timeZone}::text, ${input.allDay}::boolean, ${input.recurrence ?? null}::text, ${input.workItemType}::text, ${input.workItemId ?? null}::text,
        ${links.clientId}::uuid, ${links.contactId}::uuid, ${actorUserId}::uuid,
        ${occurrenceOf?.seriesId ?? null}::uuid, ${occurrenceOf?.originalStart ?? null}::timestamptz, ${occurrenceOf?.allDay ?? null}::boolean
      from assignable, linkable where assignable.ok and linkable.ok
      returning *
    ), assignees as (
      insert into schedule_entry_assignees (tenant_id, schedule_entry_id, user_id)
      select e.tenant_id, e.id, u from e, unnest(${assigneeIds}::uuid[]) u
    ), formatted as (
      select jsonb_build_object(
        'id', e.id, 'title', e.title, 'notes', e.notes,
        'start', ${apiInstantSql(start)}, 'end', ${apiInstantSql(end)},
        'timeZone', e.time_zone, 'allDay', e.is_all_day, 'recurrence', e.recurrence,
        'seriesEntryId', e.series_entry_id, 'originalStart', case when e.original_start is null then null else ${apiInstantSql(original)} end,
        'excludedStarts', '[]'::jsonb,
        'workItemType', e.work_item_type, 'workItemId', e.work_item_id,
        'clientId', e.client_id, 'contactId', e.contact_id,
        'assigneeIds', to_jsonb(array(select u from unnest(${assigneeIds}::uuid[]) u order by u)),
        'version', e.version,
        'createdAt', ${apiInstantSql(utcText(sql.ref('e.created_at')))}, 'updatedAt', ${apiInstantSql(utcText(sql.ref('e.updated_at')))}
      ) as entry
      from e
    ), event as (
      insert into outbox_events (tenant_id, event_type, aggregate_type, aggregate_id, payload)
      select ${tenantId}::uuid, 'schedule_entry.created', 'schedule_entry', entry->>'id',
        jsonb_build_object('entry', entry, 'previousAssigneeIds', '[]'::jsonb, 'actorUserId', ${actorUserId}::uuid)
      from formatted
    )
    select entry from formatted`
    .execute(trx)
    .catch(rethrowLinkGone);
  if (rows.length === 0) {
    await assertAssignable(trx, tenantId, assigneeIds);
    await assertLinkable(trx, tenantId, links);
    // Everything refused a moment ago is accepted now: a concurrent change.
    throw new Conflict('An assignee, the client or the contact changed while the entry was saved. Try again.');
  }
  return rows[0].entry;
}
