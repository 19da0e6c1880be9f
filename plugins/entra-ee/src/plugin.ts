// switchboard-entra-ee: Microsoft Entra sync (EE). Registered only when EDITION=ee.
import fp from 'fastify-plugin';

export const entraPlugin = fp(async () => {}, {
  name: 'switchboard-entra-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core', 'switchboard-microsoft-bindings'],
});
