import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'contacts-a');
const tenantB = await seedTenant(db, 'contacts-b');
const admin = await signIn(app, tenantA.admin.email);
const adminB = await signIn(app, tenantB.admin.email);
const foreignContact = (await adminB.request('POST', '/api/contacts', { clientId: tenantB.client.id, fullName: 'Bea Foreign', email: 'bea@b.test' })).json();

const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();

t.test('creates a contact at a client and reads it back', async (t) => {
  const res = await admin.request('POST', '/api/contacts', {
    clientId: tenantA.client.id,
    fullName: ' Jane Doe ',
    email: 'Jane.Doe@Example.COM',
    phone: '+49 30 1234',
    jobTitle: 'CTO',
  });
  t.equal(res.statusCode, 201);
  const created = res.json();
  t.match(created, { clientId: tenantA.client.id, fullName: 'Jane Doe', email: 'jane.doe@example.com', phone: '+49 30 1234', jobTitle: 'CTO', isInactive: false });
  t.same((await admin.request('GET', `/api/contacts/${created.id}`)).json(), created);
});

t.test('optional fields default to null, and a pasted email with spaces is accepted', async (t) => {
  const res = await admin.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'Min Imal', email: '  min@example.com ', phone: '' });
  t.equal(res.statusCode, 201);
  t.match(res.json(), { email: 'min@example.com', phone: null, jobTitle: null, isInactive: false });
});

t.test('lists contacts with paging, total, search, client filter and inactive filter', async (t) => {
  const other = await seedTenant(db, 'contacts-list');
  const s = await signIn(app, other.admin.email);
  const second = (await s.request('POST', '/api/clients', { name: 'Second' })).json();
  const add = (clientId: string, fullName: string, email: string, isInactive = false) =>
    s.request('POST', '/api/contacts', { clientId, fullName, email, isInactive });
  await add(other.client.id, 'carol', 'carol@one.test');
  await add(other.client.id, 'Alice', 'alice@one.test');
  await add(second.id, 'Bob', 'bob@two.test');
  await add(second.id, 'Dave Gone', 'dave@two.test', true);

  const all = (await s.request('GET', '/api/contacts')).json();
  t.equal(all.total, 3, 'inactive contacts are left out by default');
  t.same(all.items.map((c: { fullName: string }) => c.fullName), ['Alice', 'Bob', 'carol']);
  const withInactive = (await s.request('GET', '/api/contacts?includeInactive=true')).json();
  t.equal(withInactive.total, 4);
  const page = (await s.request('GET', '/api/contacts?includeInactive=true&limit=2&offset=2')).json();
  t.same(page.items.map((c: { fullName: string }) => c.fullName), ['carol', 'Dave Gone']);
  t.equal(page.total, 4);
  const ofSecond = (await s.request('GET', `/api/contacts?clientId=${second.id}`)).json();
  t.same(ofSecond.items.map((c: { fullName: string }) => c.fullName), ['Bob']);
  const byEmail = (await s.request('GET', '/api/contacts?search=ONE.TEST')).json();
  t.same(byEmail.items.map((c: { fullName: string }) => c.fullName), ['Alice', 'carol']);
  const byName = (await s.request('GET', '/api/contacts?search=ali')).json();
  t.equal(byName.total, 1);
  t.same((await s.request('GET', '/api/contacts?search=_')).json().total, 0, 'an underscore is a literal');
});

t.test('a partial update changes only the given fields; null or empty clears optional ones', async (t) => {
  const created = (
    await admin.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'Pat Partial', email: 'pat@example.com', phone: '111', jobTitle: 'Ops' })
  ).json();
  const res = await admin.request('PATCH', `/api/contacts/${created.id}`, { jobTitle: 'Head of Ops' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { fullName: 'Pat Partial', email: 'pat@example.com', phone: '111', jobTitle: 'Head of Ops', isInactive: false });
  const cleared = await admin.request('PATCH', `/api/contacts/${created.id}`, { phone: '', email: null });
  t.match(cleared.json(), { phone: null, email: null, jobTitle: 'Head of Ops', fullName: 'Pat Partial' });
  const inactive = await admin.request('PATCH', `/api/contacts/${created.id}`, { isInactive: true });
  t.match(inactive.json(), { isInactive: true, jobTitle: 'Head of Ops' });

  const otherClient = (await admin.request('POST', '/api/clients', { name: 'Move Target' })).json();
  const moved = await admin.request('PATCH', `/api/contacts/${created.id}`, { clientId: otherClient.id });
  t.equal(moved.json().clientId, otherClient.id);
});

t.test('deletes a contact; a second delete answers 404', async (t) => {
  const created = (await admin.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'Del Me' })).json();
  t.equal((await admin.request('DELETE', `/api/contacts/${created.id}`)).statusCode, 200);
  t.equal((await admin.request('GET', `/api/contacts/${created.id}`)).statusCode, 404);
  const again = await admin.request('DELETE', `/api/contacts/${created.id}`);
  t.equal(again.statusCode, 404);
  t.equal(again.json().message, 'Contact not found.');
});

t.test('rejects bad bodies, params and queries with 400 naming the field', async (t) => {
  const existing = (await admin.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'Stays Put', email: 'stays@example.com' })).json();
  const ok = { clientId: tenantA.client.id, fullName: 'Valid Name' };
  const cases: [string, string, unknown, string[]][] = [
    ['POST', '/api/contacts', { ...ok, fullName: '' }, ['fullName']],
    ['POST', '/api/contacts', { fullName: 'No Client' }, ['clientId']],
    ['POST', '/api/contacts', { ...ok, clientId: 'abc' }, ['clientId']],
    ['POST', '/api/contacts', { ...ok, email: 'not-an-email' }, ['email']],
    ['POST', '/api/contacts', { ...ok, isInactive: 'yes' }, ['isInactive']],
    ['POST', '/api/contacts', { ...ok, phone: '1'.repeat(51) }, ['phone']],
    ['POST', '/api/contacts', { ...ok, clientId: '00000000-0000-4000-8000-000000000000' }, ['clientId']],
    ['PATCH', `/api/contacts/${existing.id}`, { email: 'still@bad' }, ['email']],
    ['PATCH', `/api/contacts/${existing.id}`, { fullName: '  ' }, ['fullName']],
    ['PATCH', `/api/contacts/${existing.id}`, { clientId: '00000000-0000-4000-8000-000000000000' }, ['clientId']],
    ['PATCH', '/api/contacts/nope', { fullName: 'x' }, ['params.id']],
    ['GET', '/api/contacts/nope', undefined, ['params.id']],
    ['DELETE', '/api/contacts/nope', undefined, ['params.id']],
    ['GET', '/api/contacts?clientId=nope', undefined, ['querystring.clientId']],
    ['GET', '/api/contacts?includeInactive=maybe', undefined, ['querystring.includeInactive']],
    ['GET', '/api/contacts?limit=501', undefined, ['querystring.limit']],
  ];
  for (const [method, url, body, fields] of cases) {
    const res = await admin.request(method, url, body);
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}`);
    t.same(fieldsOf(res.json()), fields);
    t.match(res.json().message, new RegExp(`${fields[0]}: `));
  }
  const invalidJson = await admin.request('PATCH', `/api/contacts/${existing.id}`, '{fullName:', { 'content-type': 'application/json' });
  t.equal(invalidJson.statusCode, 400);
  t.equal(invalidJson.json().message, 'The request body is not valid JSON.');
  t.same((await admin.request('GET', `/api/contacts/${existing.id}`)).json(), existing, 'rejected patches changed nothing');
});

t.test("another tenant's contact is invisible: 404 to read, change or delete, never listed", async (t) => {
  const before = await db.selectFrom('contacts').selectAll().where('id', '=', foreignContact.id).executeTakeFirstOrThrow();
  for (const [method, body] of [['GET'], ['PATCH', { fullName: 'Hijacked', clientId: tenantA.client.id }], ['DELETE']] as const) {
    const res = await admin.request(method, `/api/contacts/${foreignContact.id}`, body);
    t.equal(res.statusCode, 404, method);
    t.equal(res.json().message, 'Contact not found.');
  }
  const list = (await admin.request('GET', '/api/contacts?includeInactive=true&limit=500')).json();
  t.notOk(list.items.some((c: { id: string }) => c.id === foreignContact.id));
  t.equal((await admin.request('GET', '/api/contacts?search=bea')).json().total, 0);
  t.equal((await admin.request('GET', `/api/contacts?clientId=${tenantB.client.id}`)).json().total, 0);
  t.same(await db.selectFrom('contacts').selectAll().where('id', '=', foreignContact.id).executeTakeFirstOrThrow(), before);
});

t.test("a contact cannot be put at another tenant's client", async (t) => {
  const created = await admin.request('POST', '/api/contacts', { clientId: tenantB.client.id, fullName: 'Smuggled' });
  t.equal(created.statusCode, 400);
  t.same(created.json().fields, [{ field: 'clientId', message: 'no such client' }]);
  const own = (await admin.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'Mine' })).json();
  const moved = await admin.request('PATCH', `/api/contacts/${own.id}`, { clientId: tenantB.client.id });
  t.equal(moved.statusCode, 400);
  t.equal(moved.json().message, 'Invalid request: clientId: no such client');
  t.equal((await admin.request('GET', `/api/contacts/${own.id}`)).json().clientId, tenantA.client.id);
  const smuggled = await db.selectFrom('contacts').select('id').where('client_id', '=', tenantB.client.id).execute();
  t.same(smuggled.map((c) => c.id), [foreignContact.id]);
});

t.test('client-portal users may not use the contact routes', async (t) => {
  const portal = await signIn(app, tenantA.clientUser.email);
  const own = (await admin.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'Portal Target' })).json();
  const codes = [
    (await portal.request('GET', '/api/contacts')).statusCode,
    (await portal.request('GET', `/api/contacts/${own.id}`)).statusCode,
    (await portal.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'Portal made' })).statusCode,
    (await portal.request('PATCH', `/api/contacts/${own.id}`, { fullName: 'Portal renamed' })).statusCode,
    (await portal.request('DELETE', `/api/contacts/${own.id}`)).statusCode,
  ];
  t.same(codes, [403, 403, 403, 403, 403]);
  t.same((await admin.request('GET', `/api/contacts/${own.id}`)).json(), own);
});
