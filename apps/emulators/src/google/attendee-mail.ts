// The mail Google Calendar sends guests when an API write adds or removes them: an invitation to an
// added guest, a cancellation to a removed one (or to everyone when the event is deleted). Google
// sends it only when the request asks: sendUpdates=all to every guest, externalOnly to guests
// without Google Calendar, none (the default) to nobody.
// https://developers.google.com/workspace/calendar/api/v3/reference/events/patch (sendUpdates)
// Tests read the log to prove that a sync never mailed a technician's guests.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GoogleContext } from './context.js';
import { findEvent } from './recurrence.js';

export interface AttendeeMail {
  kind: 'invitation' | 'cancellation';
  to: string;
  calendarId: string;
  eventId: string;
  sendUpdates: 'all' | 'externalOnly';
  at: string;
}

type Attendee = { email?: string; self?: boolean; organizer?: boolean; resource?: boolean };

const EVENT_ROUTES = ['/calendar/v3/calendars/:calendarId/events', '/calendar/v3/calendars/:calendarId/events/:eventId'];
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Guests who get mail: not the organizer writing, not rooms. */
function guests(attendees: unknown, status?: unknown): Set<string> {
  if (status === 'cancelled' || !Array.isArray(attendees)) return new Set();
  return new Set(
    (attendees as Attendee[])
      .filter((a) => a.email && !a.self && !a.organizer && !a.resource)
      .map((a) => a.email!.toLowerCase()),
  );
}

/** Hooks around the event write routes: guests before the write (preHandler), after it (onSend). */
export function registerAttendeeMail(app: FastifyInstance, context: GoogleContext): AttendeeMail[] {
  const log: AttendeeMail[] = [];
  const before = new WeakMap<FastifyRequest, { calendarId: string; guests: Set<string> }>();
  const isWrite = (request: FastifyRequest) => WRITES.includes(request.method) && EVENT_ROUTES.includes(request.routeOptions.url ?? '');

  app.addHook('preHandler', async (request) => {
    if (!isWrite(request)) return;
    const { calendarId, eventId } = request.params as { calendarId: string; eventId?: string };
    const access = context.oauth.verify(request.headers.authorization);
    const calendar = access ? context.store.calendars.get(calendarId === 'primary' ? access.email : calendarId) : undefined;
    const stored = calendar && eventId ? findEvent(context.store, calendar, eventId) : undefined;
    if (calendar) before.set(request, { calendarId: calendar.id, guests: guests(stored?.resource.attendees, stored?.resource.status) });
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const { calendarId, guests: previous } = before.get(request) ?? {};
    const sendUpdates = (request.query as { sendUpdates?: string }).sendUpdates;
    if (!previous || reply.statusCode >= 300) return payload;
    if (sendUpdates !== 'all' && sendUpdates !== 'externalOnly') return payload;
    // DELETE answers 204 without a body: every guest is removed.
    const written = request.method === 'DELETE' ? {} : (JSON.parse(String(payload)) as { id?: string; status?: string; attendees?: unknown });
    const after = guests(written.attendees, written.status);
    const { eventId } = request.params as { eventId?: string };
    // externalOnly: "only to non-Google Calendar guests" — the emulator's accounts use Google Calendar.
    const mailed = (email: string) => sendUpdates === 'all' || !context.oauth.accounts.has(email);
    const at = new Date(context.now()).toISOString();
    const entry = (kind: AttendeeMail['kind'], to: string): AttendeeMail => ({ kind, to, calendarId: calendarId!, eventId: eventId ?? written.id ?? '', sendUpdates, at });
    for (const email of after) if (!previous.has(email) && mailed(email)) log.push(entry('invitation', email));
    for (const email of previous) if (!after.has(email) && mailed(email)) log.push(entry('cancellation', email));
    return payload;
  });
  return log;
}
