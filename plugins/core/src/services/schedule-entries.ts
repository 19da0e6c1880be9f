// PSA schedule entries. Every write appends schedule_entry.created|updated|deleted to the outbox
// in the same transaction, which is what calendar sync listens to. A series' exceptions (cancelled
// and overridden occurrences) live in series-exceptions.ts.
import { CompiledQuery, sql } from 'kysely';
import { forTenant, type Db } from '../tenancy.js';
import { BadRequest, Conflict } from '../errors.js';
import { recursWithin, toTimestamp } from './recurrence-expansion.js';
import { recurrenceProblem } from './recurrence-subset.js';
import { cancelOccurrence, dropOverrides, listOccurrenceOverrides } from './series-exceptions.js';
import {
  appendScheduleEvent,
  assertAssignable,
  assertLinkable,
  getScheduleEntry,
  insertEntry,
  lockEntry,
  replaceAssignees,
  rethrowLinkGone,
  selectEntries,
  splitList,
  apiInstant,
  toScheduleEntry,
  type Row,
} from './schedule-entry-rows.js';
import { timeProblems, type ScheduleEntry, type ScheduleEntryInput, type ScheduleEntryListQuery, type ScheduleEntryPatch } from '../schemas/schedule-entries.js';

export { getScheduleEntry, toScheduleEntry };

/**
 * Does an entry overlap [from, to)? A series does when one of its occurrences does (bounded
 * expansion); its cancelled and overridden occurrences are not occurrences any more.
 */
function withinWindow(entry: ScheduleEntry, overriddenStarts: string[], from: Date, to: Date | undefined): boolean {
  if (!entry.recurrence) return true;
  const series = {
    startsAt: toTimestamp(entry.start, entry.allDay),
    endsAt: toTimestamp(entry.end, entry.allDay),
    timeZone: entry.timeZone,
    allDay: entry.allDay,
    rule: entry.recurrence,
    skip: new Set([...entry.excludedStarts, ...overriddenStarts].map((start) => toTimestamp(start, entry.allDay).getTime())),
  };
  return recursWithin(series, from, to);
}

// A series' overridden original starts, in the form of its start, for the window check only: an
// index-only lookup, and only for series rows.
const overriddenStarts = sql<string>`case when schedule_entries.recurrence is null then '' else array_to_string(array(select case when schedule_entries.is_all_day then (o.original_start at time zone 'UTC')::date::text else (o.original_start at time zone 'UTC')::text end from schedule_entries o where o.series_entry_id = schedule_entries.id), ',') end`;

// An override is also listed in the window its occurrence was in, so a client expanding the series
// there knows that occurrence moved away (the occurrence lasted as long as its series).
const originalOccurrenceEnd = sql<Date>`schedule_entries.original_start + (select s.ends_at - s.starts_at from schedule_entries s where s.id = schedule_entries.series_entry_id)`;

// The list without a window or an assignee filter (the calendar's and the bench's common call) is
// compiled once per database handle, with placeholders bound per call: building and compiling the
// query with Kysely was ~10% of the route's CPU (issue 21). Placeholders are unique objects, so a
// parameter is replaced by identity, never by value.
const TENANT = { placeholder: 'tenantId' };
const LIMIT = { placeholder: 'limit' };
const OFFSET = { placeholder: 'offset' };
const plainListQueries = new WeakMap<Db, { rows: CompiledQuery<Row>; count: CompiledQuery<{ n: string }> }>();

function plainList(db: Db) {
  let compiled = plainListQueries.get(db);
  if (!compiled) {
    const base = selectEntries(db, TENANT as unknown as string);
    compiled = {
      rows: base
        .orderBy('schedule_entries.starts_at')
        .orderBy('schedule_entries.id')
        .limit(LIMIT as unknown as number)
        .offset(OFFSET as unknown as number)
        .compile(),
      count: base.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).compile(),
    };
    plainListQueries.set(db, compiled);
  }
  return compiled;
}

const bind = <R>(query: CompiledQuery<R>, values: Map<unknown, unknown>): CompiledQuery<R> =>
  CompiledQuery.raw(query.sql, query.parameters.map((p) => (values.has(p) ? values.get(p) : p))) as CompiledQuery<R>;

export async function listScheduleEntries(db: Db, tenantId: string, q: ScheduleEntryListQuery) {
  if (!q.from && !q.to && !q.assigneeId && !q.clientId) {
    const { rows, count } = plainList(db);
    const values = new Map<unknown, unknown>([
      [TENANT, tenantId],
      [LIMIT, q.limit],
      [OFFSET, q.offset],
    ]);
    const [page, total] = await Promise.all([db.executeQuery(bind(rows, values)), db.executeQuery(bind(count, values))]);
    return { items: page.rows.map(toScheduleEntry), total: Number(total.rows[0].n) };
  }
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  let base = selectEntries(db, tenantId);
  if (from || to) {
    base = base.where((eb) =>
      eb.or([
        // Single entries overlap the window; a series may recur into it, checked below.
        eb.and([...(to ? [eb('schedule_entries.starts_at', '<', to)] : []), ...(from ? [eb.or([eb('schedule_entries.ends_at', '>', from), eb('schedule_entries.recurrence', 'is not', null)])] : [])]),
        eb.and([
          eb('schedule_entries.series_entry_id', 'is not', null),
          ...(to ? [eb('schedule_entries.original_start', '<', to)] : []),
          ...(from ? [eb(originalOccurrenceEnd, '>', from)] : []),
        ]),
      ]),
    );
  }
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
  if (q.clientId) base = base.where('schedule_entries.client_id', '=', q.clientId);
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
  const rows = await ordered.select(overriddenStarts.as('overriddenStarts')).execute();
  const matching = rows.flatMap(({ overriddenStarts: overridden, ...row }) => {
    const entry = toScheduleEntry(row);
    return withinWindow(entry, splitList(overridden).map(apiInstant), from, to) ? [entry] : [];
  });
  return { items: matching.slice(q.offset, q.offset + q.limit), total: matching.length };
}

/** Calendar imports and conflict merges reach the services without the route's schema. */
function assertSupportedRecurrence(rule: string | null | undefined) {
  const problem = rule ? recurrenceProblem(rule) : null;
  if (problem) throw BadRequest.field('recurrence', problem);
}

/** One statement (see insertEntry): atomic on its own, so `db` may be a transaction or not. */
export async function createScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, input: ScheduleEntryInput) {
  assertSupportedRecurrence(input.recurrence);
  return insertEntry(trx, tenantId, actorUserId, input);
}

/** Do two versions of a series recur at different times? Then its exceptions no longer line up. */
function timesChanged(before: ScheduleEntry, after: ScheduleEntry): boolean {
  const instant = (e: ScheduleEntry, field: 'start' | 'end') => toTimestamp(e[field], e.allDay).getTime();
  return (
    instant(before, 'start') !== instant(after, 'start') ||
    instant(before, 'end') !== instant(after, 'end') ||
    before.timeZone !== after.timeZone ||
    before.allDay !== after.allDay ||
    (before.recurrence ?? null) !== (after.recurrence ?? null)
  );
}

/**
 * The client and contact after a patch: a new client without a contact drops the old client's
 * contact (it is not the new client's), and no client means no contact.
 */
function linksAfter(before: ScheduleEntry, patch: ScheduleEntryPatch) {
  const clientId = patch.clientId === undefined ? before.clientId : patch.clientId;
  const contactId = patch.contactId !== undefined ? patch.contactId : clientId === before.clientId ? before.contactId : null;
  return { clientId, contactId };
}

/**
 * Updates an entry. A series whose times or rule change loses its exceptions (overrides deleted,
 * cancellations forgotten), as Outlook does; title, notes, assignees, work item and client keep
 * them. Overrides that had the series' client and contact follow a change of them; one given a
 * client of its own keeps it.
 */
export async function updateScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, id: string, patch: ScheduleEntryPatch) {
  assertSupportedRecurrence(patch.recurrence);
  const before = await lockEntry(trx, tenantId, id);
  if (patch.expectedVersion !== undefined && patch.expectedVersion !== before.version) {
    throw new Conflict('This schedule entry was changed by someone else. Reload it and try again.', {
      currentVersion: before.version,
    });
  }
  if (before.seriesEntryId && patch.recurrence) throw BadRequest.field('recurrence', 'a changed occurrence of a series cannot repeat on its own');
  const merged = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), ...linksAfter(before, patch) } as ScheduleEntry;
  const problems = timeProblems(merged);
  if (problems.length) throw BadRequest.fields(problems);
  if (patch.assigneeIds) await assertAssignable(trx, tenantId, patch.assigneeIds);
  const relinked = merged.clientId !== before.clientId || merged.contactId !== before.contactId;
  if (relinked) await assertLinkable(trx, tenantId, merged);
  const dropping = before.recurrence !== null && timesChanged(before, merged);
  if (dropping) await dropOverrides(trx, tenantId, actorUserId, id);
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
      client_id: merged.clientId,
      contact_id: merged.contactId,
      ...(dropping ? { excluded_starts: [] } : {}),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute()
    .catch(rethrowLinkGone);
  if (patch.assigneeIds) await replaceAssignees(trx, tenantId, id, patch.assigneeIds);
  const entry = await getScheduleEntry(trx, tenantId, id);
  await appendScheduleEvent(trx, tenantId, 'updated', entry, before.assigneeIds, actorUserId);
  if (relinked && before.recurrence && !dropping) {
    for (const override of await listOccurrenceOverrides(trx, tenantId, id)) {
      if (override.clientId === before.clientId && override.contactId === before.contactId) {
        await updateScheduleEntry(trx, tenantId, actorUserId, override.id, { clientId: merged.clientId, contactId: merged.contactId });
      }
    }
  }
  return entry;
}

/**
 * Concurrent deletes of one entry: the first wins, the others wait for it and then answer 404.
 * Deleting an overridden occurrence cancels that occurrence of its series, as in a calendar.
 */
export async function deleteScheduleEntry(trx: Db, tenantId: string, actorUserId: string | null, id: string) {
  // Read without a lock first: an override's series is locked before the override, as everywhere.
  const target = await getScheduleEntry(trx, tenantId, id);
  if (target.seriesEntryId && target.originalStart) {
    await cancelOccurrence(trx, tenantId, actorUserId, target.seriesEntryId, target.originalStart);
    return;
  }
  const current = await lockEntry(trx, tenantId, id);
  // Its overrides would go by cascade; deleting them first gives each its deleted event.
  if (current.recurrence) await dropOverrides(trx, tenantId, actorUserId, id);
  await forTenant(trx, tenantId).deleteFrom('schedule_entries').where('id', '=', id).execute();
  // The entry is gone after this commit, so the event carries its last state.
  await appendScheduleEvent(trx, tenantId, 'deleted', current, current.assigneeIds, actorUserId);
}
