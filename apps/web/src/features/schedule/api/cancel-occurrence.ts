// DELETE /api/schedule-entries/:id/occurrences/:originalStart: cancel one occurrence of a series.
import { request } from '../../../lib/api.ts';
import { occurrencePath } from './override-occurrence.ts';

export const cancelOccurrence = ({ seriesId, originalStart }: { seriesId: string; originalStart: string }) =>
  request<void>('DELETE', occurrencePath(seriesId, originalStart));
