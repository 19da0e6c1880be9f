// Exceptions of a recurring series, as Google and Outlook keep them: a cancelled occurrence is an
// original start in the series' excluded_starts (EXDATE); an overridden occurrence is an entry of
// its own linked to the series by (series_entry_id, original_start). Writes lock the series row
// first, so concurrent changes to one occurrence queue there (and the unique index backs that up).
import { sql } from 'kysely';
import { forTenant, type Db } from '../tenancy.js';
import { BadRequest, Conflict } from '../errors.js';
import { formatStart, isOccurrenceStart, toTimestamp } from './recurrence-expansion.js';
import {
  appendScheduleEvent,
  getScheduleEntry,
  insertEntry,
  lockEntry,
  selectEntries,
  toScheduleEntry,
} from './schedule-entry-rows.js';
import { timeProblems, type ScheduleEntry, type ScheduleEntryInput } from '../schemas/schedule-entries.js';
// A cycle on purpose: an override is updated like any entry, and updating a series drops its
// exceptions here. Both sides only call each other at run time.
import { updateScheduleEntry } from './schedule-entries.js';

/** A series keeps at most this many cancelled occurrences (the database checks it too). */
export const MAX_EXCLUDED_STARTS = 1000;

/** What an override may change; everything omitted comes from the series and the occurrence. */
export interface OccurrenceFields {
  title?: string;
  notes?: string | null;
  start?: string;
  end?: string;
  timeZone?: string;
  allDay?: boolean;
  assigneeIds?: string[];
  expectedVersion?: number;
}

/** The instant an original start names: a date (all-day series) is its UTC midnight; null when malformed. */
function instantOf(originalStart: string): Date | null {
  const instant = new Date(/^\d{4}-\d{2}-\d{2}$/.test(originalStart) ? `${originalStart}T00:00:00Z` : originalStart);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** Locks the series and checks that `originalStart` is one of its occurrences (400 otherwise). */
async function lockSeries(trx: Db, tenantId: string, seriesId: string, originalStart: string) {
  const series = await lockEntry(trx, tenantId, seriesId);
  if (!series.recurrence) throw BadRequest.field('originalStart', 'this schedule entry is not a repeating series');
  if (!isOccurrenceStart(series, originalStart)) {
    throw BadRequest.field('originalStart', `is not the start of an occurrence of this series (in the form of its start, such as ${series.start})`);
  }
  return { series, instant: instantOf(originalStart)! };
}

export async function findOccurrenceOverride(db: Db, tenantId: string, seriesId: string, originalStart: string): Promise<ScheduleEntry | null> {
  const instant = instantOf(originalStart);
  if (!instant) return null;
  const row = await selectEntries(db, tenantId)
    .where('schedule_entries.series_entry_id', '=', seriesId)
    .where('schedule_entries.original_start', '=', instant)
    .executeTakeFirst();
  return row ? toScheduleEntry(row) : null;
}

async function deleteOverride(trx: Db, tenantId: string, actorUserId: string | null, override: ScheduleEntry) {
  await forTenant(trx, tenantId).deleteFrom('schedule_entries').where('id', '=', override.id).execute();
  await appendScheduleEvent(trx, tenantId, 'deleted', override, override.assigneeIds, actorUserId);
}

/** Writes the series' cancelled starts, bumps its version and appends its updated event. */
async function setExcludedStarts(trx: Db, tenantId: string, actorUserId: string | null, series: ScheduleEntry, starts: string[]) {
  await forTenant(trx, tenantId)
    .updateTable('schedule_entries')
    .set({
      excluded_starts: starts.map((s) => instantOf(s)!),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', series.id)
    .execute();
  const entry = await getScheduleEntry(trx, tenantId, series.id);
  await appendScheduleEvent(trx, tenantId, 'updated', entry, series.assigneeIds, actorUserId);
  return entry;
}

/** Cancels one occurrence (and drops its override); cancelling a cancelled occurrence changes nothing. */
export async function cancelOccurrence(trx: Db, tenantId: string, actorUserId: string | null, seriesId: string, originalStart: string): Promise<ScheduleEntry> {
  const { series } = await lockSeries(trx, tenantId, seriesId, originalStart);
  const override = await findOccurrenceOverride(trx, tenantId, seriesId, originalStart);
  if (override) await deleteOverride(trx, tenantId, actorUserId, override);
  if (series.excludedStarts.includes(originalStart)) return series;
  if (series.excludedStarts.length >= MAX_EXCLUDED_STARTS) {
    throw BadRequest.field('originalStart', `a series can have at most ${MAX_EXCLUDED_STARTS} cancelled occurrences; change its repeat rule instead`);
  }
  return setExcludedStarts(trx, tenantId, actorUserId, series, [...series.excludedStarts, originalStart]);
}

/** The occurrence's own times: its original start and the series' duration. */
function occurrenceTimes(series: ScheduleEntry, instant: Date) {
  const duration = toTimestamp(series.end, series.allDay).getTime() - toTimestamp(series.start, series.allDay).getTime();
  return { start: formatStart(instant, series.allDay), end: formatStart(new Date(instant.getTime() + duration), series.allDay) };
}

/**
 * Creates or updates the override of one occurrence (un-cancelling it if it was cancelled).
 * `expectedVersion` is the override's version; given when there is no override yet, it is a 409.
 */
export async function overrideOccurrence(
  trx: Db,
  tenantId: string,
  actorUserId: string | null,
  seriesId: string,
  originalStart: string,
  fields: OccurrenceFields,
): Promise<ScheduleEntry> {
  const { series, instant } = await lockSeries(trx, tenantId, seriesId, originalStart);
  if (series.excludedStarts.includes(originalStart)) {
    await setExcludedStarts(trx, tenantId, actorUserId, series, series.excludedStarts.filter((s) => s !== originalStart));
  }
  const existing = await findOccurrenceOverride(trx, tenantId, seriesId, originalStart);
  if (existing) return updateScheduleEntry(trx, tenantId, actorUserId, existing.id, fields);
  if (fields.expectedVersion !== undefined) {
    throw new Conflict('This occurrence was changed by someone else. Reload it and try again.', { currentVersion: null });
  }
  const { expectedVersion: _, ...changes } = fields;
  const input: ScheduleEntryInput = {
    ...series,
    // Stored work item types were checked against WORK_ITEM_TYPES when written.
    workItemType: series.workItemType as ScheduleEntryInput['workItemType'],
    ...occurrenceTimes(series, instant),
    recurrence: null,
    ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
  };
  const problems = timeProblems(input);
  if (problems.length) throw BadRequest.fields(problems);
  return insertEntry(trx, tenantId, actorUserId, input, { seriesId, originalStart: instant, allDay: series.allDay });
}

/** A series' overridden occurrences. */
export async function listOccurrenceOverrides(db: Db, tenantId: string, seriesId: string): Promise<ScheduleEntry[]> {
  const rows = await selectEntries(db, tenantId).where('schedule_entries.series_entry_id', '=', seriesId).orderBy('schedule_entries.original_start').execute();
  return rows.map(toScheduleEntry);
}

/** Deletes a series' overrides, each with its deleted event (its times or rule changed, or it goes). */
export async function dropOverrides(trx: Db, tenantId: string, actorUserId: string | null, seriesId: string) {
  for (const override of await listOccurrenceOverrides(trx, tenantId, seriesId)) await deleteOverride(trx, tenantId, actorUserId, override);
}
