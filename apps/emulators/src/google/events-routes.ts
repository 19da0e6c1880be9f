// Calendar v3 events: insert, get, patch, update, delete, list.
// https://developers.google.com/workspace/calendar/api/v3/reference/events
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StoredEvent } from './calendar-store.js';
import { authenticate, calendarFor, SCOPES, type GoogleContext } from './context.js';
import { apiErrors } from './errors.js';
import { buildInsertedEvent, buildPatchedEvent, buildUpdatedEvent, type EventResource } from './event-model.js';
import { cancelExceptionsOf, findEvent, isMaster } from './recurrence.js';
import { listEvents, listInstances, type ListQuery } from './sync.js';

type Body = Record<string, unknown>;
interface EventParams {
  calendarId: string;
  eventId: string;
}

/** A new server-side id: base32hex like Google's own (a UUID's hex digits are all valid base32hex). */
const newEventId = () => randomUUID().replaceAll('-', '');

/**
 * "If-Match: <etag> on update/delete … else 412 Precondition failed"
 * (https://developers.google.com/workspace/calendar/api/guides/version-resources).
 */
function checkIfMatch(request: FastifyRequest, stored: StoredEvent): void {
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined || ifMatch === '*') return;
  const wanted = String(ifMatch).split(',').map((s) => s.trim().replace(/^W\//, ''));
  if (!wanted.includes(stored.resource.etag)) throw apiErrors.conditionNotMet();
}

export function registerEventRoutes(app: FastifyInstance, context: GoogleContext): void {
  const base = '/calendar/v3/calendars/:calendarId/events';

  const existing = (request: FastifyRequest<{ Params: EventParams }>, scopes: string[]) => {
    const access = authenticate(context, request, scopes);
    const calendar = calendarFor(context, access, request.params.calendarId);
    // An instance id of a series answers like an event; writing it stores an exception.
    const stored = findEvent(context.store, calendar, request.params.eventId);
    if (!stored) throw apiErrors.notFound();
    return { access, calendar, stored };
  };

  app.get<{ Params: { calendarId: string }; Querystring: ListQuery }>(base, async (request) => {
    const access = authenticate(context, request, SCOPES.readEvents);
    const calendar = calendarFor(context, access, request.params.calendarId);
    return listEvents(context.store, calendar, request.query, context.now());
  });

  app.post<{ Params: { calendarId: string }; Body: Body }>(base, async (request) => {
    const access = authenticate(context, request, SCOPES.writeEvents);
    const calendar = calendarFor(context, access, request.params.calendarId);
    const body = request.body ?? {};
    // A client-chosen id must be unique per calendar, deleted (cancelled) events included:
    // 409 global/duplicate (https://developers.google.com/workspace/calendar/api/guides/errors).
    if (typeof body.id === 'string' && context.store.getEvent(calendar.id, body.id)) throw apiErrors.duplicate();
    const resource = buildInsertedEvent(body, {
      calendarId: calendar.id,
      ownerEmail: calendar.owner,
      baseUrl: context.baseUrl(),
      now: context.now(),
      newId: newEventId,
    });
    return context.store.write(calendar.id, resource).resource;
  });

  app.get<{ Params: EventParams }>(`${base}/:eventId`, async (request, reply) => {
    // "The get method always returns them" — cancelled events included (Event.status doc).
    const { stored } = existing(request, SCOPES.readEvents);
    if (request.headers['if-none-match'] === stored.resource.etag) return reply.code(304).send();
    return stored.resource;
  });

  app.put<{ Params: EventParams; Body: Body }>(`${base}/:eventId`, async (request) => {
    const { calendar, stored } = existing(request, SCOPES.writeEvents);
    checkIfMatch(request, stored);
    return context.store.write(calendar.id, buildUpdatedEvent(stored.resource, request.body ?? {})).resource;
  });

  app.patch<{ Params: EventParams; Body: Body }>(`${base}/:eventId`, async (request) => {
    const { calendar, stored } = existing(request, SCOPES.writeEvents);
    checkIfMatch(request, stored);
    return context.store.write(calendar.id, buildPatchedEvent(stored.resource, request.body ?? {})).resource;
  });

  app.delete<{ Params: EventParams }>(`${base}/:eventId`, async (request, reply) => {
    const { calendar, stored } = existing(request, SCOPES.writeEvents);
    // "410 global/deleted … delete of already-deleted event" (errors guide).
    if (stored.resource.status === 'cancelled') throw apiErrors.deleted();
    checkIfMatch(request, stored);
    // Deleting an instance leaves a cancelled exception; deleting a series, none of its instances.
    context.store.write(calendar.id, { ...stored.resource, status: 'cancelled' } as EventResource);
    if (isMaster(stored.resource)) cancelExceptionsOf(context.store, calendar.id, stored.resource.id);
    return reply.code(204).send();
  });

  app.get<{ Params: EventParams; Querystring: ListQuery & { originalStart?: string } }>(`${base}/:eventId/instances`, async (request) => {
    const { calendar, stored } = existing(request, SCOPES.readEvents);
    return listInstances(context.store, calendar, stored, request.query, context.now());
  });
}
