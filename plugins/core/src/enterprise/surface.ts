// Stable enterprise URLs: core owns the URL table and registers every route; each route calls the
// edition surface (`app.calendar`, `app.entra`) at request time. Core decorates CE stubs that answer
// 501 from the onRequest hook, before a body is read or anything is touched; the EE plugin
// replaces the surface's members. No route looks at the edition.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

export type SurfaceHandler = (request: FastifyRequest, reply: FastifyReply) => unknown;

export interface StableRoute<H extends string> {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  handler: H;
  /** Public endpoints called by providers get a tighter body limit. */
  bodyLimit?: number;
}

export interface EditionSurface<H extends string> {
  /** Runs first on every route of the surface. CE answers here; EE lets the request through. */
  onRequest: SurfaceHandler;
  handlers: Record<H, SurfaceHandler>;
}

const answer501 = (error: string): SurfaceHandler => (_request, reply) => reply.code(501).send({ success: false, error });
const every = <H extends string>(names: readonly H[], handler: SurfaceHandler) =>
  Object.fromEntries(names.map((name) => [name, handler])) as Record<H, SurfaceHandler>;

/** The CE surface: every route, whatever its method or body, answers this 501 before the body is read. */
export function enterpriseOnly<H extends string>(names: readonly H[], error: string): EditionSurface<H> {
  return { onRequest: answer501(error), handlers: every(names, answer501(error)) };
}

/**
 * An EE surface whose feature is not set up yet: its routes answer 501 with `error` (after the
 * usual request handling), and other URLs under it are ordinary 404s.
 */
export function notConfigured<H extends string>(names: readonly H[], error: string): EditionSurface<H | 'notFound'> {
  return {
    onRequest: () => undefined,
    handlers: { ...every(names, answer501(error)), notFound: (_request, reply) => reply.callNotFound() },
  };
}

export function registerStableRoutes<H extends string>(
  app: FastifyInstance,
  routes: readonly StableRoute<H>[],
  surface: () => EditionSurface<H>,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      bodyLimit: route.bodyLimit,
      // Looked up per request, so a plugin that replaces the surface later is what answers.
      onRequest: async (request, reply) => {
        await surface().onRequest(request, reply);
        if (reply.sent) return reply;
      },
      handler: async (request, reply) => surface().handlers[route.handler](request, reply),
    });
  }
}

export const ALL_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
