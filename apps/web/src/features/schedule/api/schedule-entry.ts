// The schedule entry as the API returns it (plugins/core/src/schemas/schedule-entries.ts).

export interface ScheduleEntry {
  id: string;
  title: string;
  notes: string | null;
  /** Timed: an ISO date-time in UTC. All-day: a date (`YYYY-MM-DD`). */
  start: string;
  /** Timed: an ISO date-time in UTC. All-day: the day after the last day (exclusive). */
  end: string;
  timeZone: string;
  allDay: boolean;
  /** An RRULE body such as `FREQ=WEEKLY;BYDAY=MO`; the entry is then the first of a series. */
  recurrence: string | null;
  /** On a changed occurrence of a series: the series, and the start the occurrence had per its rule. */
  seriesEntryId: string | null;
  originalStart: string | null;
  /** On a series: the original starts of its cancelled occurrences, in the form of `start`. */
  excludedStarts: string[];
  workItemType: string;
  workItemId: string | null;
  /** The client the work is for, and optionally one of that client's contacts. */
  clientId: string | null;
  contactId: string | null;
  assigneeIds: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type WorkItemType = 'ad_hoc' | 'ticket' | 'project_task' | 'appointment' | 'interaction';
