// /me calendars, events CRUD and calendarView. Event APIs:
// https://learn.microsoft.com/graph/api/user-post-events, event-get, event-update, event-delete,
// calendar-list-calendarview.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MicrosoftContext } from './context.js';
import { eventFromCreate, eventFromUpdate, EventInputError, type StoredEvent } from './graph-event-input.js';
import { etagOf, expandOptions, preferredTimeZone, renderEvent, type RenderOptions } from './graph-event-render.js';
import { instanceById, instancesInWindow, ownInstance, type EventInstance } from './graph-instances.js';
import type { Mailbox, MailboxStore } from './graph-mailbox-store.js';
import { meMailbox, preferredPageSize, sendGraphError } from './graph-request.js';
import { deleteOccurrence, editOccurrence } from './graph-series-routes.js';

type Query = Record<string, string | undefined>;
interface EventRoute {
  Params: { id: string; calendarId: string };
  Querystring: Query;
  Body: Record<string, unknown>;
}

/** `startDateTime` of calendarView/delta: ISO 8601, UTC when it carries no offset. */
export function parseWindowTime(value: string | undefined): number | null {
  if (!value) return null;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const parsed = Date.parse(withZone);
  return Number.isNaN(parsed) ? null : parsed;
}

export function registerCalendarRoutes(app: FastifyInstance, context: MicrosoftContext, store: MailboxStore): void {
  const metadata = (mailbox: Mailbox, path: string) => `${context.baseUrl()}/v1.0/$metadata#users('${mailbox.userId}')/${path}`;

  /** Reads answer in UTC unless `Prefer: outlook.timezone` asks otherwise. */
  const readOptions = (request: FastifyRequest<{ Querystring: Query }>): RenderOptions => ({
    timeZone: preferredTimeZone(request.headers.prefer) ?? 'UTC',
    ...expandOptions(request.query.$expand),
  });
  const applyPreference = (request: FastifyRequest, reply: FastifyReply) => {
    const zone = preferredTimeZone(request.headers.prefer);
    if (zone) reply.header('preference-applied', `outlook.timezone="${zone}"`);
  };

  /** An event, occurrence or exception by id, or null after answering 404. */
  const findInstance = (mailbox: Mailbox, id: string, reply: FastifyReply): EventInstance | null => {
    const instance = instanceById(mailbox, id);
    if (instance) return instance;
    sendGraphError(reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return null;
  };

  /**
   * If-Match carries an etag (`W/"changeKey"`) or the bare change key; a stale one fails the write
   * with ErrorIrresolvableConflict (msgraph-sdk-dotnet#1201, see provider-facts/calcom-prior-art.md).
   */
  const preconditionFails = (request: FastifyRequest, event: StoredEvent, reply: FastifyReply): boolean => {
    const header = request.headers['if-match'];
    if (!header || header === '*') return false;
    const given = String(header).replace(/^W\//, '').replace(/^"|"$/g, '');
    if (given === event.changeKey) return false;
    sendGraphError(reply, 412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
    return true;
  };

  const renderCalendar = (calendar: object) => ({ ...calendar });

  app.get('/v1.0/me/calendars', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    return { '@odata.context': metadata(mailbox, 'calendars'), value: [...mailbox.calendars.values()].map(renderCalendar) };
  });

  app.get('/v1.0/me/calendar', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    return { '@odata.context': metadata(mailbox, 'calendars/$entity'), ...renderCalendar(store.defaultCalendar(mailbox)) };
  });

  app.get<EventRoute>('/v1.0/me/calendars/:calendarId', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    const calendar = mailbox.calendars.get(request.params.calendarId);
    if (!calendar) return sendGraphError(reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return { '@odata.context': metadata(mailbox, 'calendars/$entity'), ...renderCalendar(calendar) };
  });

  const createEvent = async (request: FastifyRequest<EventRoute>, reply: FastifyReply) => {
    const mailbox = meMailbox(context, store, request, reply, 'write');
    if (!mailbox) return reply;
    const calendarId = request.params.calendarId ?? store.defaultCalendar(mailbox).id;
    if (!mailbox.calendars.has(calendarId)) return sendGraphError(reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const body = (request.body ?? {}) as Record<string, unknown>;
    // A retry carrying a transactionId already used in this mailbox gets the event it created
    // instead of a duplicate (event resource, transactionId).
    const existingId = typeof body.transactionId === 'string' ? mailbox.transactions.get(body.transactionId) : undefined;
    let event = existingId ? mailbox.events.get(existingId) : undefined;
    if (!event) {
      try {
        event = store.create(mailbox, eventFromCreate(body, mailbox.owner, calendarId));
      } catch (error) {
        if (error instanceof EventInputError) return sendGraphError(reply, 400, error.code, error.message);
        throw error;
      }
    }
    applyPreference(request, reply);
    const rendered = renderEvent(ownInstance(event), { timeZone: preferredTimeZone(request.headers.prefer) });
    return reply.code(201).header('etag', etagOf(event.changeKey)).send({ '@odata.context': metadata(mailbox, 'events/$entity'), ...rendered });
  };
  app.post<EventRoute>('/v1.0/me/events', createEvent);
  app.post<EventRoute>('/v1.0/me/calendar/events', createEvent);
  app.post<EventRoute>('/v1.0/me/calendars/:calendarId/events', createEvent);

  /** Series masters and single instances (no expansion), paged with $top/$skip. */
  app.get<EventRoute>('/v1.0/me/events', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    const all = [...mailbox.events.values()].sort((a, b) => a.createdAt - b.createdAt);
    return page(request, mailbox, all.map(ownInstance), 'events', 10);
  });

  app.get<EventRoute>('/v1.0/me/calendarView', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    const from = parseWindowTime(request.query.startDateTime ?? request.query.startdatetime);
    const to = parseWindowTime(request.query.endDateTime ?? request.query.enddatetime);
    if (from === null || to === null) {
      return sendGraphError(reply, 400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
    }
    applyPreference(request, reply);
    return page(request, mailbox, instancesInWindow(mailbox, from, to), 'calendarView', 10);
  });

  function page(request: FastifyRequest<EventRoute>, mailbox: Mailbox, instances: EventInstance[], path: string, fallback: number) {
    const size = Number(request.query.$top) || preferredPageSize(request.headers.prefer, fallback);
    const skip = Number(request.query.$skip) || 0;
    const options = readOptions(request);
    const body: Record<string, unknown> = { '@odata.context': metadata(mailbox, path) };
    if (skip + size < instances.length) {
      const next = new URL(`${context.baseUrl()}${request.url}`);
      next.searchParams.set('$skip', String(skip + size));
      body['@odata.nextLink'] = next.toString();
    }
    body.value = instances.slice(skip, skip + size).map((i) => renderEvent(i, options));
    return body;
  }

  app.get<EventRoute>('/v1.0/me/events/:id', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    const instance = findInstance(mailbox, request.params.id, reply);
    if (!instance) return reply;
    applyPreference(request, reply);
    reply.header('etag', etagOf(instance.event.changeKey));
    return { '@odata.context': metadata(mailbox, 'events/$entity'), ...renderEvent(instance, readOptions(request)) };
  });

  app.patch<EventRoute>('/v1.0/me/events/:id', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'write');
    if (!mailbox) return reply;
    const instance = findInstance(mailbox, request.params.id, reply);
    if (!instance) return reply;
    if (preconditionFails(request, instance.event, reply)) return reply;
    let event: StoredEvent;
    try {
      // One occurrence of a series (graph-series-routes.ts): it becomes an exception.
      if (instance.seriesMasterId) {
        const edited = editOccurrence(store, mailbox, instance, (request.body ?? {}) as Record<string, unknown>);
        reply.header('etag', etagOf(edited.event.changeKey));
        return { '@odata.context': metadata(mailbox, 'events/$entity'), ...renderEvent(edited, { timeZone: preferredTimeZone(request.headers.prefer) }) };
      }
      event = store.update(mailbox, eventFromUpdate(instance.event, (request.body ?? {}) as Record<string, unknown>));
    } catch (error) {
      if (error instanceof EventInputError) return sendGraphError(reply, 400, error.code, error.message);
      throw error;
    }
    applyPreference(request, reply);
    reply.header('etag', etagOf(event.changeKey));
    return { '@odata.context': metadata(mailbox, 'events/$entity'), ...renderEvent(ownInstance(event), { timeZone: preferredTimeZone(request.headers.prefer) }) };
  });

  app.delete<EventRoute>('/v1.0/me/events/:id', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'write');
    if (!mailbox) return reply;
    const instance = findInstance(mailbox, request.params.id, reply);
    if (!instance) return reply;
    if (preconditionFails(request, instance.event, reply)) return reply;
    if (instance.seriesMasterId) deleteOccurrence(store, mailbox, instance);
    else store.delete(mailbox, instance.id);
    return reply.code(204).send();
  });
}
