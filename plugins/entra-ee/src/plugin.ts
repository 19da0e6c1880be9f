// switchboard-entra-ee: Microsoft Entra sync (EE). Registered only when EDITION=ee; takes over the
// stable /api/integrations/entra URLs that core registers by replacing the members of `app.entra`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ENTRA_HANDLERS, notConfigured } from '@switchboard/core';

async function entraEe(app: FastifyInstance) {
  // The Entra connection and sync arrive with the Entra issue; until then EE says so, in its own words.
  Object.assign(app.entra, notConfigured(ENTRA_HANDLERS, 'Microsoft Entra integration is not configured on this server yet.'));
}

export const entraPlugin = fp(entraEe, {
  name: 'switchboard-entra-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core'],
});
