import { z } from 'zod';
import { IANAZone } from 'luxon';
import { optionalText, pageQuery, requestBody, storableText, text } from './common.js';
import {
  FIRST_SUPPORTED_YEAR,
  LAST_SUPPORTED_YEAR,
  MAX_RECURRENCE_LENGTH,
  isSupportedInstant,
  normalizeRecurrence,
  recurrenceProblem,
} from '../services/recurrence-subset.js';

export const WORK_ITEM_TYPES = ['ad_hoc', 'ticket', 'project_task', 'appointment', 'interaction'] as const;

// isValidZone builds an Intl.DateTimeFormat each call (a fifth of a create's validation, issue 21):
// zones found valid are remembered. Only valid names are kept, so the set stays within the IANA list.
const validZones = new Set<string>();
const isValidZone = (tz: string) => validZones.has(tz) || (IANAZone.isValidZone(tz) && (validZones.add(tz), true));
const timeZone = storableText().trim().refine(isValidZone, 'must be an IANA time zone such as Europe/Berlin');

/** An RRULE body (`FREQ=WEEKLY;BYDAY=MO`), with or without the `RRULE:` prefix; stored without it. */
const recurrence = storableText()
  .max(MAX_RECURRENCE_LENGTH, `must be at most ${MAX_RECURRENCE_LENGTH} characters`)
  .transform(normalizeRecurrence)
  .superRefine((rule, ctx) => {
    const problem = recurrenceProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .nullish();

const supportedYears = `must be in the years ${FIRST_SUPPORTED_YEAR} to ${LAST_SUPPORTED_YEAR} (UTC)`;
// All-day dates are UTC midnights; a date-time counts in UTC (9999-12-31T23:00-14:00 is year 10000).
const inSupportedYears = (value: string) => isSupportedInstant(new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value));

const dateOrDateTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be a date (2026-01-31) for all-day entries or a date-time with offset (2026-01-31T09:00:00Z)',
  })
  .refine(inSupportedYears, supportedYears);

const fields = {
  title: text(300),
  notes: optionalText(10_000),
  start: dateOrDateTime,
  end: dateOrDateTime,
  timeZone,
  allDay: z.boolean(),
  recurrence,
  workItemType: z.enum(WORK_ITEM_TYPES),
  workItemId: optionalText(200),
  /** The client the work is for (null: none), and optionally one of that client's contacts. */
  clientId: z.uuid({ message: 'must be a valid client id' }).nullish(),
  contactId: z.uuid({ message: 'must be a valid contact id' }).nullish(),
  assigneeIds: z
    .array(z.uuid({ message: 'must be a valid user id' }))
    .max(50, 'at most 50 assignees')
    .transform((ids) => [...new Set(ids)]),
};

/** Checks the time fields of a complete entry; shared by create and by update after merging. */
export function timeProblems(e: { start: string; end: string; allDay: boolean }): { field: string; message: string }[] {
  const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
  const problems: { field: string; message: string }[] = [];
  for (const field of ['start', 'end'] as const) {
    if (e.allDay && !isDate(e[field])) problems.push({ field, message: 'must be a date (YYYY-MM-DD) for an all-day entry' });
    if (!e.allDay && isDate(e[field])) problems.push({ field, message: 'must be a date-time with offset for a timed entry' });
  }
  if (problems.length === 0 && new Date(e.end).getTime() <= new Date(e.start).getTime()) {
    problems.push({ field: 'end', message: e.allDay ? 'must be after start (the end date is exclusive)' : 'must be after start' });
  }
  return problems;
}

export const scheduleEntryInput = requestBody({
  ...fields,
  allDay: fields.allDay.default(false),
  workItemType: fields.workItemType.default('ad_hoc'),
  assigneeIds: fields.assigneeIds.default([]),
}).superRefine((e, ctx) => {
  for (const p of timeProblems(e)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
});

export const scheduleEntryPatch = requestBody(fields)
  .partial()
  .extend({
    /** Optimistic concurrency: when given, the update applies only to this version. */
    expectedVersion: z.number().int().positive().max(2_147_483_647, 'must be a version number this entry can have').optional(),
  });

export const scheduleEntryResponse = z.object({
  id: z.string(),
  title: z.string(),
  notes: z.string().nullable(),
  start: z.string(),
  end: z.string(),
  timeZone: z.string(),
  allDay: z.boolean(),
  recurrence: z.string().nullable(),
  /** On an overridden occurrence: its series and the start the occurrence had per the rule. */
  seriesEntryId: z.string().nullable(),
  originalStart: z.string().nullable(),
  /** On a series: the original starts of its cancelled occurrences, in the form of `start`. */
  excludedStarts: z.array(z.string()),
  workItemType: z.string(),
  workItemId: z.string().nullable(),
  clientId: z.string().nullable(),
  contactId: z.string().nullable(),
  assigneeIds: z.array(z.string()),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** An occurrence of a series, named by its original start in the form of the series' start. */
export const occurrenceParams = z.object({
  id: z.uuid({ message: 'must be a valid schedule entry id' }),
  originalStart: z.union([z.iso.date(), z.iso.datetime()], {
    error: 'must be the occurrence\'s original start: a date (2026-01-31) for all-day series, otherwise a UTC date-time (2026-01-31T09:00:00.000Z)',
  }),
});

/** What an overridden occurrence may change; omitted fields come from the series and the occurrence. */
export const occurrenceOverrideInput = requestBody({
  title: fields.title,
  notes: fields.notes,
  start: fields.start,
  end: fields.end,
  timeZone: fields.timeZone,
  allDay: fields.allDay,
  clientId: fields.clientId,
  contactId: fields.contactId,
  assigneeIds: fields.assigneeIds,
})
  .partial()
  .extend({
    /** Optimistic concurrency against the override's version (omit when the occurrence has none yet). */
    expectedVersion: z.number().int().positive().max(2_147_483_647, 'must be a version number this entry can have').optional(),
    recurrence: z.never({ error: 'an occurrence cannot repeat on its own; change the series instead' }).optional(),
  });

/** The longest window a list may ask for: a year view, and a bound on the work one request does. */
export const MAX_LIST_WINDOW_DAYS = 366;

const windowBound = z.iso
  .datetime({ offset: true, message: 'must be a date-time with offset' })
  .refine((v) => isSupportedInstant(new Date(v)), supportedYears)
  .optional();

export const scheduleEntryListQuery = pageQuery
  .extend({
    from: windowBound,
    to: windowBound,
    assigneeId: z.uuid({ message: 'must be a valid user id' }).optional(),
    clientId: z.uuid({ message: 'must be a valid client id' }).optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.from || !q.to) return;
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (days <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (days > MAX_LIST_WINDOW_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_LIST_WINDOW_DAYS} days after from` });
  });

export const scheduleEntryList = z.object({ items: z.array(scheduleEntryResponse), total: z.number() });

export type ScheduleEntryInput = z.infer<typeof scheduleEntryInput>;
export type ScheduleEntryPatch = z.infer<typeof scheduleEntryPatch>;
export type ScheduleEntryListQuery = z.infer<typeof scheduleEntryListQuery>;
export type OccurrenceOverrideInput = z.infer<typeof occurrenceOverrideInput>;
export type ScheduleEntry = z.infer<typeof scheduleEntryResponse>;
