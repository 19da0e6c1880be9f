// The Entra surface in EE: every stable URL is answered by entra-ee (never the CE 501); each flag off
// hides its part (404, read per request); only MSP staff with system_settings.update get in; tenants
// never see each other's data.
import t from 'tap';
import Fastify from 'fastify';
import { ENTRA_CE_ERROR, ENTRA_ROUTES } from '@switchboard/core';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import { ALL_FLAGS, setFlags } from '@switchboard/testing/entra';
import { entraPlugin } from './plugin.js';

const ctx = await buildTestApp({ edition: 'ee' });
t.teardown(ctx.close);
const a = await seedTenant(ctx.db, 'entraflags');
const admin = await signIn(ctx.app, a.admin.email);
const concreteUrl = (url: string) => url.replace(/:\w+/g, '0b0f8a5e-8a1c-4a7e-9d1e-1f2b3c4d5e6f').replace('*', 'anything/else');
const routes = ENTRA_ROUTES.flatMap((r) => [r.method].flat().map((method) => ({ method, url: concreteUrl(r.url) })));
const send = (session: typeof admin, method: string, url: string) => session.request(method, url, method === 'GET' ? undefined : {});

t.test('EE registers the plugin; with the flags off every Entra URL is a 404, never the CE 501', async (t) => {
  t.equal(ctx.app.hasPlugin('switchboard-entra-ee'), true);
  await setFlags(admin, ALL_FLAGS, false);
  for (const { method, url } of routes) {
    const res = await send(admin, method, url);
    t.equal(res.statusCode, 404, `${method} ${url}`);
    t.notMatch(res.body, ENTRA_CE_ERROR);
  }
});

t.test('client-portal users, technicians and settings viewers are refused (403) whatever the flags', async (t) => {
  await setFlags(admin, ALL_FLAGS, true);
  for (const who of [a.clientUser.email, a.technician.email, a.viewer.email]) {
    const session = await signIn(ctx.app, who);
    for (const { method, url } of routes.filter((r) => !r.url.endsWith('/callback') && !r.url.endsWith('anything/else'))) {
      t.equal((await send(session, method, url)).statusCode, 403, `${who} ${method} ${url}`);
    }
    const callback = await session.request('GET', '/api/integrations/entra/callback?state=x&code=y');
    t.equal(callback.headers.location, '/settings?category=entra&entraError=not_allowed');
  }
  t.equal((await ctx.app.inject({ method: 'GET', url: '/api/integrations/entra/connection' })).statusCode, 401);
});

t.test('each flag hides its own part on the next request', async (t) => {
  await setFlags(admin, ALL_FLAGS, true);
  t.equal((await admin.request('GET', '/api/integrations/entra/ambiguous')).statusCode, 200);
  await setFlags(admin, ['entra-integration-ambiguous-queue'], false);
  t.equal((await admin.request('GET', '/api/integrations/entra/ambiguous')).statusCode, 404);
  t.equal((await admin.request('GET', '/api/integrations/entra/connection')).statusCode, 200, 'the rest stays');

  t.equal((await admin.request('PUT', '/api/integrations/entra/settings', { overwrite: { email: true } })).statusCode, 200);
  await setFlags(admin, ['entra-integration-field-sync'], false);
  t.equal((await admin.request('PUT', '/api/integrations/entra/settings', { overwrite: { email: true } })).statusCode, 404);
  const settings = (await admin.request('GET', '/api/integrations/entra/settings')).json();
  t.same(settings, { schedule: 'off', lastScheduledAt: null, fieldSyncAvailable: false }, 'no toggles without the flag');
  t.equal((await admin.request('PUT', '/api/integrations/entra/settings', { schedule: 'daily' })).statusCode, 200);

  await setFlags(admin, ['entra-integration-cipp'], false);
  const cipp = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'cipp', baseUrl: 'http://127.0.0.1:9/', clientId: 'x', clientSecret: 'y', tenantId: 'z' });
  t.equal(cipp.statusCode, 404);
  t.equal((await admin.request('GET', '/api/integrations/entra/connection')).json().cippAvailable, false);

  t.equal((await admin.request('POST', `/api/integrations/entra/clients/${a.client.id}/sync`, {})).statusCode, 409, 'flag on: reaches the action');
  await setFlags(admin, ['entra-integration-client-sync-action'], false);
  t.equal((await admin.request('POST', `/api/integrations/entra/clients/${a.client.id}/sync`, {})).statusCode, 404);
  await setFlags(admin, ALL_FLAGS, true);
});

t.test('bad input gets a 400 naming the field; settings changes are audited', async (t) => {
  const bad = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'direct', profileId: 'nope' });
  t.equal(bad.statusCode, 400);
  t.same(bad.json().fields, [{ field: 'profileId', message: 'must be a UUID' }]);
  const unknownProfile = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'direct', profileId: '0b0f8a5e-8a1c-4a7e-9d1e-1f2b3c4d5e6f' });
  t.equal(unknownProfile.statusCode, 400);
  t.equal((await admin.request('PUT', '/api/integrations/entra/settings', { schedule: 'sometimes' })).statusCode, 400);
  t.equal((await admin.request('POST', '/api/integrations/entra/mappings', { mappings: [] })).statusCode, 400);
  t.equal((await admin.request('GET', '/api/integrations/entra/runs?limit=0')).json().fields[0].field, 'query.limit');
  t.equal((await admin.request('POST', '/api/integrations/entra/sync', {})).statusCode, 409, 'not connected');
  const audit = await ctx.db.selectFrom('audit_log').select('action').where('tenant_id', '=', a.tenantId).where('action', '=', 'entra.settings_updated').execute();
  t.ok(audit.length >= 2);
});

t.test("tenant isolation: another tenant's ids are unknown (404 or field error), never data", async (t) => {
  const b = await seedTenant(ctx.db, 'entraother');
  const other = await signIn(ctx.app, b.admin.email);
  await setFlags(other, ALL_FLAGS, true);
  const managed = await ctx.db.insertInto('entra_managed_tenants').values({ tenant_id: a.tenantId, entra_tenant_id: 'aaaa', display_name: 'A customer', domains: ['a.example'] }).returning('id').executeTakeFirstOrThrow();
  const run = await ctx.db.insertInto('entra_sync_runs').values({ tenant_id: a.tenantId, scope: 'all', scope_key: 'all', status: 'succeeded' }).returning('id').executeTakeFirstOrThrow();
  t.equal((await other.request('GET', `/api/integrations/entra/runs/${run.id}`)).statusCode, 404);
  t.same((await other.request('GET', '/api/integrations/entra/runs')).json().items, []);
  t.same((await other.request('GET', '/api/integrations/entra/tenants')).json().items, []);
  const map = await other.request('POST', '/api/integrations/entra/mappings', { mappings: [{ managedTenantId: managed.id, action: 'map', clientId: a.client.id }] });
  t.equal(map.statusCode, 400);
  t.same(map.json().fields.map((f: { field: string }) => f.field), ['mappings.0.managedTenantId', 'mappings.0.clientId']);
  t.equal((await other.request('POST', `/api/integrations/entra/clients/${a.client.id}/sync`, {})).statusCode, 404);
  t.equal((await admin.request('GET', `/api/integrations/entra/runs/${run.id}`)).statusCode, 200);
});

t.test('registering entra-ee without core fails at startup with a clear error', async (t) => {
  const app = Fastify();
  app.register(entraPlugin);
  await t.rejects(async () => {
    await app.ready();
  }, /The dependency 'switchboard-core' of plugin 'switchboard-entra-ee' is not registered/);
});
