// What PostgreSQL cannot store never reaches it: a NUL (or a broken surrogate) in any string of a
// body, query or path, a number beyond its column, or a body that is not a JSON object is a 400
// naming the field, and nothing is written. Every route with input, core and EE, as an admin.
import t from 'tap';
import { sql } from 'kysely';
import { FEATURE_FLAGS } from '@switchboard/core';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';

const NUL_MESSAGE = 'must not contain control characters such as NUL';
const BODY_MESSAGE = 'The request body must be a JSON object.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ctx = await buildTestApp({ edition: 'ee' });
t.teardown(ctx.close);
const { app, db } = ctx;
const tenant = await seedTenant(db, 'nul-input');
const admin = await signIn(app, tenant.admin.email);
for (const { key } of FEATURE_FLAGS) await admin.request('PUT', `/api/feature-flags/${key}`, { enabled: true });

const created = async (method: string, url: string, body: object) => {
  const res = await admin.request(method, url, body);
  if (res.statusCode !== 201) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
const contactId = await created('POST', '/api/contacts', { clientId: tenant.client.id, fullName: 'Casey Contact' });
const profileId = await created('POST', '/api/microsoft/profiles', { displayName: 'Partner app', clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'secret-value' });
const providerId = await created('POST', '/api/calendar/providers', { providerType: 'microsoft' });
const someId = '00000000-0000-4000-8000-000000000000';

// Every table but sessions (each signed-in request slides its expiry): a refused request changes none.
const tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db)).rows
  .map((r) => r.name)
  .filter((name) => name !== 'sessions')
  .sort();
const snapshot = async () => {
  const rows: Record<string, unknown[]> = {};
  for (const name of tables) rows[name] = (await sql`select * from ${sql.table(name)}`.execute(db)).rows;
  return JSON.stringify(rows);
};

const send = (anon: boolean | undefined, method: string, url: string, payload?: unknown, headers?: Record<string, string>) =>
  anon ? app.inject({ method: method as 'POST', url, payload: payload as string, headers }) : admin.request(method, url, payload, headers);
const fieldsOf = (body: { fields?: { field: string; message: string }[] }) => body.fields ?? [];

interface BodyRoute {
  method: string;
  url: string;
  body: Record<string, unknown>;
  /** Fields whose value is a fixed choice (enum, discriminator): refused, but with their own message. */
  choices?: string[];
  anon?: boolean;
  /** The status the unpoisoned body gets, proving each refusal is the NUL's doing. */
  valid?: number;
}

const bodyRoutes: BodyRoute[] = [
  { method: 'POST', url: '/api/auth/login', anon: true, body: { email: tenant.viewer.email, password: TEST_PASSWORD }, valid: 200 },
  {
    method: 'POST',
    url: '/api/users',
    body: { email: 'new.person@nul-input.test', displayName: 'New Person', userType: 'internal', password: 'long enough password', role: 'Technician' },
    choices: ['userType', 'role'],
    valid: 201,
  },
  { method: 'POST', url: '/api/users', body: { email: 'portal2@nul-input.test', displayName: 'Portal Two', userType: 'client', clientId: tenant.client.id }, choices: ['userType'], valid: 201 },
  { method: 'POST', url: '/api/clients', body: { name: 'Acme', domains: ['acme.test'] }, valid: 201 },
  { method: 'PATCH', url: `/api/clients/${tenant.client.id}`, body: { name: 'Acme Renamed', domains: ['renamed.test'] }, valid: 200 },
  { method: 'POST', url: '/api/contacts', body: { clientId: tenant.client.id, fullName: 'Jo Doe', email: 'jo@acme.test', phone: '+1 555', jobTitle: 'CTO' }, valid: 201 },
  { method: 'PATCH', url: `/api/contacts/${contactId}`, body: { clientId: tenant.client.id, fullName: 'Jo Doe', email: 'jo.patch@acme.test', phone: '+1 555', jobTitle: 'CTO' }, valid: 200 },
  {
    method: 'POST',
    url: '/api/microsoft/profiles',
    body: { displayName: 'Second app', clientId: '21111111-2222-3333-4444-555555555555', authorityTenant: 'organizations', clientSecret: 'another-secret' },
    valid: 201,
  },
  {
    method: 'PATCH',
    url: `/api/microsoft/profiles/${profileId}`,
    body: { displayName: 'Renamed app', clientId: '31111111-2222-3333-4444-555555555555', authorityTenant: 'contoso.com', clientSecret: 'rotated-secret' },
    valid: 200,
  },
  { method: 'PUT', url: '/api/microsoft/consumers/msp_sso/binding', body: { profileId }, valid: 200 },
  { method: 'POST', url: '/api/auth/msp/sso/discover', anon: true, body: { email: 'someone@nul-input.test' }, valid: 200 },
  { method: 'POST', url: '/api/msp-sso/domains', body: { domain: 'nul-input-sso.test' }, valid: 201 },
  { method: 'POST', url: '/api/calendar/providers', body: { providerType: 'google', displayName: 'Work', syncDirection: 'two_way' }, choices: ['providerType', 'syncDirection'], valid: 201 },
  { method: 'PATCH', url: `/api/calendar/providers/${providerId}`, body: { displayName: 'Outlook', syncDirection: 'to_calendar' }, choices: ['syncDirection'], valid: 200 },
  { method: 'PUT', url: '/api/calendar/settings', body: { googleClientId: 'app.apps.googleusercontent.com', googleClientSecret: 'google-secret' }, valid: 200 },
  { method: 'POST', url: `/api/calendar/conflicts/${someId}/resolve`, body: { resolution: 'merge', fields: { title: 'psa' } }, choices: ['resolution', 'fields.title'], valid: 404 },
  {
    method: 'POST',
    url: '/api/integrations/entra/connection',
    body: { kind: 'cipp', baseUrl: 'https://cipp.example.test', clientId: 'cipp-client', clientSecret: 'cipp-secret', tenantId: 'partner.onmicrosoft.com' },
    choices: ['kind'],
  },
  { method: 'POST', url: '/api/integrations/entra/connection', body: { kind: 'direct', profileId }, choices: ['kind'] },
  { method: 'POST', url: '/api/integrations/entra/mappings', body: { mappings: [{ managedTenantId: someId, action: 'map', clientId: tenant.client.id }] }, choices: ['mappings.0.action'] },
  { method: 'POST', url: '/api/integrations/entra/sync', body: { scope: 'all', idempotencyKey: 'run-1' }, choices: ['scope'] },
  { method: 'POST', url: `/api/integrations/entra/clients/${tenant.client.id}/sync`, body: { idempotencyKey: 'client-run-1' } },
  { method: 'POST', url: `/api/integrations/entra/ambiguous/${someId}/resolve`, body: { action: 'link', contactId }, choices: ['action'], valid: 404 },
  { method: 'PUT', url: '/api/integrations/entra/settings', body: { schedule: 'daily' }, choices: ['schedule'], valid: 200 },
];

/** Paths (a.b.0.c) of every string in a body. */
function stringPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return [path];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}
function withNulAt(body: object, path: string[]): object {
  const copy = structuredClone(body) as Record<string, unknown>;
  const parent = path.slice(0, -1).reduce((o, k) => o[k] as Record<string, unknown>, copy);
  const last = path[path.length - 1];
  const value = parent[last] as string;
  parent[last] = `${value.slice(0, 1)}\u0000${value.slice(1)}`;
  return copy;
}

for (const route of bodyRoutes) {
  t.test(`${route.method} ${route.url}: a NUL in any string field is a 400 naming it, and nothing is written`, async (t) => {
    const before = await snapshot();
    for (const path of stringPaths(route.body)) {
      const field = path.join('.');
      const res = await send(route.anon, route.method, route.url, withNulAt(route.body, path));
      t.equal(res.statusCode, 400, `${field}: ${res.body}`);
      const named = fieldsOf(res.json()).filter((f) => f.field === field);
      t.ok(named.length > 0, `${field} is named in ${res.body}`);
      const original = path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], route.body) as string;
      if (!route.choices?.includes(field) && !UUID.test(original)) t.same(named.map((f) => f.message), [NUL_MESSAGE], `${field} says why`);
    }
    const broken = stringPaths(route.body).find((p) => !route.choices?.includes(p.join('.')));
    if (broken) {
      const res = await send(route.anon, route.method, route.url, { ...route.body, ...{ [broken[0]]: 'x\uD800' } });
      t.equal(res.statusCode, 400, `an unpaired surrogate in ${broken[0]}`);
    }
    for (const payload of ['null', '[]', '"text"', '42']) {
      const res = await send(route.anon, route.method, route.url, payload, { 'content-type': 'application/json' });
      t.equal(res.statusCode, 400, `${payload} body`);
      t.same(fieldsOf(res.json()), [{ field: 'body', message: BODY_MESSAGE }], `${payload} body is named`);
    }
    t.equal(await snapshot(), before, 'nothing was written');
    if (route.valid) t.equal((await send(route.anon, route.method, route.url, route.body)).statusCode, route.valid, 'the same body without the NUL gets through');
  });
}

const queries: { url: string; field: string; anon?: boolean; fine?: string }[] = [
  { url: '/api/clients?search=a%00b', field: 'querystring.search', fine: '/api/clients?search=ab' },
  { url: '/api/contacts?search=a%00b', field: 'querystring.search', fine: '/api/contacts?search=ab' },
  { url: '/api/auth/msp/sso/start?email=a%00b@nul-input.test', field: 'querystring.email', anon: true },
  { url: '/api/auth/msp/sso/callback?state=a%00b', field: 'querystring.state', anon: true },
  { url: '/api/auth/google/calendar/callback?state=a%00b', field: 'query.state' },
  { url: '/api/audit-log?before=99999999999999999999999', field: 'querystring.before' },
  { url: '/api/audit-log?before=9223372036854775808', field: 'querystring.before', fine: '/api/audit-log?before=9223372036854775807' },
  { url: '/api/clients?offset=2147483648', field: 'querystring.offset', fine: '/api/clients?offset=2147483647' },
  { url: '/api/contacts?offset=1e400', field: 'querystring.offset' },
  { url: '/api/clients?limit=99999999999999999999', field: 'querystring.limit' },
  { url: '/api/notifications?limit=1e400', field: 'querystring.limit' },
  { url: '/api/integrations/entra/runs?limit=99999999999999999999', field: 'query.limit' },
];

t.test('a NUL or an out-of-range number in a query string is a 400 naming the parameter', async (t) => {
  for (const q of queries) {
    const res = await send(q.anon, 'GET', q.url);
    t.equal(res.statusCode, 400, `${q.url}: ${res.body}`);
    t.ok(fieldsOf(res.json()).some((f) => f.field === q.field), `${q.url} names ${q.field}: ${res.body}`);
    if (q.fine) t.equal((await send(q.anon, 'GET', q.fine)).statusCode, 200, `${q.fine} is fine`);
  }
});

const paths: [method: string, url: string, field: string, body?: object][] = [
  ['GET', '/api/clients/a%00b', 'params.id'],
  ['GET', '/api/contacts/a%00b', 'params.id'],
  ['GET', '/api/users/a%00b', 'params.id'],
  ['POST', '/api/notifications/a%00b/read', 'params.id'],
  ['PUT', '/api/feature-flags/a%00b', 'params.key', { enabled: true }],
  ['GET', '/api/microsoft/profiles/a%00b', 'params.id'],
  ['PUT', '/api/microsoft/consumers/a%00b/binding', 'params.consumer', { profileId }],
  ['POST', '/api/msp-sso/domains/a%00b/verify', 'params.id'],
  ['GET', '/api/calendar/providers/a%00b', 'params.id'],
  ['POST', '/api/calendar/conflicts/a%00b/resolve', 'params.id', { resolution: 'keep_psa' }],
  ['GET', '/api/integrations/entra/runs/a%00b', 'params.id'],
  ['POST', '/api/integrations/entra/clients/a%00b/sync', 'params.clientId', {}],
];

t.test('a NUL in a path parameter is a 400 naming it, and nothing is written', async (t) => {
  const before = await snapshot();
  for (const [method, url, field, body] of paths) {
    const res = await admin.request(method, url, body);
    t.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
    t.ok(fieldsOf(res.json()).some((f) => f.field === field), `${url} names ${field}: ${res.body}`);
  }
  t.equal(await snapshot(), before, 'nothing was written');
});
