import t from 'tap';
import Fastify from 'fastify';
import { ENTRA_CE_ERROR, ENTRA_ROUTES } from '@switchboard/core';
import { buildTestApp, seedTenant, signIn } from '@switchboard/api/testing';
import { entraPlugin } from './plugin.js';

const concreteUrl = (url: string) => url.replace(/:\w+/g, '0b0f8a5e-8a1c-4a7e-9d1e-1f2b3c4d5e6f');

t.test('EE: every stable Entra URL reaches the entra-ee handler, not the CE stub', async (t) => {
  const ctx = await buildTestApp({ edition: 'ee' });
  t.teardown(ctx.close);
  t.equal(ctx.app.hasPlugin('switchboard-entra-ee'), true);
  const admin = await signIn(ctx.app, (await seedTenant(ctx.db, 'eeentra')).admin.email);
  for (const route of ENTRA_ROUTES.filter((r) => !r.url.endsWith('*'))) {
    for (const method of [route.method].flat()) {
      const res = await admin.request(method, concreteUrl(route.url), method === 'GET' ? undefined : {});
      t.equal(res.statusCode, 501, `${method} ${route.url}`);
      t.same(res.json(), { success: false, error: 'Microsoft Entra integration is not configured on this server yet.' });
      t.notMatch(res.body, ENTRA_CE_ERROR);
    }
  }
  t.equal((await admin.request('DELETE', '/api/integrations/entra/nothing')).statusCode, 404);
});

t.test('registering entra-ee without core fails at startup with a clear error', async (t) => {
  const app = Fastify();
  app.register(entraPlugin);
  await t.rejects(async () => {
    await app.ready();
  }, /The dependency 'switchboard-core' of plugin 'switchboard-entra-ee' is not registered/);
});
