// Races: N identical requests at once must end like N requests in a row: one success, readable
// 409s or 404s for the rest, one row and one audit entry, never a 500 or a half-written record.
// Meaningful on PostgreSQL (TEST_DATABASE_URL), where the requests really overlap; the embedded
// database runs them one after another, and the same assertions hold there.
import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, seedTenant, signIn, TEST_PASSWORD } from '@switchboard/testing';

const N = 10;
const ctx = await buildTestApp({ edition: 'ee' });
t.teardown(ctx.close);
const { app, db } = ctx;
const a = await seedTenant(db, 'race-a');
const b = await seedTenant(db, 'race-b');
const admin = await signIn(app, a.admin.email);
const adminB = await signIn(app, b.admin.email);

/** The same request N times at once. */
const times = (n: number, send: (i: number) => Promise<LightMyRequestResponse>) => Promise.all(Array.from({ length: n }, (_, i) => send(i)));

/** How many responses had each status code, e.g. `{ 201: 1, 409: 9 }`. */
const tally = (responses: LightMyRequestResponse[]) =>
  responses.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.statusCode]: (acc[r.statusCode] ?? 0) + 1 }), {});

const messagesOf = (responses: LightMyRequestResponse[], status: number) => [...new Set(responses.filter((r) => r.statusCode === status).map((r) => r.json().message))];

const auditRows = (action: string, targetId?: string) => {
  let q = db.selectFrom('audit_log').select(['target_id', 'details']).where('action', '=', action);
  if (targetId) q = q.where('target_id', '=', targetId);
  return q.execute();
};

const newUser = (email: string, extra: Record<string, unknown> = {}) => ({ email, displayName: 'Racer', userType: 'internal', password: TEST_PASSWORD, ...extra });

t.test('ten creates of one email: one user, nine 409s saying the address cannot be used', async (t) => {
  const responses = await times(N, (i) => admin.request('POST', '/api/users', newUser(i % 2 ? 'Same.Person@race-a.test' : 'same.person@race-a.test')));
  t.same(tally(responses), { 201: 1, 409: N - 1 });
  t.same(messagesOf(responses, 409), ["This email address can't be used for a new user."]);
  const rows = await db.selectFrom('users').select('id').where('email', '=', 'same.person@race-a.test').execute();
  t.equal(rows.length, 1);
  t.equal((await auditRows('user.created', rows[0].id)).length, 1, 'one audit row');
});

t.test('two tenants creating one email at once: one user; the loser cannot tell where it went', async (t) => {
  const responses = await times(N, (i) => (i % 2 ? adminB : admin).request('POST', '/api/users', newUser('contested@race.test')));
  t.same(tally(responses), { 201: 1, 409: N - 1 });
  t.same(messagesOf(responses, 409), ["This email address can't be used for a new user."]);
  t.equal((await db.selectFrom('users').select('id').where('email', '=', 'contested@race.test').execute()).length, 1);
});

/** A fresh client of tenant A. */
async function newClient(name: string): Promise<string> {
  const res = await admin.request('POST', '/api/clients', { name });
  if (res.statusCode !== 201) throw new Error(`client setup failed: ${res.body}`);
  return res.json().id;
}

const CLIENT_GONE = 'This client was deleted.';
const CLIENT_IN_USE = /^This client still has client-portal users/;

t.test('deleting a client while portal users are created for it: either the client goes or the users stay', async (t) => {
  for (let round = 0; round < 3; round++) {
    const clientId = await newClient(`Contested ${round}`);
    // Without a password (no hashing) the inserts and the delete really overlap; the delete goes
    // first, in the middle or last, so each ordering of the race gets its chance.
    const creates = Array.from({ length: 4 }, (_, i) => () => admin.request('POST', '/api/users', newUser(`portal-${round}-${i}@race-a.test`, { userType: 'client', clientId, password: undefined })));
    const removal = () => admin.request('DELETE', `/api/clients/${clientId}`);
    const auditedBefore = (await auditRows('user.created')).length;
    const order = [...creates.slice(0, round * 2), removal, ...creates.slice(round * 2)];
    const responses = await Promise.all(order.map((send) => send()));
    const deleted = responses[round * 2];
    const created = responses.filter((r) => r !== deleted);
    const label = `round ${round}`;
    for (const res of created) {
      t.ok([201, 400, 409].includes(res.statusCode), `${label}: create answers ${res.statusCode} ${res.body}`);
      if (res.statusCode === 409) t.equal(res.json().message, CLIENT_GONE, label);
      if (res.statusCode === 400) t.same(res.json().fields.map((f: { field: string }) => f.field), ['clientId'], label);
    }
    const portalUsers = await db.selectFrom('users').select('id').where('client_id', '=', clientId).execute();
    const clientRow = await db.selectFrom('clients').select('id').where('id', '=', clientId).executeTakeFirst();
    const createdCount = created.filter((r) => r.statusCode === 201).length;
    if (deleted.statusCode === 200) {
      t.notOk(clientRow, `${label}: deleted`);
      t.equal(createdCount, 0, `${label}: no user was created for a deleted client`);
      t.equal((await auditRows('client.deleted', clientId)).length, 1);
    } else {
      t.equal(deleted.statusCode, 409, `${label}: delete answers ${deleted.statusCode} ${deleted.body}`);
      t.match(deleted.json().message, CLIENT_IN_USE, label);
      t.ok(clientRow, `${label}: the client stays`);
      t.equal((await auditRows('client.deleted', clientId)).length, 0);
    }
    t.equal(portalUsers.length, createdCount, `${label}: every 201 is a stored user, and nothing else`);
    t.equal((await auditRows('user.created')).length - auditedBefore, createdCount, `${label}: one audit row per stored user`);
  }
});

t.test('deleting a client while contacts are added to it: no contact outlives its client', async (t) => {
  for (let round = 0; round < 3; round++) {
    const clientId = await newClient(`Busy ${round}`);
    const adds = Array.from({ length: 4 }, (_, i) => admin.request('POST', '/api/contacts', { clientId, fullName: `Contact ${round}-${i}` }));
    const [deleted, ...added] = await Promise.all([admin.request('DELETE', `/api/clients/${clientId}`), ...adds]);
    t.equal(deleted.statusCode, 200, `round ${round}: contacts never block a delete`);
    for (const res of added) {
      t.ok([201, 400, 409].includes(res.statusCode), `round ${round}: add answers ${res.statusCode} ${res.body}`);
      if (res.statusCode === 409) t.equal(res.json().message, CLIENT_GONE);
    }
    t.same(await db.selectFrom('contacts').select('id').where('client_id', '=', clientId).execute(), [], `round ${round}: no orphan contact`);
  }
});

t.test('ten deletes of one client: one 200 and one audit row, the rest 404', async (t) => {
  const clientId = await newClient('Deleted ten times');
  const responses = await times(N, () => admin.request('DELETE', `/api/clients/${clientId}`));
  t.same(tally(responses), { 200: 1, 404: N - 1 });
  t.same(messagesOf(responses, 404), ['Client not found.']);
  t.equal((await auditRows('client.deleted', clientId)).length, 1);
});

t.test('ten deletes of one contact: one 200 and one audit row, the rest 404', async (t) => {
  const contact = (await admin.request('POST', '/api/contacts', { clientId: a.client.id, fullName: 'Short-lived' })).json();
  const responses = await times(N, () => admin.request('DELETE', `/api/contacts/${contact.id}`));
  t.same(tally(responses), { 200: 1, 404: N - 1 });
  t.same(messagesOf(responses, 404), ['Contact not found.']);
  t.equal((await auditRows('contact.deleted', contact.id)).length, 1);
});

t.test('ten adds of one login domain from two tenants: one pending row per tenant (pending squats nothing); the rest 409 "already on your list"', async (t) => {
  const responses = await times(N, (i) => (i < 6 ? admin : adminB).request('POST', '/api/msp-sso/domains', { domain: i % 2 ? 'Raced.test' : 'raced.test' }));
  t.same(tally(responses), { 201: 2, 409: N - 2 }, 'one winner per tenant');
  t.same(messagesOf(responses, 409), ['raced.test is already on your list.']);
  const rows = await db.selectFrom('msp_sso_login_domains').select(['id', 'tenant_id', 'status']).where('domain', '=', 'raced.test').execute();
  t.same(rows.map((r) => r.tenant_id).sort(), [a.tenantId, b.tenantId].sort());
  t.ok(rows.every((r) => r.status === 'pending'));
  for (const row of rows) t.equal((await auditRows('msp_sso_domain.added', row.id)).length, 1);
});

const profileInput = (displayName: string) => ({ displayName, clientId: '00000000-1111-2222-3333-444444444444', clientSecret: 'Race~profile-secret-0123456789' });

t.test('ten creates of one Microsoft profile name: one profile, nine 409s naming it', async (t) => {
  const responses = await times(N, () => admin.request('POST', '/api/microsoft/profiles', profileInput('Raced profile')));
  t.same(tally(responses), { 201: 1, 409: N - 1 });
  t.same(messagesOf(responses, 409), ['An active Microsoft profile named "Raced profile" already exists. Choose another name.']);
  const rows = await db.selectFrom('microsoft_profiles').select('id').where('display_name', '=', 'Raced profile').execute();
  t.equal(rows.length, 1);
  t.equal((await auditRows('microsoft_profile.created', rows[0].id)).length, 1);
  t.equal((await db.selectFrom('tenant_secrets').select('name').where('name', 'like', 'microsoft_profile:%').where('tenant_id', '=', a.tenantId).execute()).length, 1, 'one secret');
});

t.test('ten deletes of one Microsoft profile: one 200, one audit row, its secret gone', async (t) => {
  const profile = (await admin.request('POST', '/api/microsoft/profiles', profileInput('Short-lived profile'))).json();
  const responses = await times(N, () => admin.request('DELETE', `/api/microsoft/profiles/${profile.id}`));
  t.same(tally(responses), { 200: 1, 404: N - 1 });
  t.equal((await auditRows('microsoft_profile.deleted', profile.id)).length, 1);
  t.equal(await app.secrets.has(db, a.tenantId, `microsoft_profile:${profile.id}:client_secret`), false);
});

t.test('ten feature-flag changes at once: all applied in some order, one override row', async (t) => {
  const responses = await times(N, (i) => admin.request('PUT', '/api/feature-flags/entra-integration-ui', { enabled: i % 2 === 0 }));
  t.same(tally(responses), { 200: N });
  const rows = await db.selectFrom('feature_flag_tenants').select('enabled').where('tenant_id', '=', a.tenantId).execute();
  t.equal(rows.length, 1);
  t.equal((await auditRows('feature_flag.set')).filter((r) => r.target_id === 'entra-integration-ui').length, N, 'each change audited');
});
