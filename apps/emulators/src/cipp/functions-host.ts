// The Azure Functions host CIPP-API runs in refuses work beyond `maxOutstandingRequests` (queued plus
// running; 200 by default on a Consumption plan) with a 429 "Too Busy", and documents no Retry-After
// for it: callers back off on their own
// (https://learn.microsoft.com/en-us/azure/azure-functions/functions-host-json#http, the
// `extensions.http` settings). CIPP's host.json keeps the defaults.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Controls } from '../controls.js';

/**
 * Registered before the shared controls hook, so injected latency is spent while the request counts
 * as outstanding, which is what makes the limit reachable in a test.
 */
export function registerOutstandingLimit(app: FastifyInstance, controls: Controls, limit: () => number): void {
  let outstanding = 0;
  const releases = new WeakMap<FastifyRequest, () => void>();
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!path.startsWith('/api/')) return;
    if (outstanding >= limit()) {
      // The shared hook that counts requests never runs for this one, so count it here.
      controls.record(`${request.method} ${request.routeOptions.url ?? path}`);
      return reply.code(429).type('text/plain').send('Too Busy');
    }
    outstanding++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      outstanding--;
    };
    releases.set(request, release);
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
  });
  app.addHook('onResponse', async (request) => releases.get(request)?.());
}
