import { z } from 'zod';
import { IANAZone } from 'luxon';
import rrule from 'rrule';
import { optionalText, pageQuery, text } from './common.js';

export const WORK_ITEM_TYPES = ['ad_hoc', 'ticket', 'project_task', 'appointment', 'interaction'] as const;

const timeZone = z.string().trim().refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone such as Europe/Berlin');

/** An RRULE body (`FREQ=WEEKLY;BYDAY=MO`), with or without the `RRULE:` prefix; stored without it. */
const recurrence = z
  .string()
  .trim()
  .transform((v) => v.replace(/^RRULE:/i, '').toUpperCase())
  .refine((v) => {
    if (!/(^|;)FREQ=/.test(v)) return false;
    // rrule accepts INTERVAL=-1 (expanding it then never ends), INTERVAL=0 and COUNT=abc.
    if (/(^|;)(INTERVAL|COUNT)=(?![1-9]\d*(;|$))/.test(v)) return false;
    try {
      rrule.rrulestr(`RRULE:${v}`);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid RRULE such as FREQ=WEEKLY;BYDAY=MO,WE')
  .nullish();

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be a date (2026-01-31) for all-day entries or a date-time with offset (2026-01-31T09:00:00Z)',
});

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

export const scheduleEntryInput = z
  .object({
    ...fields,
    allDay: fields.allDay.default(false),
    workItemType: fields.workItemType.default('ad_hoc'),
    assigneeIds: fields.assigneeIds.default([]),
  })
  .superRefine((e, ctx) => {
  for (const p of timeProblems(e)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
});

export const scheduleEntryPatch = z
  .object(fields)
  .partial()
  .extend({
    /** Optimistic concurrency: when given, the update applies only to this version. */
    expectedVersion: z.number().int().positive().optional(),
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
  workItemType: z.string(),
  workItemId: z.string().nullable(),
  assigneeIds: z.array(z.string()),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const scheduleEntryListQuery = pageQuery
  .extend({
    from: z.iso.datetime({ offset: true, message: 'must be a date-time with offset' }).optional(),
    to: z.iso.datetime({ offset: true, message: 'must be a date-time with offset' }).optional(),
    assigneeId: z.uuid({ message: 'must be a valid user id' }).optional(),
  })
  .refine((q) => !q.from || !q.to || new Date(q.to) > new Date(q.from), { path: ['to'], message: 'must be after from' });

export const scheduleEntryList = z.object({ items: z.array(scheduleEntryResponse), total: z.number() });

export type ScheduleEntryInput = z.infer<typeof scheduleEntryInput>;
export type ScheduleEntryPatch = z.infer<typeof scheduleEntryPatch>;
export type ScheduleEntryListQuery = z.infer<typeof scheduleEntryListQuery>;
export type ScheduleEntry = z.infer<typeof scheduleEntryResponse>;
