// A stored schedule entry for unit tests: every field the API returns, and the test's own on top.
import type { ScheduleEntry } from './api/schedule-entry.ts';

export const storedEntry = (over: Partial<ScheduleEntry>): ScheduleEntry => ({
  id: 'e1',
  title: 'Visit',
  notes: null,
  start: '2026-03-03T15:00:00.000Z',
  end: '2026-03-03T16:00:00.000Z',
  timeZone: 'UTC',
  allDay: false,
  recurrence: null,
  seriesEntryId: null,
  originalStart: null,
  excludedStarts: [],
  workItemType: 'ad_hoc',
  workItemId: null,
  clientId: null,
  contactId: null,
  assigneeIds: [],
  version: 1,
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  ...over,
});
