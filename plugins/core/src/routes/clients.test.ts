import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'clients-a');
const tenantB = await seedTenant(db, 'clients-b');
const admin = await signIn(app, tenantA.admin.email);
const tech = await signIn(app, tenantA.technician.email);

const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();

t.test('creates a client, trimming the name and normalising domains', async (t) => {
  const res = await admin.request('POST', '/api/clients', { name: '  Acme Corp ', domains: ['Acme.COM', 'acme.com', 'acme.co.uk'] });
  t.equal(res.statusCode, 201);
  const created = res.json();
  t.match(created, { name: 'Acme Corp', domains: ['acme.com', 'acme.co.uk'] });
  t.match(created.id, /^[0-9a-f-]{36}$/);
  const got = await admin.request('GET', `/api/clients/${created.id}`);
  t.equal(got.statusCode, 200);
  t.same(got.json(), created);
  const audit = await db.selectFrom('audit_log').select('action').where('target_id', '=', created.id).execute();
  t.same(audit.map((a) => a.action), ['client.created']);
});

t.test('domains default to none, and a technician may create clients too', async (t) => {
  const res = await tech.request('POST', '/api/clients', { name: 'No Domains Ltd' });
  t.equal(res.statusCode, 201);
  t.same(res.json().domains, []);
});

t.test('lists clients by name with limit, offset, total and search', async (t) => {
  const other = await seedTenant(db, 'clients-list');
  const s = await signIn(app, other.admin.email);
  for (const [name, domain] of [['delta', 'delta.test'], ['Alpha', 'alpha.test'], ['charlie', 'charlie.test'], ['Bravo', 'special-bravo.test']]) {
    t.equal((await s.request('POST', '/api/clients', { name, domains: [domain] })).statusCode, 201);
  }
  // The seeded tenant already has one client ("Client of clients-list").
  const all = (await s.request('GET', '/api/clients')).json();
  t.equal(all.total, 5);
  t.same(all.items.map((c: { name: string }) => c.name), ['Alpha', 'Bravo', 'charlie', 'Client of clients-list', 'delta']);

  const page = (await s.request('GET', '/api/clients?limit=2&offset=1')).json();
  t.equal(page.total, 5, 'total counts every match, not the page');
  t.same(page.items.map((c: { name: string }) => c.name), ['Bravo', 'charlie']);

  const byName = (await s.request('GET', '/api/clients?search=ALPH')).json();
  t.same(byName.items.map((c: { name: string }) => c.name), ['Alpha']);
  t.equal(byName.total, 1);
  const byDomain = (await s.request('GET', '/api/clients?search=special-bravo')).json();
  t.same(byDomain.items.map((c: { name: string }) => c.name), ['Bravo']);
  const wildcard = (await s.request('GET', '/api/clients?search=%25')).json();
  t.equal(wildcard.total, 0, 'a % in the search is a literal, not a wildcard');
  const beyond = (await s.request('GET', '/api/clients?offset=50')).json();
  t.same(beyond, { items: [], total: 5 });
});

t.test('a partial update changes only the given fields', async (t) => {
  const created = (await admin.request('POST', '/api/clients', { name: 'Patch Me', domains: ['patch.test'] })).json();
  const renamed = await admin.request('PATCH', `/api/clients/${created.id}`, { name: 'Patched' });
  t.equal(renamed.statusCode, 200);
  t.match(renamed.json(), { name: 'Patched', domains: ['patch.test'], createdAt: created.createdAt });
  t.ok(renamed.json().updatedAt >= created.updatedAt);

  const redomained = await admin.request('PATCH', `/api/clients/${created.id}`, { domains: ['New.test'] });
  t.match(redomained.json(), { name: 'Patched', domains: ['new.test'] });
  const cleared = await admin.request('PATCH', `/api/clients/${created.id}`, { domains: [] });
  t.same(cleared.json().domains, []);
  t.equal((await admin.request('GET', `/api/clients/${created.id}`)).json().name, 'Patched');
});

t.test('deletes a client with its contacts; a second delete answers 404', async (t) => {
  const created = (await admin.request('POST', '/api/clients', { name: 'Short Lived' })).json();
  const contact = await admin.request('POST', '/api/contacts', { clientId: created.id, fullName: 'Goes Too' });
  t.equal(contact.statusCode, 201);
  const del = await admin.request('DELETE', `/api/clients/${created.id}`);
  t.equal(del.statusCode, 200);
  t.same(del.json(), { success: true });
  t.equal((await admin.request('GET', `/api/clients/${created.id}`)).statusCode, 404);
  t.equal((await admin.request('GET', `/api/contacts/${contact.json().id}`)).statusCode, 404);
  const again = await admin.request('DELETE', `/api/clients/${created.id}`);
  t.equal(again.statusCode, 404);
  t.equal(again.json().message, 'Client not found.');
});

t.test('a client that still has client-portal users cannot be deleted, and stays', async (t) => {
  const res = await admin.request('DELETE', `/api/clients/${tenantA.client.id}`);
  t.equal(res.statusCode, 409);
  t.match(res.json().message, /client-portal user/);
  t.equal((await admin.request('GET', `/api/clients/${tenantA.client.id}`)).statusCode, 200);
});

t.test('rejects bad bodies, params and queries with 400 naming the field', async (t) => {
  const cases: [string, string, unknown, string[]][] = [
    ['POST', '/api/clients', { name: '   ' }, ['name']],
    ['POST', '/api/clients', {}, ['name']],
    ['POST', '/api/clients', { name: 'x'.repeat(201) }, ['name']],
    ['POST', '/api/clients', { name: 'Ok', domains: ['not a domain'] }, ['domains.0']],
    ['POST', '/api/clients', { name: 'Ok', domains: ['ok.test', 'http://bad.test/'] }, ['domains.1']],
    ['POST', '/api/clients', { name: 'Ok', domains: 'acme.com' }, ['domains']],
    ['POST', '/api/clients', { name: 'Ok', domains: Array.from({ length: 51 }, (_, i) => `d${i}.test`) }, ['domains']],
    ['PATCH', `/api/clients/${tenantA.client.id}`, { name: '' }, ['name']],
    ['PATCH', `/api/clients/${tenantA.client.id}`, { domains: ['-bad-.test'] }, ['domains.0']],
    ['PATCH', '/api/clients/not-a-uuid', { name: 'x' }, ['params.id']],
    ['GET', '/api/clients/12345', undefined, ['params.id']],
    ['DELETE', '/api/clients/12345', undefined, ['params.id']],
    ['GET', '/api/clients?limit=0', undefined, ['querystring.limit']],
    ['GET', '/api/clients?limit=abc', undefined, ['querystring.limit']],
    ['GET', '/api/clients?offset=-1', undefined, ['querystring.offset']],
  ];
  for (const [method, url, body, fields] of cases) {
    const res = await admin.request(method, url, body);
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)?.slice(0, 60)}`);
    t.same(fieldsOf(res.json()), fields);
    t.match(res.json().message, new RegExp(`^Invalid request: ${fields[0]}: `));
  }
  const client = await db.selectFrom('clients').selectAll().where('id', '=', tenantA.client.id).executeTakeFirstOrThrow();
  t.equal(client.name, 'Client of clients-a', 'nothing was written by the rejected patches');
});

t.test('rejects a body that is not JSON', async (t) => {
  const res = await admin.request('POST', '/api/clients', '{"name": ', { 'content-type': 'application/json' });
  t.equal(res.statusCode, 400);
  t.equal(res.json().message, 'The request body is not valid JSON.');
});

t.test("another tenant's client is invisible: 404 to read, change or delete, never listed", async (t) => {
  const foreign = `/api/clients/${tenantB.client.id}`;
  const before = await db.selectFrom('clients').selectAll().where('id', '=', tenantB.client.id).executeTakeFirstOrThrow();
  for (const [method, body] of [['GET'], ['PATCH', { name: 'Hijacked', domains: ['evil.test'] }], ['DELETE']] as const) {
    const res = await admin.request(method, foreign, body);
    t.equal(res.statusCode, 404, method);
    t.equal(res.json().message, 'Client not found.');
  }
  const list = (await admin.request('GET', '/api/clients?limit=500')).json();
  t.notOk(list.items.some((c: { id: string }) => c.id === tenantB.client.id));
  t.equal((await admin.request('GET', '/api/clients?search=clients-b')).json().total, 0);
  const after = await db.selectFrom('clients').selectAll().where('id', '=', tenantB.client.id).executeTakeFirstOrThrow();
  t.same(after, before);
});

t.test('ids and tenant ids in a body are ignored, so a client cannot be moved to another tenant', async (t) => {
  const own = (await admin.request('POST', '/api/clients', { name: 'Stay Home', tenant_id: tenantB.tenantId, tenantId: tenantB.tenantId })).json();
  const res = await admin.request('PATCH', `/api/clients/${own.id}`, { name: 'Still Home', id: tenantB.client.id, tenant_id: tenantB.tenantId, tenantId: tenantB.tenantId });
  t.equal(res.statusCode, 200);
  t.same(res.json().id, own.id);
  const row = await db.selectFrom('clients').select(['id', 'tenant_id', 'name']).where('id', '=', own.id).executeTakeFirstOrThrow();
  t.same(row, { id: own.id, tenant_id: tenantA.tenantId, name: 'Still Home' });
  t.equal((await db.selectFrom('clients').select('name').where('id', '=', tenantB.client.id).executeTakeFirstOrThrow()).name, 'Client of clients-b');
});

t.test('client-portal users may not use the client routes', async (t) => {
  const portal = await signIn(app, tenantA.clientUser.email);
  const attempts = [
    await portal.request('GET', '/api/clients'),
    await portal.request('GET', `/api/clients/${tenantA.client.id}`),
    await portal.request('POST', '/api/clients', { name: 'Portal made' }),
    await portal.request('PATCH', `/api/clients/${tenantA.client.id}`, { name: 'Portal renamed' }),
    await portal.request('DELETE', `/api/clients/${tenantA.client.id}`),
  ];
  t.same(attempts.map((r) => r.statusCode), [403, 403, 403, 403, 403]);
  t.equal(attempts[0].json().message, 'This area is only available to MSP staff.');
  const names = await db.selectFrom('clients').select('name').where('tenant_id', '=', tenantA.tenantId).execute();
  t.notOk(names.some((c) => c.name.startsWith('Portal')));
});
