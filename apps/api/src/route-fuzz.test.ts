// Fuzzes every route the EE app registers with hostile params, query strings and bodies (fast-check,
// fixed seed, bounded count): no input may produce a 5xx, and a request that is refused (4xx) must
// leave every table exactly as it was (no half-write). FUZZ_RUNS / FUZZ_SEED widen a local run.
import t from 'tap';
import fc from 'fast-check';
import { sql } from 'kysely';
import { setTenantFeatureFlag, FEATURE_FLAGS } from '@switchboard/core';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

const testApp = await buildTestApp({ edition: 'ee' });
t.teardown(() => testApp.close());
const { app, db } = testApp;
const seeded = await seedTenant(db);
for (const { key } of FEATURE_FLAGS) await setTenantFeatureFlag(db, seeded.tenantId, key, true);
const admin = await signIn(app, seeded.admin.email);

// Real records, so fuzzed params also reach the code behind "not found".
const created = async (url: string, payload: object) => {
  const res = await admin.request('POST', url, payload);
  if (res.statusCode >= 300) throw new Error(`seeding ${url} failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
};
const ids = {
  client: seeded.client.id,
  contact: await created('/api/contacts', { clientId: seeded.client.id, fullName: 'Fuzz Contact', email: 'fuzz@example.com' }),
  entry: await created('/api/schedule-entries', {
    title: 'Fuzz entry',
    start: '2026-12-07T09:00:00Z',
    end: '2026-12-07T10:00:00Z',
    timeZone: 'Europe/Berlin',
    recurrence: 'FREQ=WEEKLY;BYDAY=MO',
    assigneeIds: [seeded.technician.id],
  }),
  profile: await created('/api/microsoft/profiles', {
    displayName: 'Fuzz profile',
    clientId: '00000000-1111-2222-3333-444444444444',
    clientSecret: 'fuzz-secret-value',
  }),
  domain: await created('/api/msp-sso/domains', { domain: 'fuzz-example.com' }),
  user: seeded.technician.id,
};

// Values that have broken a server before: NUL and lone surrogates, huge and negative numbers,
// dates PostgreSQL cannot hold, rules that expand forever, prototype keys, wrong types.
const nastyString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x'.repeat(20_000),
  '0000-01-01',
  '9999-12-31T23:59:59-14:00',
  '10000-01-01T00:00:00Z',
  '99999999999999999999999',
  '-1',
  'NaN',
  'FREQ=SECONDLY',
  'FREQ=MINUTELY;COUNT=100000000',
  'RRULE:FREQ=DAILY;BYMONTHDAY=40',
  "' OR 1=1 --",
  '__proto__',
  'http://127.0.0.1:1/',
  'https://169.254.169.254/latest',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  'admin@example.com',
  'Europe/Nowhere',
);
const scalar = fc.oneof(
  nastyString,
  fc.string({ maxLength: 40 }),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 99999999999999999999999, 0.5, true, false, null),
  fc.integer(),
);
const jsonValue = fc.oneof(
  { depthSize: 'small' },
  scalar,
  fc.array(scalar, { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('value', 'id', '__proto__', 'constructor', 'x'), scalar, { maxKeys: 3 }),
);

// Field names the API uses, so generated bodies reach the validators behind the obvious ones.
const FIELDS = [
  'title', 'notes', 'start', 'end', 'timeZone', 'allDay', 'recurrence', 'workItemType', 'workItemId', 'assigneeIds',
  'expectedVersion', 'name', 'domains', 'clientId', 'fullName', 'email', 'phone', 'jobTitle', 'isInactive', 'password',
  'displayName', 'userType', 'roleNames', 'enabled', 'authorityTenant', 'clientSecret', 'profileId', 'domain',
  'ssoRequired', 'kind', 'baseUrl', 'tenantId', 'applicationId', 'scope', 'direction', 'providerType', 'calendarId',
  'resolution', 'merged', 'mappings', 'managedTenantId', 'action', 'fieldSync', 'value', 'clientState',
  'subscriptionId', 'resource', 'changeType', 'lifecycleEvent', 'confirm', 'scope', 'tenantIds',
];
// Valid bodies of the main writes: one field at a time replaced by a hostile value reaches deeper
// than a random object, which most validators refuse at the first field.
const VALID: Record<string, Record<string, unknown>> = {
  'POST /api/schedule-entries': { title: 'T', start: '2026-12-08T09:00:00Z', end: '2026-12-08T10:00:00Z', timeZone: 'UTC', assigneeIds: [ids.user] },
  'PATCH /api/schedule-entries/:id': { title: 'T2', recurrence: 'FREQ=DAILY;COUNT=3' },
  'POST /api/clients': { name: 'Fuzzed client', domains: ['fuzzed.example'] },
  'PATCH /api/clients/:id': { name: 'Renamed client' },
  'POST /api/contacts': { clientId: ids.client, fullName: 'C', email: 'c@example.com' },
  'PATCH /api/contacts/:id': { fullName: 'C2', phone: '123' },
  'POST /api/users': { email: 'new@example.com', displayName: 'New', userType: 'internal', password: 'a long enough password', roleNames: ['Technician'] },
  'POST /api/auth/login': { email: 'nobody@example.com', password: 'wrong password here' },
  'POST /api/microsoft/profiles': { displayName: 'P', clientId: '00000000-1111-2222-3333-444444444444', clientSecret: 's3cret' },
  'PATCH /api/microsoft/profiles/:id': { displayName: 'P2' },
  'POST /api/msp-sso/domains': { domain: 'another-example.com' },
  'PATCH /api/msp-sso/domains/:id': { ssoRequired: false },
  'PUT /api/microsoft/consumers/:consumer/binding': { profileId: ids.profile },
  'PUT /api/feature-flags/:key': { enabled: true },
  'POST /api/integrations/entra/connection': { kind: 'cipp', baseUrl: 'https://cipp.example.com', clientId: 'x', clientSecret: 'y', tenantId: 'z' },
  'POST /api/calendar/providers': { providerType: 'google' },
  'PUT /api/calendar/settings': { googleClientId: 'id.apps.googleusercontent.com', googleClientSecret: 'secret' },
};
const mutated = (base: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...Object.keys(base), ...FIELDS.slice(0, 3)), jsonValue).map(([key, value]) => ({ ...base, [key]: value }));
const bodyFor = (route: string) => (VALID[route] ? fc.oneof(mutated(VALID[route]), mutated(VALID[route]), body) : body);
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), jsonValue, { maxKeys: 6 }),
  fc.constantFrom(null, [], 'text', 42, true),
  fc.record({ value: fc.array(fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom(...FIELDS), scalar, { maxKeys: 4 })), { maxLength: 3 }) }),
);
const QUERY_KEYS = [
  'limit', 'offset', 'search', 'from', 'to', 'before', 'clientId', 'includeInactive', 'includeArchived', 'assigneeId',
  'email', 'code', 'state', 'error', 'validationToken', 'status', 'runId',
];
const query = fc.dictionary(fc.constantFrom(...QUERY_KEYS), fc.oneof(nastyString, fc.string({ maxLength: 20 })), { maxKeys: 4 });
const param = fc.oneof(
  fc.constantFrom(...Object.values(ids), '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '%00', 'msp_sso', 'calendar', 'entra-integration-ui', 'x'.repeat(500)),
  fc.uuid(),
);

// One fingerprint over every table: a refused request must not change any of them. Sessions move
// on every request (sliding expiry) and failed sign-ins are audited on purpose.
const tables = (
  await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by 1`.execute(db)
).rows.map((r) => r.name);
const fingerprintSql = tables
  .map((name) =>
    name === 'sessions'
      ? `select 'sessions' as t, count(*)::text as h from sessions`
      : name === 'audit_log'
        ? `select 'audit_log' as t, md5(coalesce(string_agg(a::text, ',' order by a.id), '')) as h from audit_log a where action <> 'auth.login_failed'`
        : `select '${name}' as t, md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as h from "${name}" x`,
  )
  .join(' union all ');
const fingerprint = async () =>
  (await sql.raw<{ t: string; h: string }>(fingerprintSql).execute(db)).rows.map((r) => `${r.t}:${r.h}`).join('\n');

const SKIP_METHODS_ON = new Set(['POST /api/auth/logout']); // would end the fuzzing session itself
const routes = testApp.routes
  .filter((r) => !SKIP_METHODS_ON.has(`${r.method} ${r.url}`))
  .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE')); // deletes last: they remove the seeded records

function urlFor(template: string, params: string[], q: Record<string, string>): string {
  let i = 0;
  const path = template
    .split('/')
    .map((part) => (part.startsWith(':') || part === '*' ? encodeURIComponent(params[i++ % params.length]) : part))
    .join('/');
  const search = new URLSearchParams(q).toString();
  return search ? `${path}?${search}` : path;
}

for (const route of routes) {
  t.test(`${route.method} ${route.url}: no 5xx and no half-write for hostile input`, async (t) => {
    let checked = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(param, { minLength: 1, maxLength: 2 }), query, bodyFor(`${route.method} ${route.url}`), fc.integer({ min: 0, max: 4 }).map((n) => n > 0), async (params, q, payload, signedIn) => {
        const url = urlFor(route.url, params, q);
        const before = await fingerprint();
        const raw = route.method === 'GET' ? undefined : JSON.stringify(payload);
        const headers = { 'content-type': 'application/json' };
        const res = signedIn ? await admin.request(route.method, url, raw, headers) : await app.inject({ method: route.method as 'GET', url, payload: raw, headers });
        if (res.statusCode >= 500) throw new Error(`${route.method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400) {
          const after = await fingerprint();
          if (after !== before) throw new Error(`${route.method} ${url} answered ${res.statusCode} but changed: ${diff(before, after)}`);
        }
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        checked++;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    t.comment(`statuses: ${[...statuses].sort().map(([code, n]) => `${code}×${n}`).join(' ')}`);
    t.equal(checked, RUNS, `${RUNS} hostile requests answered below 500, refusals wrote nothing`);
  });
}

function diff(before: string, after: string): string {
  const a = new Set(before.split('\n'));
  return after
    .split('\n')
    .filter((line) => !a.has(line))
    .map((line) => line.split(':')[0])
    .join(', ');
}
