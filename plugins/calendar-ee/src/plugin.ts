// switchboard-calendar-ee: calendar sync (EE). Registered only when EDITION=ee.
import fp from 'fastify-plugin';

export const calendarPlugin = fp(async () => {}, {
  name: 'switchboard-calendar-ee',
  fastify: '5.x',
  dependencies: ['switchboard-core', 'switchboard-microsoft-bindings'],
});
