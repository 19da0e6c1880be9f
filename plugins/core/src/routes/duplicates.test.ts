// Possible duplicates: a client whose name or domain matches an existing one, or a contact whose email
// another contact uses, is answered 409 possible_duplicate with the existing records; ?confirm=true
// saves anyway. Only the tenant's own records ever match.
import t from 'tap';
import { buildTestApp, seedTenant, signIn, type Session } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'dup-a');
const tenantB = await seedTenant(db, 'dup-b');
const admin = await signIn(app, tenantA.admin.email);
const otherAdmin = await signIn(app, tenantB.admin.email);

const clientCount = async (tenantId: string) =>
  Number((await db.selectFrom('clients').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n);

async function create(s: Session, body: object, confirm = false) {
  return s.request('POST', `/api/clients${confirm ? '?confirm=true' : ''}`, body);
}

const acme = (await create(admin, { name: 'Acme Corporation', domains: ['acme.test'] })).json();

t.test('a client with the same name, whatever its case, spacing, punctuation or legal suffix, is refused with the existing one', async (t) => {
  for (const name of ['Acme Corporation', 'ACME corporation', '  acme   corporation ', 'Acme, Inc.', 'Acme LLC', 'A.C.M.E. Ltd', 'Acme Pty Ltd', 'Acme GmbH', 'Acme B.V.', 'Ácme']) {
    const before = await clientCount(tenantA.tenantId);
    const res = await create(admin, { name });
    t.equal(res.statusCode, 409, name);
    t.match(res.json(), {
      code: 'possible_duplicate',
      existing: [{ id: acme.id, name: 'Acme Corporation', url: `/clients/${acme.id}` }],
    });
    t.match(res.json().message, /"Acme Corporation" \(same name\)/);
    t.equal(await clientCount(tenantA.tenantId), before, 'nothing was created');
  }
});

t.test('a client one of whose domains another client has is refused, naming the domain', async (t) => {
  const res = await create(admin, { name: 'Totally Different', domains: ['other.test', 'ACME.test'] });
  t.equal(res.statusCode, 409);
  t.same(res.json().existing, [{ id: acme.id, name: 'Acme Corporation', url: `/clients/${acme.id}` }]);
  t.equal(res.json().message, 'A client like this already exists: "Acme Corporation" (also has acme.test). Open it, or save this one anyway.');
});

t.test('?confirm=true creates it anyway, and the audit says which client it was confirmed past', async (t) => {
  const res = await create(admin, { name: 'Acme Inc', domains: ['acme.test'] }, true);
  t.equal(res.statusCode, 201);
  t.equal(res.json().name, 'Acme Inc');
  const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', res.json().id).executeTakeFirstOrThrow();
  t.same(audit, { action: 'client.created', details: { duplicateOf: [acme.id] } });

  // Now both match, the one with the same name key first.
  const again = await create(admin, { name: 'acme', domains: [] });
  t.equal(again.statusCode, 409);
  t.same(
    again.json().existing.map((e: { name: string }) => e.name),
    ['Acme Corporation', 'Acme Inc'],
  );
  t.match(again.json().message, /^Clients like this already exist: "Acme Corporation" \(same name\), "Acme Inc" \(same name\)\./);
});

t.test('no warning when nothing matches: similar but different names, a suffix alone, a sub-domain', async (t) => {
  for (const body of [
    { name: 'Acme Logistics', domains: ['logistics.acme-group.test'] },
    { name: 'Acmes' },
    { name: 'Co Op Foods' },
    { name: 'Co' },
    { name: 'Corp' },
    { name: 'Bravo', domains: ['mail.acme.test'] },
  ]) {
    const res = await create(admin, body);
    t.equal(res.statusCode, 201, body.name);
  }
  t.equal((await create(admin, { name: 'Co Op Foods Ltd' })).statusCode, 409, 'the kept "Co" still compares');
});

t.test('another tenant\'s clients never match and never leak', async (t) => {
  const res = await create(otherAdmin, { name: 'Acme Corporation', domains: ['acme.test'] });
  t.equal(res.statusCode, 201);
  const mine = await create(otherAdmin, { name: 'ACME corp' });
  t.equal(mine.statusCode, 409);
  t.same(mine.json().existing, [{ id: res.json().id, name: 'Acme Corporation', url: `/clients/${res.json().id}` }], 'only its own client');
});

t.test('rename or domain edit: warns only about what changes', async (t) => {
  const beta = (await create(admin, { name: 'Beta Works', domains: ['beta.test'] })).json();
  const recase = await admin.request('PATCH', `/api/clients/${beta.id}`, { name: 'BETA WORKS Ltd', domains: ['beta.test'] });
  t.equal(recase.statusCode, 200, 'the same name key and its own domain are no duplicate of itself');

  const rename = await admin.request('PATCH', `/api/clients/${beta.id}`, { name: 'Acme Corp.' });
  t.equal(rename.statusCode, 409);
  t.equal(rename.json().code, 'possible_duplicate');
  t.equal((await admin.request('GET', `/api/clients/${beta.id}`)).json().name, 'BETA WORKS Ltd', 'not renamed');

  const domain = await admin.request('PATCH', `/api/clients/${beta.id}`, { domains: ['beta.test', 'acme.test'] });
  t.equal(domain.statusCode, 409);
  t.match(domain.json().message, /also has acme\.test/);

  const confirmed = await admin.request('PATCH', `/api/clients/${beta.id}?confirm=true`, { name: 'Acme Corp.' });
  t.equal(confirmed.statusCode, 200);
  t.equal(confirmed.json().name, 'Acme Corp.');
  // Editing something else on a client already confirmed as a duplicate does not warn again.
  t.equal((await admin.request('PATCH', `/api/clients/${beta.id}`, { name: 'Acme Corp.', domains: ['beta.test', 'new-beta.test'] })).statusCode, 200);
  t.equal((await admin.request('PATCH', `/api/clients/${beta.id}?confirm=maybe`, { name: 'x' })).statusCode, 400, 'confirm is true or false');
});

t.test('a contact with an email another contact of the tenant uses is refused, whatever its case', async (t) => {
  const jane = (await admin.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'Jane Doe', email: 'jane@acme.test' })).json();
  const res = await admin.request('POST', '/api/contacts', { clientId: tenantA.client.id, fullName: 'J. Doe', email: ' Jane@ACME.test ' });
  t.equal(res.statusCode, 409);
  t.same(res.json().existing, [
    { id: jane.id, name: 'Jane Doe', clientId: acme.id, clientName: 'Acme Corporation', url: '/contacts?search=jane%40acme.test&includeInactive=true' },
  ]);
  t.equal(res.json().message, 'Another contact already uses jane@acme.test: Jane Doe (Acme Corporation). Open the existing contact, or save this one anyway.');
  t.equal(res.json().code, 'possible_duplicate');

  // Stored before the API lowercased emails (or by a sync): still found.
  await db.updateTable('contacts').set({ email: 'Jane@Acme.TEST', is_inactive: true }).where('id', '=', jane.id).execute();
  t.equal((await admin.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'Jane', email: 'jane@acme.test' })).statusCode, 409, 'inactive contacts count too');

  const confirmed = await admin.request('POST', '/api/contacts?confirm=true', { clientId: acme.id, fullName: 'Jane Again', email: 'jane@acme.test' });
  t.equal(confirmed.statusCode, 201);
  const audit = await db.selectFrom('audit_log').select('details').where('target_id', '=', confirmed.json().id).executeTakeFirstOrThrow();
  t.same(audit.details, { duplicateOf: [jane.id] });
});

t.test('contacts: no warning without an email or with a new one; other tenants never match', async (t) => {
  t.equal((await admin.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'No Email' })).statusCode, 201);
  t.equal((await admin.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'Also No Email', email: null })).statusCode, 201);
  t.equal((await admin.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'Sam', email: 'sam@acme.test' })).statusCode, 201);
  const other = await otherAdmin.request('POST', '/api/contacts', { clientId: tenantB.client.id, fullName: 'Sam B', email: 'sam@acme.test' });
  t.equal(other.statusCode, 201, 'the same email in another tenant is no duplicate');
});

t.test('contacts: changing the email to one in use warns; keeping it does not', async (t) => {
  const a = (await admin.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'Ann', email: 'ann@acme.test' })).json();
  const b = (await admin.request('POST', '/api/contacts', { clientId: acme.id, fullName: 'Bob', email: 'bob@acme.test' })).json();
  t.equal((await admin.request('PATCH', `/api/contacts/${a.id}`, { fullName: 'Ann B', email: 'ANN@acme.test' })).statusCode, 200);
  const clash = await admin.request('PATCH', `/api/contacts/${b.id}`, { email: 'ann@acme.test' });
  t.equal(clash.statusCode, 409);
  t.same(
    clash.json().existing.map((e: { id: string }) => e.id),
    [a.id],
  );
  t.equal((await admin.request('GET', `/api/contacts/${b.id}`)).json().email, 'bob@acme.test');
  t.equal((await admin.request('PATCH', `/api/contacts/${b.id}?confirm=true`, { email: 'ann@acme.test' })).statusCode, 200);
});
