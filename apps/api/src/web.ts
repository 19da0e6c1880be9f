// Serves the built SPA: static files, and index.html for client-side routes. /api paths that no
// route matched keep the JSON 404. The HTML document gets the Content-Security-Policy the built app
// needs (every other response keeps core's stricter API policy).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * What the built index.html loads: its own module script and stylesheet, a `data:` favicon, and
 * fetches to this origin. React writes styles through the DOM (not allowed to inline `<style>` or
 * `style=""` here), and sign-in redirects are navigations, which CSP does not govern.
 */
export const SPA_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// A 304 revalidating the cached document replaces its stored headers, the CSP included, so it needs
// the document's policy too (on a 304 for a script or stylesheet the policy means nothing).
const isDocument = (reply: FastifyReply) => reply.statusCode === 304 || String(reply.getHeader('content-type') ?? '').startsWith('text/html');

export async function registerWeb(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(`${distDir}/index.html`)) {
    app.log.warn({ distDir }, 'web app is not built; serving the API only');
    return;
  }
  // Its own context, so the CSP hook runs for the SPA's files only, never on the API's path.
  await app.register(async (web) => {
    await web.register(fastifyStatic, { root: distDir, wildcard: false, index: false });
    web.addHook('onSend', async (_request, reply, payload) => {
      if (isDocument(reply)) reply.header('content-security-policy', SPA_CONTENT_SECURITY_POLICY);
      return payload;
    });
    const spa = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0];
      if (path.startsWith('/api/') || path === '/api') return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    };
    web.get('/', spa);
    web.get('/*', spa);
  });
}
