import t from 'tap';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';

const SECRET = 'Xy8Q~profile-secret-never-shown-0123456789';
const ROTATED = 'Zz9R~rotated-secret-also-never-shown-987654';

const ctx = await buildTestApp({ edition: 'ee' });
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'msp-a');
const tenantB = await seedTenant(db, 'msp-b');
const admin = await signIn(app, tenantA.admin.email);
const viewer = await signIn(app, tenantA.viewer.email);
const tech = await signIn(app, tenantA.technician.email);
const portal = await signIn(app, tenantA.clientUser.email);
const adminB = await signIn(app, tenantB.admin.email);

let n = 0;
const input = (overrides: Record<string, unknown> = {}) => ({
  displayName: `Profile ${++n}`,
  clientId: `0000000${n % 10}-1111-2222-3333-444444444444`,
  clientSecret: SECRET,
  ...overrides,
});

t.test('creates a profile; the secret is stored encrypted and only reported as hasClientSecret', async (t) => {
  const res = await admin.request('POST', '/api/microsoft/profiles', input({ displayName: '  Contoso Main ', authorityTenant: 'Contoso.onmicrosoft.com' }));
  t.equal(res.statusCode, 201);
  const profile = res.json();
  t.match(profile, { displayName: 'Contoso Main', authorityTenant: 'contoso.onmicrosoft.com', hasClientSecret: true, isArchived: false, archivedAt: null, usedBy: [] });
  t.notOk(res.body.includes(SECRET), 'the secret is not echoed');
  t.notOk('clientSecret' in profile);
  const stored = await db.selectFrom('tenant_secrets').select(['name', 'ciphertext']).where('tenant_id', '=', tenantA.tenantId).execute();
  const row = stored.find((s) => s.name === `microsoft_profile:${profile.id}:client_secret`);
  t.ok(row, 'the secret is in the secret store');
  t.notOk(row!.ciphertext.toString('utf8').includes(SECRET), 'and encrypted');
  const listed = (await viewer.request('GET', '/api/microsoft/profiles')).json();
  t.ok(listed.items.some((p: { id: string }) => p.id === profile.id), 'a settings viewer can list profiles');
  t.notOk(JSON.stringify(listed).includes(SECRET));
  const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', profile.id).execute();
  t.same(audit.map((a) => a.action), ['microsoft_profile.created']);
  t.notOk(JSON.stringify(audit).includes(SECRET));
});

t.test('defaults the authority to common and validates every field with a readable message', async (t) => {
  const ok = await admin.request('POST', '/api/microsoft/profiles', input());
  t.equal(ok.json().authorityTenant, 'common');
  const bad = await admin.request('POST', '/api/microsoft/profiles', { displayName: '', clientId: 'not-a-guid', authorityTenant: 'no spaces please', clientSecret: '  ' });
  t.equal(bad.statusCode, 400);
  t.same(bad.json().fields.map((f: { field: string }) => f.field).sort(), ['authorityTenant', 'clientId', 'clientSecret', 'displayName']);
  t.match(bad.json().message, /client\) ID from Azure/);
  const missing = await admin.request('POST', '/api/microsoft/profiles', { displayName: 'No secret', clientId: '00000000-1111-2222-3333-444444444444' });
  t.equal(missing.statusCode, 400);
  t.match(missing.json().message, /clientSecret/);
});

t.test('display names are unique among active profiles of a tenant, ignoring case', async (t) => {
  t.equal((await admin.request('POST', '/api/microsoft/profiles', input({ displayName: 'Helpdesk App' }))).statusCode, 201);
  const dup = await admin.request('POST', '/api/microsoft/profiles', input({ displayName: 'HELPDESK app' }));
  t.equal(dup.statusCode, 409);
  t.match(dup.json().message, /already exists/);
  t.equal((await adminB.request('POST', '/api/microsoft/profiles', input({ displayName: 'Helpdesk App' }))).statusCode, 201, 'another tenant may use the name');

  // An archived profile frees its name; unarchiving it while the name is taken again is refused.
  const old = (await admin.request('POST', '/api/microsoft/profiles', input({ displayName: 'Reused Name' }))).json();
  t.equal((await admin.request('POST', `/api/microsoft/profiles/${old.id}/archive`)).statusCode, 200);
  t.equal((await admin.request('POST', '/api/microsoft/profiles', input({ displayName: 'reused name' }))).statusCode, 201);
  const unarchive = await admin.request('POST', `/api/microsoft/profiles/${old.id}/unarchive`);
  t.equal(unarchive.statusCode, 409);
  t.match(unarchive.json().message, /"Reused Name" already exists/);

  const other = (await admin.request('POST', '/api/microsoft/profiles', input())).json();
  const rename = await admin.request('PATCH', `/api/microsoft/profiles/${other.id}`, { displayName: 'helpdesk APP' });
  t.equal(rename.statusCode, 409);
});

t.test('update changes only the given fields and replaces the secret without returning it', async (t) => {
  const created = (await admin.request('POST', '/api/microsoft/profiles', input({ authorityTenant: 'organizations' }))).json();
  const res = await admin.request('PATCH', `/api/microsoft/profiles/${created.id}`, { displayName: 'Renamed', clientSecret: ROTATED });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { displayName: 'Renamed', clientId: created.clientId, authorityTenant: 'organizations', hasClientSecret: true });
  t.notOk(res.body.includes(ROTATED));
  t.equal(await app.secrets.get(db, tenantA.tenantId, `microsoft_profile:${created.id}:client_secret`), ROTATED, 'the new secret replaced the old');
  const audit = await db.selectFrom('audit_log').select('details').where('target_id', '=', created.id).where('action', '=', 'microsoft_profile.updated').executeTakeFirstOrThrow();
  t.same(audit.details, { fields: ['clientSecret', 'displayName'] }, 'the audit names the fields, never the value');
});

t.test('archive and unarchive; an archived profile cannot be edited', async (t) => {
  const created = (await admin.request('POST', '/api/microsoft/profiles', input())).json();
  const archived = await admin.request('POST', `/api/microsoft/profiles/${created.id}/archive`);
  t.match(archived.json(), { isArchived: true });
  t.ok(archived.json().archivedAt);
  const active = (await admin.request('GET', '/api/microsoft/profiles')).json().items;
  t.notOk(active.some((p: { id: string }) => p.id === created.id), 'archived profiles are hidden by default');
  const all = (await admin.request('GET', '/api/microsoft/profiles?includeArchived=true')).json().items;
  t.ok(all.some((p: { id: string }) => p.id === created.id));
  const edit = await admin.request('PATCH', `/api/microsoft/profiles/${created.id}`, { displayName: 'Nope' });
  t.equal(edit.statusCode, 409);
  t.match(edit.json().message, /Unarchive it/);
  const back = await admin.request('POST', `/api/microsoft/profiles/${created.id}/unarchive`);
  t.match(back.json(), { isArchived: false, archivedAt: null });
});

t.test('delete removes the profile and its secret', async (t) => {
  const created = (await admin.request('POST', '/api/microsoft/profiles', input())).json();
  t.equal((await admin.request('DELETE', `/api/microsoft/profiles/${created.id}`)).statusCode, 200);
  t.equal((await admin.request('GET', `/api/microsoft/profiles/${created.id}`)).statusCode, 404);
  t.equal(await app.secrets.has(db, tenantA.tenantId, `microsoft_profile:${created.id}:client_secret`), false);
});

t.test('only system_settings.update writes; read views; technicians and client users are refused', async (t) => {
  const created = (await admin.request('POST', '/api/microsoft/profiles', input())).json();
  for (const [who, session, readStatus] of [
    ['viewer', viewer, 200],
    ['technician', tech, 403],
    ['client user', portal, 403],
  ] as const) {
    t.equal((await session.request('GET', '/api/microsoft/profiles')).statusCode, readStatus, `${who} list`);
    t.equal((await session.request('GET', `/api/microsoft/profiles/${created.id}`)).statusCode, readStatus, `${who} get`);
    t.equal((await session.request('POST', '/api/microsoft/profiles', input())).statusCode, 403, `${who} create`);
    t.equal((await session.request('PATCH', `/api/microsoft/profiles/${created.id}`, { displayName: 'x' })).statusCode, 403, `${who} update`);
    t.equal((await session.request('POST', `/api/microsoft/profiles/${created.id}/archive`)).statusCode, 403, `${who} archive`);
    t.equal((await session.request('DELETE', `/api/microsoft/profiles/${created.id}`)).statusCode, 403, `${who} delete`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/microsoft/profiles' })).statusCode, 401, 'signed out');
  t.equal((await admin.request('GET', `/api/microsoft/profiles/${created.id}`)).json().displayName, created.displayName, 'nothing changed');
});

t.test("another tenant's profile is a 404 for every action", async (t) => {
  const foreign = (await adminB.request('POST', '/api/microsoft/profiles', input())).json();
  for (const [method, url, body] of [
    ['GET', `/api/microsoft/profiles/${foreign.id}`],
    ['PATCH', `/api/microsoft/profiles/${foreign.id}`, { displayName: 'Hijacked' }],
    ['POST', `/api/microsoft/profiles/${foreign.id}/archive`],
    ['POST', `/api/microsoft/profiles/${foreign.id}/unarchive`],
    ['DELETE', `/api/microsoft/profiles/${foreign.id}`],
  ] as const) {
    const res = await admin.request(method, url, body);
    t.equal(res.statusCode, 404, `${method} ${url}`);
    t.match(res.json().message, /Microsoft profile/);
  }
  t.match((await adminB.request('GET', `/api/microsoft/profiles/${foreign.id}`)).json(), { displayName: foreign.displayName, isArchived: false });
  t.notOk((await admin.request('GET', '/api/microsoft/profiles?includeArchived=true')).json().items.some((p: { id: string }) => p.id === foreign.id));
});

t.test('no response or log line ever contained a client secret', async (t) => {
  const logs = ctx.logs.join('\n');
  t.notOk(logs.includes(SECRET));
  t.notOk(logs.includes(ROTATED));
});
