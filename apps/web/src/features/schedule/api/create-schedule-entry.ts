// POST /api/schedule-entries.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys } from './keys.ts';
import type { ScheduleEntry, WorkItemType } from './schedule-entry.ts';

/** What the form sends; the server validates it (and answers field errors by these names). */
export interface CreateScheduleEntryInput {
  title: string;
  notes?: string | null;
  /** Timed: ISO date-time with offset. All-day: `YYYY-MM-DD`. */
  start: string;
  /** Timed: ISO date-time with offset. All-day: the day after the last day. */
  end: string;
  timeZone: string;
  allDay: boolean;
  recurrence?: string | null;
  workItemType?: WorkItemType;
  /** null unlinks; the contact must be one of the client's contacts. */
  clientId?: string | null;
  contactId?: string | null;
  assigneeIds: string[];
}

export const createScheduleEntry = (input: CreateScheduleEntryInput) => request<ScheduleEntry>('POST', '/api/schedule-entries', input);

export function useCreateScheduleEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createScheduleEntry,
    // Stay pending until the lists have refetched, so the dialog closes onto the new entry.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.all }),
  });
}
