// switchboard-calendar-ee: calendar sync (EE). Registered only when EDITION=ee; takes over the
// stable calendar URLs that core registers by replacing the members of `app.calendar`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { CALENDAR_HANDLERS, notConfigured } from '@switchboard/core';

async function calendarEe(app: FastifyInstance) {
  // The sync engine arrives with the calendar sync issues; until then EE says so, in its own words.
  Object.assign(app.calendar, notConfigured(CALENDAR_HANDLERS, 'Calendar sync is not configured on this server yet.'));
}

export const calendarPlugin = fp(calendarEe, {
  name: 'switchboard-calendar-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core'],
});
