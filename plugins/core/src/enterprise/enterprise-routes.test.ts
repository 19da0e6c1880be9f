// CE: every stable calendar and Entra URL answers the enterprise-only 501 for every method the EE
// route supports, before reading a body or touching the database, the secrets, the jobs or the network.
import t, { type Test } from 'tap';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { KyselyPlugin } from 'kysely';
import { buildTestApp, createTestDatabase, seedTenant, signIn } from '@switchboard/testing';
import { CALENDAR_CE_ERROR, CALENDAR_ROUTES, ENTRA_CE_ERROR, ENTRA_ROUTES } from './index.js';
import type { StableRoute } from './surface.js';

const counts = { queries: 0, secretCalls: 0, jobsSent: 0, outboundHttp: 0 };
const countingPlugin: KyselyPlugin = {
  transformQuery: (args) => {
    counts.queries++;
    return args.node;
  },
  transformResult: async (args) => args.result,
};
const database = await createTestDatabase();
const ctx = await buildTestApp({ edition: 'ce', database: { ...database, db: database.db.withPlugin(countingPlugin) } });
t.teardown(async () => {
  await ctx.close();
  await database.close();
});
const { app } = ctx;

for (const method of ['get', 'put', 'has', 'delete'] as const) {
  const original = app.secrets[method].bind(app.secrets);
  (app.secrets as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    counts.secretCalls++;
    return (original as (...a: unknown[]) => unknown)(...args);
  };
}
const send = app.jobs.send.bind(app.jobs);
app.jobs.send = (...args) => {
  counts.jobsSent++;
  return send(...args);
};
const countHttp = () => counts.outboundHttp++;
for (const channel of ['undici:request:create', 'http.client.request.start']) subscribe(channel, countHttp);
t.teardown(() => {
  for (const channel of ['undici:request:create', 'http.client.request.start']) unsubscribe(channel, countHttp);
});

const tenant = await seedTenant(ctx.db, 'ce');
const admin = await signIn(app, tenant.admin.email);
const portal = await signIn(app, tenant.clientUser.email);

const concreteUrl = (url: string) => url.replace(/:\w+/g, '0b0f8a5e-8a1c-4a7e-9d1e-1f2b3c4d5e6f').replace('*', 'anything/else');
const requests = (routes: StableRoute<string>[]) =>
  routes.flatMap((r) => [r.method].flat().map((method) => ({ method, url: concreteUrl(r.url) })));

function expectEnterpriseOnly(t: Test, res: { statusCode: number; body: string; headers: Record<string, unknown> }, error: string, label: string) {
  t.equal(res.statusCode, 501, `${label}: 501`);
  t.equal(res.body, JSON.stringify({ success: false, error }), `${label}: exact body`);
  t.match(String(res.headers['content-type']), /^application\/json/, `${label}: JSON`);
}

for (const [name, routes, error] of [
  ['calendar', CALENDAR_ROUTES, CALENDAR_CE_ERROR],
  ['Entra', ENTRA_ROUTES, ENTRA_CE_ERROR],
] as const) {
  t.test(`every stable ${name} URL and method answers the CE 501, signed in or not, with any body`, async (t) => {
    const before = { ...counts };
    const list = requests(routes as unknown as StableRoute<string>[]);
    t.ok(list.length >= 16, `${list.length} URL and method pairs`);
    for (const { method, url } of list) {
      const label = `${method} ${url}`;
      const withBody = method !== 'GET';
      expectEnterpriseOnly(t, await app.inject({ method, url, ...(withBody ? { payload: { any: 'thing' } } : {}) }), error, `${label} anonymous`);
      expectEnterpriseOnly(t, await admin.request(method, url, withBody ? { any: 'thing' } : undefined), error, `${label} as admin`);
      expectEnterpriseOnly(t, await portal.request(method, url), error, `${label} as client user`);
      if (withBody) {
        // Not parsed at all: malformed JSON, an unknown content type and an oversized body get the same answer.
        expectEnterpriseOnly(t, await app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: '{not json' }), error, `${label} bad JSON`);
        expectEnterpriseOnly(t, await app.inject({ method, url, headers: { 'content-type': 'application/x-unknown' }, payload: 'x' }), error, `${label} odd type`);
        expectEnterpriseOnly(t, await app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(2 * 1024 * 1024)}"` }), error, `${label} 2 MB body`);
      }
    }
    t.same(
      { queries: counts.queries - before.queries, secretCalls: counts.secretCalls - before.secretCalls, jobsSent: counts.jobsSent - before.jobsSent, outboundHttp: counts.outboundHttp - before.outboundHttp },
      { queries: 0, secretCalls: 0, jobsSent: 0, outboundHttp: 0 },
      'no database query, secret access, job or outbound HTTP request',
    );
  });
}

t.test("Graph's validationToken handshake gets the CE 501, not an echo", async (t) => {
  const res = await app.inject({ method: 'POST', url: '/api/calendar/webhooks/microsoft?validationToken=echo-me-please' });
  expectEnterpriseOnly(t, res, CALENDAR_CE_ERROR, 'validation handshake');
  t.notMatch(res.body, /echo-me-please/);
});

t.test('the counters see real work, so the zeros above mean something', async (t) => {
  const before = { ...counts };
  await admin.request('GET', '/api/clients');
  await app.secrets.get(ctx.db, tenant.tenantId, 'anything');
  const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`).then((r) => r.text());
  server.close();
  t.ok(counts.queries > before.queries, 'database queries are counted');
  t.equal(counts.secretCalls, before.secretCalls + 1, 'secret reads are counted');
  t.ok(counts.outboundHttp > before.outboundHttp, 'outbound HTTP is counted');
});

t.test('the rest of the API is unaffected and CE shows no calendar surfaces', async (t) => {
  t.equal((await admin.request('GET', '/api/clients')).statusCode, 200);
  const edition = (await admin.request('GET', '/api/edition')).json();
  t.notOk(edition.settingsCategories.includes('calendar'));
  t.notOk(edition.profileTabs.includes('calendar'));
  t.same(edition.microsoftConsumers, ['msp_sso']);
  // /api/calendar itself is not a stable URL; near-misses stay ordinary 404s.
  t.equal((await app.inject({ method: 'GET', url: '/api/calendars' })).statusCode, 404);
});
