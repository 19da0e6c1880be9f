// calendarList.list/get and calendars.get: enough for a product to find the primary calendar and
// its time zone. https://developers.google.com/workspace/calendar/api/v3/reference/calendarList
import type { FastifyInstance } from 'fastify';
import type { Calendar } from './calendar-store.js';
import { authenticate, calendarFor, SCOPES, type GoogleContext } from './context.js';

function listEntry(calendar: Calendar): Record<string, unknown> {
  return {
    kind: 'calendar#calendarListEntry',
    etag: calendar.etag,
    id: calendar.id,
    summary: calendar.summary,
    ...(calendar.description ? { description: calendar.description } : {}),
    timeZone: calendar.timeZone,
    colorId: '14',
    backgroundColor: '#9fe1e7',
    foregroundColor: '#000000',
    selected: true,
    accessRole: 'owner',
    defaultReminders: [],
    ...(calendar.id === calendar.owner
      ? { notificationSettings: { notifications: [{ type: 'eventCreation', method: 'email' }] }, primary: true }
      : {}),
    conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
  };
}

export function registerCalendarRoutes(app: FastifyInstance, context: GoogleContext): void {
  app.get('/calendar/v3/users/me/calendarList', async (request) => {
    const access = authenticate(context, request, SCOPES.readCalendars);
    // Primary first, then by summary, like the Calendar UI's list.
    const calendars = context.store.calendarsOf(access.email).sort((a, b) => Number(b.id === b.owner) - Number(a.id === a.owner) || a.summary.localeCompare(b.summary));
    return {
      kind: 'calendar#calendarList',
      etag: `"p${(context.store.seq * 31).toString(32)}0g"`,
      nextSyncToken: Buffer.from(JSON.stringify({ l: context.store.seq })).toString('base64url'),
      items: calendars.map(listEntry),
    };
  });

  app.get<{ Params: { calendarId: string } }>('/calendar/v3/users/me/calendarList/:calendarId', async (request) => {
    const access = authenticate(context, request, SCOPES.readCalendars);
    return listEntry(calendarFor(context, access, request.params.calendarId));
  });

  app.get<{ Params: { calendarId: string } }>('/calendar/v3/calendars/:calendarId', async (request) => {
    const access = authenticate(context, request, SCOPES.readEvents);
    const calendar = calendarFor(context, access, request.params.calendarId);
    return {
      kind: 'calendar#calendar',
      etag: calendar.etag,
      id: calendar.id,
      summary: calendar.summary,
      ...(calendar.description ? { description: calendar.description } : {}),
      timeZone: calendar.timeZone,
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    };
  });
}
