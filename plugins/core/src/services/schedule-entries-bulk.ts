// Set-wise writes of many schedule entries in one transaction, for calendar sync's pages: the same
// rows as createScheduleEntry / updateScheduleEntry (entry, assignees, one outbox event each, in
// input order) in a handful of statements instead of a handful per entry. Arrays travel as
// parameters (unnest), so a statement's size does not grow with the page.
// schedule-entries-bulk.test.ts compares the rows with those of the per-row functions.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { BadRequest, NotFound } from '../errors.js';
import type { Db } from '../tenancy.js';
import { toTimestamp } from './recurrence-expansion.js';
import { recurrenceProblem } from './recurrence-subset.js';
import { updateScheduleEntry } from './schedule-entries.js';
import { assertAssignable, assertLinkable, rethrowLinkGone, selectEntries, toScheduleEntry } from './schedule-entry-rows.js';
import { timeProblems, type ScheduleEntry, type ScheduleEntryInput } from '../schemas/schedule-entries.js';

/** The fields a calendar event sets on an entry (inbound.ts eventToPatch). */
export type EntryTimesPatch = Pick<ScheduleEntry, 'title' | 'notes' | 'start' | 'end' | 'timeZone' | 'allDay' | 'recurrence'>;

const iso = (value: string, allDay: boolean) => toTimestamp(value, allDay).toISOString();

/** getScheduleEntry for many ids in one query: the entries found, by id. */
export async function findScheduleEntries(trx: Db, tenantId: string, ids: string[]): Promise<Map<string, ScheduleEntry>> {
  if (ids.length === 0) return new Map();
  const rows = await selectEntries(trx, tenantId).where(sql<boolean>`schedule_entries.id = any(${ids}::uuid[])`).execute();
  return new Map(rows.map((row) => [row.id, toScheduleEntry(row)]));
}

/** appendScheduleEvent for many entries: one row each, in the order given. */
async function appendScheduleEvents(
  trx: Db,
  tenantId: string,
  action: 'created' | 'updated',
  items: { entry: ScheduleEntry; previousAssigneeIds: string[] }[],
  actorUserId: string | null,
) {
  if (items.length === 0) return;
  const payloads = items.map(({ entry, previousAssigneeIds }) => ({ id: entry.id, payload: { entry, previousAssigneeIds, actorUserId } }));
  await sql`
    insert into outbox_events (tenant_id, event_type, aggregate_type, aggregate_id, payload)
    select ${tenantId}::uuid, ${`schedule_entry.${action}`}, 'schedule_entry', e.value->>'id', e.value->'payload'
    from jsonb_array_elements(${JSON.stringify(payloads)}::jsonb) with ordinality as e(value, n)
    order by e.n`.execute(trx);
}

/** createScheduleEntry for each input, in one set of statements; the entries come back in input order. */
export async function createScheduleEntries(trx: Db, tenantId: string, actorUserId: string | null, inputs: ScheduleEntryInput[]): Promise<ScheduleEntry[]> {
  if (inputs.length === 0) return [];
  for (const input of inputs) {
    const problem = input.recurrence ? recurrenceProblem(input.recurrence) : null;
    if (problem) throw BadRequest.field('recurrence', problem);
  }
  await assertAssignable(trx, tenantId, [...new Set(inputs.flatMap((i) => i.assigneeIds))]);
  // Calendar imports link no client; a caller that does checks few distinct links.
  const links = new Map(inputs.filter((i) => i.clientId || i.contactId).map((i) => [`${i.clientId}/${i.contactId}`, { clientId: i.clientId ?? null, contactId: i.contactId ?? null }]));
  for (const link of links.values()) await assertLinkable(trx, tenantId, link);
  const ids = inputs.map(() => randomUUID());
  const column = <T>(pick: (input: ScheduleEntryInput) => T) => inputs.map(pick);
  await sql`
    insert into schedule_entries (id, tenant_id, title, notes, starts_at, ends_at, time_zone, is_all_day, recurrence, work_item_type, work_item_id, client_id, contact_id, created_by)
    select id, ${tenantId}::uuid, title, notes, starts_at, ends_at, time_zone, is_all_day, recurrence, work_item_type, work_item_id, client_id, contact_id, ${actorUserId}::uuid
    from unnest(
      ${ids}::uuid[], ${column((i) => i.title)}::text[], ${column((i) => i.notes ?? null)}::text[],
      ${column((i) => iso(i.start, i.allDay))}::timestamptz[], ${column((i) => iso(i.end, i.allDay))}::timestamptz[],
      ${column((i) => i.timeZone)}::text[], ${column((i) => i.allDay)}::boolean[], ${column((i) => i.recurrence ?? null)}::text[],
      ${column((i) => i.workItemType)}::text[], ${column((i) => i.workItemId ?? null)}::text[],
      ${column((i) => i.clientId ?? null)}::uuid[], ${column((i) => i.contactId ?? null)}::uuid[]
    ) as v(id, title, notes, starts_at, ends_at, time_zone, is_all_day, recurrence, work_item_type, work_item_id, client_id, contact_id)`
    .execute(trx)
    .catch(rethrowLinkGone);
  const pairs = inputs.flatMap((input, n) => [...new Set(input.assigneeIds)].map((userId) => [ids[n]!, userId] as const));
  if (pairs.length) {
    await sql`
      insert into schedule_entry_assignees (tenant_id, schedule_entry_id, user_id)
      select ${tenantId}::uuid, e, u from unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::uuid[]) as v(e, u)`.execute(trx);
  }
  const read = await findScheduleEntries(trx, tenantId, ids);
  const entries = ids.map((id) => read.get(id)!);
  await appendScheduleEvents(trx, tenantId, 'created', entries.map((entry) => ({ entry, previousAssigneeIds: [] })), actorUserId);
  return entries;
}

/**
 * updateScheduleEntry(…, patch) for each entry, set-wise for single entries. An entry that is a
 * series or an occurrence override (its exceptions may have to go) takes the per-row path. Locks
 * every entry first, in id order, as lockEntry does one at a time.
 */
export async function updateScheduleEntries(
  trx: Db,
  tenantId: string,
  actorUserId: string | null,
  updates: { id: string; patch: EntryTimesPatch }[],
): Promise<ScheduleEntry[]> {
  if (updates.length === 0) return [];
  const ids = updates.map((u) => u.id);
  for (const { patch } of updates) {
    const problem = patch.recurrence ? recurrenceProblem(patch.recurrence) : null;
    if (problem) throw BadRequest.field('recurrence', problem);
  }
  await sql`select id from schedule_entries where tenant_id = ${tenantId}::uuid and id = any(${ids}::uuid[]) order by id for update`.execute(trx);
  const before = await findScheduleEntries(trx, tenantId, ids);
  const single: { before: ScheduleEntry; merged: ScheduleEntry }[] = [];
  const rare: { id: string; patch: EntryTimesPatch }[] = [];
  for (const update of updates) {
    const entry = before.get(update.id);
    if (!entry) throw new NotFound('Schedule entry');
    if (entry.recurrence || entry.seriesEntryId) {
      rare.push(update);
      continue;
    }
    const merged = { ...entry, ...update.patch };
    const problems = timeProblems(merged);
    if (problems.length) throw BadRequest.fields(problems);
    single.push({ before: entry, merged });
  }
  const after = new Map<string, ScheduleEntry>();
  if (single.length) {
    const column = <T>(pick: (entry: ScheduleEntry) => T) => single.map(({ merged }) => pick(merged));
    await sql`
      update schedule_entries s
      set title = v.title, notes = v.notes, starts_at = v.starts_at, ends_at = v.ends_at, time_zone = v.time_zone,
          is_all_day = v.is_all_day, recurrence = v.recurrence, version = s.version + 1, updated_at = now()
      from unnest(
        ${column((e) => e.id)}::uuid[], ${column((e) => e.title)}::text[], ${column((e) => e.notes)}::text[],
        ${column((e) => iso(e.start, e.allDay))}::timestamptz[], ${column((e) => iso(e.end, e.allDay))}::timestamptz[],
        ${column((e) => e.timeZone)}::text[], ${column((e) => e.allDay)}::boolean[], ${column((e) => e.recurrence)}::text[]
      ) as v(id, title, notes, starts_at, ends_at, time_zone, is_all_day, recurrence)
      where s.tenant_id = ${tenantId}::uuid and s.id = v.id`.execute(trx);
    const read = await findScheduleEntries(
      trx,
      tenantId,
      single.map((s) => s.merged.id),
    );
    await appendScheduleEvents(
      trx,
      tenantId,
      'updated',
      single.map((s) => ({ entry: read.get(s.merged.id)!, previousAssigneeIds: s.before.assigneeIds })),
      actorUserId,
    );
    for (const [id, entry] of read) after.set(id, entry);
  }
  for (const { id, patch } of rare) after.set(id, await updateScheduleEntry(trx, tenantId, actorUserId, id, patch));
  return ids.map((id) => after.get(id)!);
}
