// Security headers on every response: API answers — JSON, errors, 404s, the Graph validationToken
// echo — load nothing and may not be framed, so they carry the strictest policy; the SPA's HTML
// document replaces the CSP with the one it needs (apps/api/src/web.ts). The header values are
// @fastify/helmet's, read once at start: registered as a plugin it rebuilds them on every request,
// which cost a third of the webhook ingest throughput (docs/OPERATIONS.md → security headers).
import Fastify, { type FastifyInstance } from 'fastify';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';

export const securityHeaderOptions: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
  },
  // Older browsers read X-Frame-Options where newer ones read frame-ancestors.
  frameguard: { action: 'deny' },
  // The rest are helmet's defaults: nosniff, HSTS (honoured over https only), no referrer,
  // same-origin opener and resource policies.
};

/** The headers @fastify/helmet adds with these options: a probe answered with and without it. */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const answer = async (withHelmet: boolean) => {
    const probe = Fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, options);
    probe.get('/', async () => '');
    const response = await probe.inject({ method: 'GET', url: '/' });
    await probe.close();
    return response.headers;
  };
  const [plain, secured] = await Promise.all([answer(false), answer(true)]);
  return Object.fromEntries(Object.entries(secured).filter(([name]) => !(name in plain)).map(([name, value]) => [name, String(value)]));
}

/**
 * Adds the headers to every reply before anything else runs, so errors and 404s carry them too.
 * They are reply headers: a route that needs another value (the SPA's CSP) sets it with reply.header.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: FastifyHelmetOptions = securityHeaderOptions): Promise<void> {
  const headers = await helmetHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
