// switchboard-entra-ee: Microsoft Entra sync (EE). Registered only when EDITION=ee; takes over the
// stable /api/integrations/entra URLs that core registers by replacing the members of `app.entra`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ENTRA_HANDLERS, type EntraSurface, type SurfaceHandler } from '@switchboard/core';

// The Entra connection and sync arrive with the Entra issue; until then EE says so, in its own words.
const notConfigured: SurfaceHandler = (_request, reply) =>
  reply.code(501).send({ success: false, error: 'Microsoft Entra integration is not configured on this server yet.' });

export function createEntraSurface(): EntraSurface {
  const handlers = Object.fromEntries(ENTRA_HANDLERS.map((name) => [name, notConfigured])) as EntraSurface['handlers'];
  handlers.notFound = (_request, reply) => reply.callNotFound();
  return { onRequest: () => undefined, handlers };
}

async function entraEe(app: FastifyInstance) {
  Object.assign(app.entra, createEntraSurface());
}

export const entraPlugin = fp(entraEe, {
  name: 'switchboard-entra-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core'],
});
