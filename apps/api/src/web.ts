// Serves the built SPA: static files, and index.html for client-side routes. /api paths that no
// route matched keep the JSON 404.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export async function registerWeb(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(`${distDir}/index.html`)) {
    app.log.warn({ distDir }, 'web app is not built; serving the API only');
    return;
  }
  await app.register(fastifyStatic, { root: distDir, wildcard: false, index: false });
  const spa = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    const path = request.url.split('?')[0];
    if (path.startsWith('/api/') || path === '/api') return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
  app.get('/', spa);
  app.get('/*', spa);
}
