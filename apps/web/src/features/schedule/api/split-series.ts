// POST /api/schedule-entries/:id/split and /truncate: "this and following". The series ends before
// the occurrence and a new series, with the changes, carries on from it; or, to delete them, none
// does. At the first occurrence that is the whole series.
import { request } from '../../../lib/api.ts';
import type { CreateScheduleEntryInput } from './create-schedule-entry.ts';
import type { ScheduleEntry } from './schedule-entry.ts';

/** What the following occurrences change; `start`/`end` are the new times of the split occurrence. */
export type SeriesSplitChanges = Partial<Omit<CreateScheduleEntryInput, 'workItemType'>>;

export interface SeriesOccurrence {
  seriesId: string;
  /** The occurrence's original start, in the form of the series' `start`. */
  occurrenceStart: string;
  /** The series' version the user saw; the server answers 409 when it has moved on. */
  expectedVersion: number;
}

export interface SeriesSplit {
  /** The series up to the occurrence, or null when the split was at its first occurrence. */
  earlier: ScheduleEntry | null;
  /** The series from the occurrence on. */
  following: ScheduleEntry;
}

const seriesPath = (seriesId: string, action: 'split' | 'truncate') => `/api/schedule-entries/${encodeURIComponent(seriesId)}/${action}`;

export const splitSeries = ({ seriesId, ...body }: SeriesOccurrence & { changes: SeriesSplitChanges }) => request<SeriesSplit>('POST', seriesPath(seriesId, 'split'), body);

/** Deletes the occurrence and the ones after it; resolves with what is left of the series (null: nothing). */
export const truncateSeries = ({ seriesId, ...body }: SeriesOccurrence) => request<{ earlier: ScheduleEntry | null }>('POST', seriesPath(seriesId, 'truncate'), body);
