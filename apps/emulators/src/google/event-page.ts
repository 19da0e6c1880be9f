// Where an event's htmlLink leads: a read-only page standing in for Google Calendar's event view,
// so a person clicking "open in Google Calendar" in the demo sees the event as Google holds it.
import type { FastifyInstance } from 'fastify';
import type { GoogleContext } from './context.js';

const escape = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const when = (value: unknown) => {
  const v = (value ?? {}) as { date?: string; dateTime?: string; timeZone?: string };
  return v.date ?? `${v.dateTime ?? ''}${v.timeZone ? ` (${v.timeZone})` : ''}`;
};

export function registerEventPage(app: FastifyInstance, context: GoogleContext): void {
  app.get<{ Querystring: { eid?: string } }>('/calendar/event', async (request, reply) => {
    // The eid is base64url("<eventId> <calendarId>"), the form of Google's own links.
    const [eventId, calendarId] = Buffer.from(request.query.eid ?? '', 'base64url').toString().split(' ');
    const event = context.store.getEvent(calendarId ?? '', eventId ?? '')?.resource;
    reply.type('text/html; charset=utf-8');
    if (!event) return reply.code(404).send('<!doctype html><title>Not found</title><p id="event-missing">Could not find the requested event.</p>');
    const attendees = ((event.attendees as Array<{ email: string; responseStatus?: string }> | undefined) ?? [])
      .map((a, i) => `<li id="attendee-${i}">${escape(a.email)} — ${escape(a.responseStatus ?? 'needsAction')}</li>`)
      .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(event.summary ?? '(No title)')} - Google Calendar (emulator)</title></head>
<body style="font-family:system-ui,sans-serif;max-width:640px;margin:40px auto">
<h1 id="event-summary">${escape(event.summary ?? '(No title)')}</h1>
<p id="event-status">Status: ${escape(event.status)}</p>
<p id="event-start">Start: ${escape(when(event.start))}</p><p id="event-end">End: ${escape(when(event.end))}</p>
${event.location ? `<p id="event-location">${escape(event.location)}</p>` : ''}
${event.description ? `<p id="event-description">${escape(event.description)}</p>` : ''}
<ul id="event-attendees">${attendees}</ul>
<p style="color:#5f6368">Calendar ${escape(calendarId)} · Google emulator</p></body></html>`;
  });
}
