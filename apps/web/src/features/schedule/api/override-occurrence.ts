// PUT /api/schedule-entries/:id/occurrences/:originalStart: change one occurrence of a series. The
// first change creates the changed occurrence; later ones (with its version) update it.
import { request } from '../../../lib/api.ts';
import type { CreateScheduleEntryInput } from './create-schedule-entry.ts';
import type { ScheduleEntry } from './schedule-entry.ts';

export type OccurrenceChange = Partial<Omit<CreateScheduleEntryInput, 'recurrence' | 'workItemType' | 'workItemId'>> & { expectedVersion?: number };

export const occurrencePath = (seriesId: string, originalStart: string) =>
  `/api/schedule-entries/${encodeURIComponent(seriesId)}/occurrences/${encodeURIComponent(originalStart)}`;

export const overrideOccurrence = ({ seriesId, originalStart, change }: { seriesId: string; originalStart: string; change: OccurrenceChange }) =>
  request<ScheduleEntry>('PUT', occurrencePath(seriesId, originalStart), change);
