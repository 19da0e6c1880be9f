// Registers the stable calendar and Entra routes with their CE surfaces.
import type { FastifyInstance } from 'fastify';
import { CALENDAR_CE_ERROR, CALENDAR_HANDLERS, CALENDAR_ROUTES, type CalendarHandler } from './calendar.js';
import { ENTRA_CE_ERROR, ENTRA_HANDLERS, ENTRA_ROUTES, type EntraHandler } from './entra.js';
import { enterpriseOnly, registerStableRoutes, type EditionSurface } from './surface.js';

export type CalendarSurface = EditionSurface<CalendarHandler>;
export type EntraSurface = EditionSurface<EntraHandler>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Calendar sync handlers: CE stubs from core, replaced by switchboard-calendar-ee. */
    calendar: CalendarSurface;
    /** Entra handlers: CE stubs from core, replaced by switchboard-entra-ee. */
    entra: EntraSurface;
  }
}

/**
 * Google's push notifications are `Content-Type: application/json` with an empty body
 * (https://developers.google.com/calendar/api/guides/push#receiving-notifications), which the
 * default JSON parser refuses with a 400. Webhook URLs accept an empty body; everything else keeps
 * the default parser (with its prototype-poisoning protection).
 */
function acceptEmptyWebhookBodies(app: FastifyInstance, webhookUrls: string[]): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && webhookUrls.includes(request.url.split('?')[0])) return done(null, undefined);
    parseJson(request, body as string, done);
  });
}

export function registerEnterpriseSurfaces(app: FastifyInstance): void {
  acceptEmptyWebhookBodies(app, CALENDAR_ROUTES.filter((r) => r.handler.endsWith('Webhook')).map((r) => r.url));
  app.decorate('calendar', enterpriseOnly(CALENDAR_HANDLERS, CALENDAR_CE_ERROR));
  app.decorate('entra', enterpriseOnly(ENTRA_HANDLERS, ENTRA_CE_ERROR));
  registerStableRoutes(app, CALENDAR_ROUTES, () => app.calendar);
  registerStableRoutes(app, ENTRA_ROUTES, () => app.entra);
}

export { CALENDAR_HANDLERS, CALENDAR_ROUTES, ENTRA_HANDLERS, ENTRA_ROUTES, CALENDAR_CE_ERROR, ENTRA_CE_ERROR };
export type { CalendarHandler, EntraHandler };
export type { SurfaceHandler, StableRoute } from './surface.js';
export { notConfigured } from './surface.js';
