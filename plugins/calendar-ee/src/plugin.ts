// switchboard-calendar-ee: calendar sync (EE). Registered only when EDITION=ee; takes over the
// stable calendar URLs that core registers by replacing the members of `app.calendar`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { CALENDAR_HANDLERS, type CalendarSurface, type SurfaceHandler } from '@switchboard/core';

// The sync engine arrives with the calendar sync issues; until then EE says so, in its own words.
const notConfigured: SurfaceHandler = (_request, reply) =>
  reply.code(501).send({ success: false, error: 'Calendar sync is not configured on this server yet.' });

export function createCalendarSurface(): CalendarSurface {
  const handlers = Object.fromEntries(CALENDAR_HANDLERS.map((name) => [name, notConfigured])) as CalendarSurface['handlers'];
  handlers.notFound = (_request, reply) => reply.callNotFound();
  return { onRequest: () => undefined, handlers };
}

async function calendarEe(app: FastifyInstance) {
  Object.assign(app.calendar, createCalendarSurface());
}

export const calendarPlugin = fp(calendarEe, {
  name: 'switchboard-calendar-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core'],
});
