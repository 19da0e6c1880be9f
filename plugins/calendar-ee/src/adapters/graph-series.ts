// One occurrence of an Outlook series over Graph v1.0. Occurrences have ids of their own, found
// through GET /me/events/{seriesId}/instances in a window (event-list-instances); PATCH of an
// occurrence makes it an `exception`, DELETE cancels it. A cancelled occurrence leaves no trace in
// v1.0 (the master's `cancelledOccurrences` is beta only): delta answers `@removed` with an id that
// no longer resolves, and /instances simply stops listing it. So the cancelled original starts are
// those the series' rule gives that /instances no longer lists.
// https://learn.microsoft.com/graph/api/event-list-instances
// https://learn.microsoft.com/graph/api/resources/event (type, seriesMasterId, originalStart)
import { DateTime } from 'luxon';
import { occurrenceStarts } from '@switchboard/core';
import { fromGraphEvent, ianaTimeZone, toGraphEvent, toRemoteEvent, type GraphEvent } from './graph-mapping.js';
import { ProviderResponseError } from './provider-http.js';
import { EventNotFound, PreconditionFailed, type RemoteEvent, type SyncEvent } from './types.js';

/** An occurrence or exception: originalStart is an instant (Edm.DateTimeOffset, UTC). */
export type GraphInstance = GraphEvent & { originalStart?: string | null };
type Send = <T = any>(what: string, method: string, pathOrUrl: string, body?: unknown, headers?: Record<string, string>) => Promise<T>;

const DAY_MS = 86_400_000;
/** How far around a window we look for exceptions that were moved out of it (so they do not look cancelled). */
const MOVED_EXCEPTION_SLACK_MS = 31 * DAY_MS;
const hasStatus = (error: unknown, status: number) => error instanceof ProviderResponseError && error.status === status;

/** The original start in SyncEvent form; an all-day occurrence's is its date in the series' zone. */
export function graphOriginalStart(item: GraphInstance): string | null {
  const instant = item.originalStart ? DateTime.fromISO(item.originalStart, { zone: 'utc' }) : null;
  if (!instant?.isValid) return null;
  return item.isAllDay ? instant.setZone(ianaTimeZone(item.originalStartTimeZone) ?? 'UTC').toISODate() : instant.toJSDate().toISOString();
}

/** Which occurrence an exception stands for. */
export function graphOccurrenceOf(item: GraphInstance): RemoteEvent['occurrenceOf'] {
  const originalStart = item.seriesMasterId ? graphOriginalStart(item) : null;
  return originalStart ? { seriesId: item.seriesMasterId!, originalStart } : undefined;
}

const cancelledOccurrence = (seriesId: string, originalStart: string): RemoteEvent => ({
  // The occurrence's own id went with it. A name of our own that no event has, so nothing can
  // mistake this for the deletion of the series.
  id: `${seriesId}#${originalStart}`,
  etag: '',
  iCalUid: null,
  mappingId: null,
  cancelled: true,
  event: null,
  occurrenceOf: { seriesId, originalStart },
});

export function createGraphSeries(send: Send) {
  async function instancesBetween(seriesId: string, from: Date, to: Date): Promise<GraphInstance[]> {
    const items: GraphInstance[] = [];
    let url: string | undefined = `/me/events/${encodeURIComponent(seriesId)}/instances?startDateTime=${from.toISOString()}&endDateTime=${to.toISOString()}`;
    while (url) {
      const page: { value?: GraphInstance[]; '@odata.nextLink'?: string } = await send('List the occurrences of the calendar series', 'GET', url);
      items.push(...(page.value ?? []));
      url = page['@odata.nextLink'];
    }
    return items;
  }

  /**
   * The occurrence that the rule started at `originalStart`, or null once it is cancelled or the
   * series is gone. Looked for from a day before to two days after (all-day dates float across zones).
   */
  async function findOccurrence(seriesId: string, originalStart: string): Promise<GraphInstance | null> {
    const at = Date.parse(originalStart.length === 10 ? `${originalStart}T00:00:00Z` : originalStart);
    try {
      const items = await instancesBetween(seriesId, new Date(at - DAY_MS), new Date(at + 2 * DAY_MS));
      return items.find((item) => graphOriginalStart(item) === originalStart) ?? null;
    } catch (error) {
      if (hasStatus(error, 404)) return null;
      throw error;
    }
  }

  async function writeOccurrence(seriesId: string, originalStart: string, event: SyncEvent, etag?: string, instanceId?: string): Promise<RemoteEvent> {
    // An exception we wrote before is addressed by its id: /instances lists it by where it now is,
    // which may be far from its original start.
    const occurrence = instanceId ? { id: instanceId } : await findOccurrence(seriesId, originalStart);
    if (!occurrence) throw new EventNotFound('The calendar series or this occurrence of it no longer exists.');
    // One occurrence has no recurrence of its own: leave the field out rather than send null.
    const { recurrence: _none, ...body } = toGraphEvent({ ...event, recurrence: null });
    try {
      const written = await send<GraphInstance>('Change one occurrence of the calendar series', 'PATCH', `/me/events/${encodeURIComponent(occurrence.id)}`, body, etag ? { 'if-match': `W/"${etag}"` } : {});
      return { ...toRemoteEvent(written), occurrenceOf: graphOccurrenceOf(written) ?? { seriesId, originalStart } };
    } catch (error) {
      if (hasStatus(error, 412)) throw new PreconditionFailed('The occurrence changed since it was last read.');
      if (hasStatus(error, 404)) throw new EventNotFound('This occurrence of the calendar series no longer exists.');
      throw error;
    }
  }

  async function cancelOccurrence(seriesId: string, originalStart: string): Promise<void> {
    const occurrence = await findOccurrence(seriesId, originalStart);
    if (!occurrence) return;
    try {
      await send('Cancel one occurrence of the calendar series', 'DELETE', `/me/events/${encodeURIComponent(occurrence.id)}`);
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }

  /**
   * The occurrences of a live series in the window that were cancelled: what its rule gives minus
   * what /instances lists (exceptions by their original start, also when moved up to a month away).
   */
  async function cancelledOccurrences(master: GraphEvent, window: { from: Date; to: Date }): Promise<RemoteEvent[]> {
    const series = fromGraphEvent(master);
    if (!series.recurrence) return [];
    const listed = await instancesBetween(master.id, new Date(window.from.getTime() - MOVED_EXCEPTION_SLACK_MS), new Date(window.to.getTime() + MOVED_EXCEPTION_SLACK_MS));
    const present = new Set(listed.map(graphOriginalStart));
    return occurrenceStarts(series, window.from, window.to)
      .filter((start) => !present.has(start))
      .map((start) => cancelledOccurrence(master.id, start));
  }

  return { writeOccurrence, cancelOccurrence, cancelledOccurrences };
}
