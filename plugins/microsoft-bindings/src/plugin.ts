// switchboard-microsoft-bindings: Microsoft profiles and consumer bindings. The profiles, bindings
// and resolver are built by the Microsoft bindings issue; this registers the plugin in its place.
import fp from 'fastify-plugin';

export const microsoftBindingsPlugin = fp(async () => {}, {
  name: 'switchboard-microsoft-bindings',
  fastify: '5.x',
  dependencies: ['switchboard-core'],
});
