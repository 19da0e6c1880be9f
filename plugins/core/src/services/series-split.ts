// "This and following" for a recurring series: the series ends before one of its occurrences and a
// new series, with the changes, carries on from it (or, to delete them, nothing does). Both are written in one transaction with their
// outbox events, so calendar sync truncates the one event and creates the other. Exceptions after
// the occurrence go with the new series when its occurrences fall where the old ones did, and are
// dropped when they moved (as updating a series' times drops them: they no longer line up).
import { sql, type Transaction } from 'kysely';
import { DateTime } from 'luxon';
import rrule, { type Options } from 'rrule';
import type { Database } from '@switchboard/db';
import { forTenant } from '../tenancy.js';
import { BadRequest, Conflict } from '../errors.js';
import { formatStart, isOccurrenceStart, occurrenceStarts, toTimestamp } from './recurrence-expansion.js';
import { MAX_COUNT, normalizeRecurrence, recurrenceProblem } from './recurrence-subset.js';
import { appendScheduleEvent, getScheduleEntry, insertEntry, lockEntry } from './schedule-entry-rows.js';
import { listOccurrenceOverrides } from './series-exceptions.js';
import { deleteScheduleEntry, updateScheduleEntry } from './schedule-entries.js';
import { timeProblems, type ScheduleEntry, type ScheduleEntryInput } from '../schemas/schedule-entries.js';

/** What the following occurrences change; `start`/`end` are the new times of the occurrence split at. */
export interface SeriesSplitChanges {
  title?: string;
  notes?: string | null;
  start?: string;
  end?: string;
  timeZone?: string;
  allDay?: boolean;
  assigneeIds?: string[];
  clientId?: string | null;
  contactId?: string | null;
  recurrence?: string | null;
}

export interface SeriesSplitRequest {
  /** The occurrence's original start, in the form of the series' start. */
  occurrenceStart: string;
  expectedVersion: number;
  changes: SeriesSplitChanges;
}

export interface SeriesSplit {
  /** The series up to the occurrence; null when the occurrence was its first (the whole series changed). */
  earlier: ScheduleEntry | null;
  following: ScheduleEntry;
}

const DAY_MS = 86_400_000;

const zoneOf = (series: ScheduleEntry) => (series.allDay ? 'utc' : series.timeZone);
const ruleOptions = (rule: string) => rrule.rrulestr(`RRULE:${rule}`).origOptions;
const ruleText = (options: Partial<Options>) => normalizeRecurrence(rrule.RRule.optionsToString(options));

/** The start of the series' last occurrence before `instant`, cancelled ones included; null when there is none. */
function lastOccurrenceBefore(series: ScheduleEntry, instant: Date): Date | null {
  const first = toTimestamp(series.start, series.allDay).getTime();
  // Each expansion is bounded (recurrence-expansion.ts), so look back in growing windows.
  for (let days = 8; ; days *= 2) {
    const from = Math.max(first, instant.getTime() - days * DAY_MS);
    const starts = occurrenceStarts(series, new Date(from), instant);
    if (starts.length) return toTimestamp(starts.at(-1)!, series.allDay);
    if (from === first) return null;
  }
}

/** How many occurrences come before `instant`; null when more than a COUNT may say. */
function countBefore(series: ScheduleEntry, instant: Date): number | null {
  const count = occurrenceStarts(series, toTimestamp(series.start, series.allDay), instant).length;
  return count <= MAX_COUNT ? count : null;
}

/**
 * The series' rule ending with the occurrence at `last`. UNTIL is the end of that occurrence's day
 * in the series' zone, written in UTC: the form Outlook keeps (it ends a series on a date) and
 * Google reads as an instant. The PSA compares UNTIL with wall-clock times, so for a series close
 * to midnight far from UTC that can disagree by a day; then COUNT, which means the same everywhere.
 */
function ruleEndingAt(series: ScheduleEntry, last: Date, next: Date): string {
  const options = ruleOptions(series.recurrence!);
  if (options.count) return ruleText({ ...options, count: countBefore(series, next)! });
  const lastDay = DateTime.fromJSDate(last, { zone: zoneOf(series) });
  // rrule writes UNTIL as a date-time; an all-day series' UNTIL is a date, like its start (RFC 5545).
  const rule = series.allDay
    ? `${ruleText({ ...options, until: null })};UNTIL=${lastDay.toFormat('yyyyLLdd')}`
    : ruleText({ ...options, until: lastDay.endOf('day').toUTC().startOf('second').toJSDate() });
  const truncated = { ...series, recurrence: rule };
  if (isOccurrenceStart(truncated, formatStart(last, series.allDay)) && !isOccurrenceStart(truncated, formatStart(next, series.allDay))) return rule;
  const count = countBefore(series, next);
  return count === null ? rule : ruleText({ ...options, until: null, count });
}

/** The series' rule from `from` on: a COUNT becomes what is left of it. */
function ruleContinuingAt(series: ScheduleEntry, from: Date): string {
  const options = ruleOptions(series.recurrence!);
  if (!options.count) return series.recurrence!;
  return ruleText({ ...options, count: options.count - countBefore(series, from)! });
}

/** A rule's plain weekdays moved by `days`: a Monday series whose occurrence moved to Tuesday repeats on Tuesdays. */
function ruleShiftedByDays(rule: string, days: number): string {
  const options = ruleOptions(rule);
  const weekdays = [options.byweekday ?? []].flat();
  const shift = ((days % 7) + 7) % 7;
  const plain = weekdays.every((day) => typeof day !== 'string' && (typeof day === 'number' || day.n === undefined));
  if (!shift || !weekdays.length || !plain || (options.freq !== rrule.RRule.WEEKLY && options.freq !== rrule.RRule.DAILY)) return rule;
  const byweekday = weekdays.map((day) => new rrule.Weekday(((typeof day === 'number' ? day : (day as rrule.Weekday).weekday) + shift) % 7));
  return ruleText({ ...options, byweekday });
}

/** The new series: the occurrence with the changes, repeating on what is left of the rule. */
function followingInput(series: ScheduleEntry, splitAt: Date, changes: SeriesSplitChanges): ScheduleEntryInput {
  const duration = toTimestamp(series.end, series.allDay).getTime() - toTimestamp(series.start, series.allDay).getTime();
  const allDay = changes.allDay ?? series.allDay;
  const start = changes.start ?? formatStart(splitAt, series.allDay);
  const end = changes.end ?? (changes.start ? formatStart(new Date(toTimestamp(start, allDay).getTime() + duration), allDay) : formatStart(new Date(splitAt.getTime() + duration), series.allDay));
  const timeZone = changes.timeZone ?? series.timeZone;
  let recurrence = changes.recurrence;
  if (recurrence === undefined) {
    // The day the occurrence moved to, counted on the wall clocks of its old and new zone.
    const day = (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone }).startOf('day').setZone('utc', { keepLocalTime: true });
    const days = day(toTimestamp(start, allDay), allDay ? 'utc' : timeZone).diff(day(splitAt, zoneOf(series)), 'days').days;
    recurrence = ruleShiftedByDays(ruleContinuingAt(series, splitAt), Math.round(days));
  }
  const { recurrence: _, ...fields } = changes;
  // Another client without a contact drops the old client's contact, as updating an entry does.
  const clientChanged = changes.clientId !== undefined && changes.clientId !== series.clientId;
  return {
    ...series,
    // Stored work item types were checked against WORK_ITEM_TYPES when written.
    workItemType: series.workItemType as ScheduleEntryInput['workItemType'],
    ...(clientChanged && changes.contactId === undefined ? { contactId: null } : {}),
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    start,
    end,
    allDay,
    timeZone,
    recurrence: recurrence ? normalizeRecurrence(recurrence) : null,
  };
}

/** Do the new series' occurrences start and end where the old series' did from `splitAt` on? */
function sameOccurrences(series: ScheduleEntry, splitAt: Date, following: ScheduleEntryInput): boolean {
  const duration = toTimestamp(series.end, series.allDay).getTime() - toTimestamp(series.start, series.allDay).getTime();
  return (
    following.allDay === series.allDay &&
    following.timeZone === series.timeZone &&
    toTimestamp(following.start, following.allDay).getTime() === splitAt.getTime() &&
    toTimestamp(following.end, following.allDay).getTime() === splitAt.getTime() + duration &&
    following.recurrence === ruleContinuingAt(series, splitAt)
  );
}

async function setSeriesRow(trx: Transaction<Database>, tenantId: string, id: string, row: { recurrence?: string; excludedStarts: string[]; allDay: boolean }) {
  await forTenant(trx, tenantId)
    .updateTable('schedule_entries')
    .set({
      ...(row.recurrence ? { recurrence: row.recurrence } : {}),
      excluded_starts: row.excludedStarts.map((start) => toTimestamp(start, row.allDay)),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** Locks the series and checks the request: a series, the version the user saw, one of its occurrences that is not cancelled. */
async function lockForSplit(trx: Transaction<Database>, tenantId: string, seriesId: string, request: { occurrenceStart: string; expectedVersion: number }) {
  const series = await lockEntry(trx, tenantId, seriesId);
  if (!series.recurrence) throw BadRequest.field('id', 'this schedule entry is not a repeating series');
  if (series.version !== request.expectedVersion) {
    throw new Conflict('This series was changed by someone else. Reload it and try again.', { currentVersion: series.version });
  }
  const { occurrenceStart } = request;
  if (recurrenceProblem(series.recurrence) !== null || !isOccurrenceStart(series, occurrenceStart)) {
    throw BadRequest.field('occurrenceStart', `is not the start of an occurrence of this series (in the form of its start, such as ${series.start})`);
  }
  if (series.excludedStarts.includes(occurrenceStart)) throw BadRequest.field('occurrenceStart', 'this occurrence was cancelled; there is nothing to change from it on');
  return { series, splitAt: toTimestamp(occurrenceStart, series.allDay) };
}

/**
 * Ends the series with its occurrence at `last`, before `splitAt`: its overrides from `splitAt` on
 * are deleted (each with its deleted event) and returned, its cancellations after it forgotten.
 */
async function cutShort(trx: Transaction<Database>, tenantId: string, actorUserId: string | null, series: ScheduleEntry, last: Date, splitAt: Date) {
  const later = (await listOccurrenceOverrides(trx, tenantId, series.id)).filter((o) => toTimestamp(o.originalStart!, series.allDay) >= splitAt);
  for (const override of later) {
    await forTenant(trx, tenantId).deleteFrom('schedule_entries').where('id', '=', override.id).execute();
    await appendScheduleEvent(trx, tenantId, 'deleted', override, override.assigneeIds, actorUserId);
  }
  await setSeriesRow(trx, tenantId, series.id, {
    recurrence: ruleEndingAt(series, last, splitAt),
    excludedStarts: series.excludedStarts.filter((start) => toTimestamp(start, series.allDay) < splitAt),
    allDay: series.allDay,
  });
  const earlier = await getScheduleEntry(trx, tenantId, series.id);
  await appendScheduleEvent(trx, tenantId, 'updated', earlier, series.assigneeIds, actorUserId);
  return { earlier, later };
}

/**
 * Splits a series at one of its occurrences (not a cancelled one). At its first occurrence this is
 * an update of the whole series. A stale `expectedVersion` is a 409.
 */
export async function splitSeries(trx: Transaction<Database>, tenantId: string, actorUserId: string | null, seriesId: string, request: SeriesSplitRequest): Promise<SeriesSplit> {
  const { series, splitAt } = await lockForSplit(trx, tenantId, seriesId, request);
  const following = followingInput(series, splitAt, request.changes);
  const problems = timeProblems(following);
  const ruleProblem = following.recurrence && recurrenceProblem(following.recurrence);
  if (ruleProblem) problems.push({ field: 'changes.recurrence', message: ruleProblem });
  if (problems.length) throw BadRequest.fields(problems.map((p) => ({ ...p, field: p.field.startsWith('changes.') ? p.field : `changes.${p.field}` })));

  const last = lastOccurrenceBefore(series, splitAt);
  if (!last) {
    // Times given for the first occurrence are the series' new times (its start may lie before it, off the rule).
    const moved = request.changes.start !== undefined || request.changes.end !== undefined;
    const patch = {
      ...request.changes,
      ...(moved ? { start: following.start, end: following.end } : {}),
      ...(following.recurrence !== series.recurrence ? { recurrence: following.recurrence } : {}),
      expectedVersion: request.expectedVersion,
    };
    return { earlier: null, following: await updateScheduleEntry(trx, tenantId, actorUserId, series.id, patch) };
  }

  // The override of the occurrence split at is what the changes replace; later exceptions move
  // along when the new series' occurrences fall where the old ones did.
  const moving = sameOccurrences(series, splitAt, following);
  const { earlier, later } = await cutShort(trx, tenantId, actorUserId, series, last, splitAt);
  let created = await insertEntry(trx, tenantId, actorUserId, following);
  if (!moving) return { earlier, following: created };
  const isLater = (start: string) => toTimestamp(start, series.allDay) > splitAt;
  const cancelled = series.excludedStarts.filter(isLater);
  if (cancelled.length) {
    await setSeriesRow(trx, tenantId, created.id, { excludedStarts: cancelled, allDay: series.allDay });
    created = await getScheduleEntry(trx, tenantId, created.id);
    await appendScheduleEvent(trx, tenantId, 'updated', created, created.assigneeIds, actorUserId);
  }
  // Re-created rather than re-linked: calendar sync then removes each from the old series' event
  // and writes it to the new one, like any deleted and created override.
  for (const override of later.filter((o) => isLater(o.originalStart!))) {
    const input = { ...override, workItemType: override.workItemType as ScheduleEntryInput['workItemType'], recurrence: null };
    await insertEntry(trx, tenantId, actorUserId, input, { seriesId: created.id, originalStart: toTimestamp(override.originalStart!, series.allDay), allDay: series.allDay });
  }
  return { earlier, following: created };
}

/**
 * "Delete this and following": the series ends before the occurrence, its later exceptions go. At
 * its first occurrence the whole series is deleted (null).
 */
export async function endSeriesBefore(
  trx: Transaction<Database>,
  tenantId: string,
  actorUserId: string | null,
  seriesId: string,
  request: { occurrenceStart: string; expectedVersion: number },
): Promise<ScheduleEntry | null> {
  const { series, splitAt } = await lockForSplit(trx, tenantId, seriesId, request);
  const last = lastOccurrenceBefore(series, splitAt);
  if (!last) {
    await deleteScheduleEntry(trx, tenantId, actorUserId, series.id);
    return null;
  }
  return (await cutShort(trx, tenantId, actorUserId, series, last, splitAt)).earlier;
}
