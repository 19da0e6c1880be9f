// GET /metrics on the main port, for Prometheus. Only with `Authorization: Bearer $METRICS_TOKEN`;
// without a configured token the URL does not exist (404), so nothing is exposed by default.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Called directly on the root instance (not registered), so the timing hook sees every route. */
export function registerMetricsRoute(app: FastifyInstance) {
  const token = app.coreOptions.metricsToken;
  // Request durations by route template (never the raw URL, whose ids would explode cardinality),
  // measured only when someone can scrape them. A callback hook: no promise per request.
  if (token) {
    app.addHook('onResponse', (request, reply, done) => {
      app.metrics.httpDuration.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  app.get('/metrics', async (request, reply) => {
    if (!token) return reply.callNotFound();
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), digest(token))) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ reqId: request.id, statusCode: 401, error: 'Unauthorized', message: 'A valid metrics token is required.' });
    }
    return reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  });
}
