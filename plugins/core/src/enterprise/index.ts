// Registers the stable calendar and Entra routes with their CE surfaces.
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CALENDAR_CE_ERROR, CALENDAR_HANDLERS, CALENDAR_ROUTES, type CalendarHandler } from './calendar.js';
import { ENTRA_CE_ERROR, ENTRA_HANDLERS, ENTRA_ROUTES, type EntraHandler } from './entra.js';
import { deferredChildLogger } from './deferred-logger.js';
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

/** The provider webhook URLs (path only): providers call them, in bursts when a calendar is busy. */
const WEBHOOK_PATHS = new Set(CALENDAR_ROUTES.filter((r) => r.handler.endsWith('Webhook')).map((r) => r.url));
const isWebhook = (url: string) => {
  const query = url.indexOf('?');
  return WEBHOOK_PATHS.has(query === -1 ? url : url.slice(0, query));
};

/**
 * Fastify's access log ("incoming request" and "request completed" per request) for every URL but
 * the webhooks: their notifications are counted in the metrics instead, their rejections are
 * logged at warn by the handlers, and their failures still reach the log here. Given to Fastify as
 * `logController` (a route log level would cost pino a level change on every request).
 */
class AccessLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (!isWebhook(request.url)) super.incomingRequest(request, reply);
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error || !isWebhook(request.url)) super.requestCompleted(error, request, reply);
  }
}
export const accessLogController: LogController = new AccessLogController();

/**
 * Google's push notifications are `Content-Type: application/json` with an empty body
 * (https://developers.google.com/calendar/api/guides/push#receiving-notifications), which the
 * default JSON parser refuses with a 400. Webhook URLs accept an empty body; everything else keeps
 * the default parser (with its prototype-poisoning protection).
 */
function acceptEmptyWebhookBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && isWebhook(request.url)) return done(null, undefined);
    parseJson(request, body as string, done);
  });
}

export function registerEnterpriseSurfaces(app: FastifyInstance): void {
  acceptEmptyWebhookBodies(app);
  // A webhook request that logs nothing (the usual case) builds no per-request pino child.
  app.addHook('onRoute', (route) => {
    if (WEBHOOK_PATHS.has(route.url)) route.childLoggerFactory = deferredChildLogger;
  });
  app.decorate('calendar', enterpriseOnly(CALENDAR_HANDLERS, CALENDAR_CE_ERROR));
  app.decorate('entra', enterpriseOnly(ENTRA_HANDLERS, ENTRA_CE_ERROR));
  registerStableRoutes(app, CALENDAR_ROUTES, () => app.calendar);
  registerStableRoutes(app, ENTRA_ROUTES, () => app.entra);
}

export { CALENDAR_HANDLERS, CALENDAR_ROUTES, ENTRA_HANDLERS, ENTRA_ROUTES, CALENDAR_CE_ERROR, ENTRA_CE_ERROR };
export type { CalendarHandler, EntraHandler };
export type { SurfaceHandler, StableRoute } from './surface.js';
export { notConfigured } from './surface.js';
