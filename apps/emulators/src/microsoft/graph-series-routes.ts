// One occurrence of a series: list them (GET /me/events/{id}/instances), edit one (PATCH turns the
// occurrence into an `exception`), delete one (it disappears from instances, calendarView and
// delta, which reports it @removed). https://learn.microsoft.com/graph/api/event-list-instances
// Graph v1.0 has no list of deleted occurrences on the master (`cancelledOccurrences` and
// `exceptionOccurrences` are beta only), so a client compares /instances with the pattern.
import type { FastifyInstance } from 'fastify';
import type { MicrosoftContext } from './context.js';
import { eventFromUpdate, EventInputError, type StoredEvent } from './graph-event-input.js';
import { preferredTimeZone, renderEvent } from './graph-event-render.js';
import { instanceById, parseOccurrenceId, seriesInstances, type EventInstance } from './graph-instances.js';
import type { Mailbox, MailboxStore } from './graph-mailbox-store.js';
import { formatLocal } from './graph-time.js';
import { parseWindowTime } from './graph-calendar-routes.js';
import { meMailbox, preferredPageSize, sendGraphError } from './graph-request.js';

/** The occurrence as a stored event of its own: the master's fields at the occurrence's times. */
function asOwnEvent(instance: EventInstance): StoredEvent {
  const e = instance.event;
  if (instance.type === 'exception') return e;
  return {
    ...e,
    id: instance.id,
    recurrence: null,
    start: { dateTime: formatLocal(instance.startLocal), timeZone: e.start.timeZone },
    end: { dateTime: formatLocal(instance.endLocal), timeZone: e.end.timeZone },
    startUtc: instance.startUtc,
    endUtc: instance.endUtc,
  };
}

const seriesOf = (instance: EventInstance) => ({ masterId: instance.seriesMasterId!, date: parseOccurrenceId(instance.id)!.date });

/** PATCH of an occurrence or exception; a recurrence cannot be given to one occurrence. Throws EventInputError. */
export function editOccurrence(store: MailboxStore, mailbox: Mailbox, instance: EventInstance, body: Record<string, unknown>): EventInstance {
  if (body.recurrence !== undefined && body.recurrence !== null) {
    throw new EventInputError('ErrorInvalidRequest', 'The recurrence of an occurrence or exception of a series cannot be set.');
  }
  const next = eventFromUpdate(asOwnEvent(instance), body);
  store.writeOccurrence(mailbox, instance.id, seriesOf(instance), next, asOwnEvent(instance));
  return instanceById(mailbox, instance.id)!;
}

/** DELETE of an occurrence or exception: the series goes on without it. */
export function deleteOccurrence(store: MailboxStore, mailbox: Mailbox, instance: EventInstance): void {
  store.writeOccurrence(mailbox, instance.id, seriesOf(instance), null, asOwnEvent(instance));
}

export function registerSeriesRoutes(app: FastifyInstance, context: MicrosoftContext, store: MailboxStore): void {
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/v1.0/me/events/:id/instances', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    const q = request.query;
    const from = parseWindowTime(q.startDateTime ?? q.startdatetime);
    const to = parseWindowTime(q.endDateTime ?? q.enddatetime);
    // startDateTime and endDateTime are required (event-list-instances, query parameters).
    if (from === null || to === null) {
      return sendGraphError(reply, 400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
    }
    const master = mailbox.events.get(request.params.id);
    if (!master) return sendGraphError(reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    // A single event has no instances but itself; we answer what a series master has.
    const instances = master.recurrence ? seriesInstances(mailbox, master, from, to) : [];
    const size = Number(q.$top) || preferredPageSize(request.headers.prefer, 10);
    const skip = Number(q.$skip) || 0;
    const body: Record<string, unknown> = { '@odata.context': `${context.baseUrl()}/v1.0/$metadata#Collection(event)` };
    if (skip + size < instances.length) {
      const next = new URL(`${context.baseUrl()}${request.url}`);
      next.searchParams.set('$skip', String(skip + size));
      body['@odata.nextLink'] = next.toString();
    }
    const timeZone = preferredTimeZone(request.headers.prefer) ?? 'UTC';
    body.value = instances.slice(skip, skip + size).map((i) => renderEvent(i, { timeZone }));
    return body;
  });
}
