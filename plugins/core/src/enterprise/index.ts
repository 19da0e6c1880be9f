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

export function registerEnterpriseSurfaces(app: FastifyInstance): void {
  app.decorate('calendar', enterpriseOnly(CALENDAR_HANDLERS, CALENDAR_CE_ERROR));
  app.decorate('entra', enterpriseOnly(ENTRA_HANDLERS, ENTRA_CE_ERROR));
  registerStableRoutes(app, CALENDAR_ROUTES, () => app.calendar);
  registerStableRoutes(app, ENTRA_ROUTES, () => app.entra);
}

export { CALENDAR_HANDLERS, CALENDAR_ROUTES, ENTRA_HANDLERS, ENTRA_ROUTES, CALENDAR_CE_ERROR, ENTRA_CE_ERROR };
export type { CalendarHandler, EntraHandler };
export type { SurfaceHandler, StableRoute } from './surface.js';
export { notConfigured } from './surface.js';
