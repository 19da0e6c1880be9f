// The Direct flow against the Microsoft emulator, through msal-node and Graph: connect, discover,
// map, sync (idempotent start, paging then delta, throttling), reconcile (link, create, ambiguous,
// deactivation, deletion, field toggles) and a no-change run that writes nothing.
import t from 'tap';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { CLIENT_SECRET, connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun, setFlags } from '@switchboard/testing/entra';
import { startDueScheduledRuns } from './services/schedule.js';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 5, usersPerCustomer: 40, seed: 11 });
const ctx = await entraApp(t, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-direct');
const store = ms.directory.store;
const [first, second, third] = partner.customers;
const members = (tenantId: string) => store.users(tenantId).filter((u) => u.userType === 'Member');

const clientA = (await admin.request('POST', '/api/clients', { name: 'Client Alpha', domains: [store.defaultDomain(first)] })).json();
const clientB = (await admin.request('POST', '/api/clients', { name: `${second.displayName.replace(/ (Inc\.?|LLC|Ltd|Limited|Corp\.|Co\.|PLC|Pty Ltd|GmbH|LLP)$/, '')} Limited`, domains: [] })).json();
const clientC = (await admin.request('POST', '/api/clients', { name: 'Unrelated Bakery', domains: [] })).json();

// Contacts that exist before the first sync: one to link by a proxy address, two that make a user ambiguous.
const linkable = members(first.id).find((u) => u.accountEnabled && u.proxyAddresses.length > 1)!;
const aliasOfLinkable = linkable.proxyAddresses[1].slice(5).toUpperCase();
const existing = (await admin.request('POST', '/api/contacts', { clientId: clientA.id, fullName: 'Known Person', email: aliasOfLinkable, jobTitle: 'Local title' })).json();
// Seeded mails can repeat (given name @ domain), so pick a user whose mail no one else has.
const mailCount = (mail: string) => store.users(first.id).filter((u) => u.mail?.toLowerCase() === mail.toLowerCase()).length;
const twice = members(first.id).find((u) => u.accountEnabled && u.mail && u.id !== linkable.id && mailCount(u.mail) === 1)!;
for (const name of ['Twin One', 'Twin Two']) await admin.request('POST', '/api/contacts?confirm=true', { clientId: clientA.id, fullName: name, email: twice.mail });

let runId = '';

t.test('connect: partner consent through the chosen profile; the profile cannot be archived while connected', async (t) => {
  const { profileId, callback, redirectUrl } = await connectDirect(admin, partner);
  t.match(redirectUrl, /code_challenge_method=S256/);
  t.equal(callback.statusCode, 302);
  t.equal(callback.headers.location, '/settings?category=entra&entra=connected');
  const connection = (await admin.request('GET', '/api/integrations/entra/connection')).json().connection;
  t.match(connection, { kind: 'direct', status: 'connected', profileId, partnerTenantId: partner.partner.id });
  const archive = await admin.request('POST', `/api/microsoft/profiles/${profileId}/archive`);
  t.equal(archive.statusCode, 409);
  t.match(archive.json().message, /Entra/);
  const again = await admin.request('POST', '/api/integrations/entra/connection', { kind: 'direct', profileId });
  t.equal(again.statusCode, 409, 'one active connection per tenant');
  const secrets = await ctx.db.selectFrom('tenant_secrets').select('name').where('tenant_id', '=', seeded.tenantId).where('name', 'like', 'entra_connection:%').execute();
  t.equal(secrets.length, 1, 'the partner refresh token is in the secret store');
  t.notOk(ctx.logs.join('\n').includes(CLIENT_SECRET));
});

t.test('discover: every customer with its verified domains and member count; re-discovery does not duplicate', async (t) => {
  const res = await admin.request('POST', '/api/integrations/entra/discover');
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().discovered, 5);
  const tenant = res.json().tenants.find((x: { entraTenantId: string }) => x.entraTenantId === first.id);
  t.same(tenant.domains.sort(), first.domains.filter((d) => d.isVerified).map((d) => d.id).sort(), 'verified domains only, all of them');
  t.equal(tenant.userCount, members(first.id).length);
  t.equal((await admin.request('POST', '/api/integrations/entra/discover')).json().discovered, 5);
  t.equal((await admin.request('GET', '/api/integrations/entra/tenants')).json().items.length, 5);
});

t.test('map: preview writes nothing; domain → auto_matched, similar name → needs_review; confirm writes', async (t) => {
  const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items;
  const byTenant = (id: string) => preview.find((p: { entraTenantId: string }) => p.entraTenantId === id);
  t.match(byTenant(first.id), { state: 'auto_matched', clientId: clientA.id });
  t.match(byTenant(second.id), { state: 'needs_review', clientId: null });
  t.equal(byTenant(second.id).candidates[0].clientId, clientB.id);
  t.notOk(byTenant(second.id).candidates.some((c: { clientId: string }) => c.clientId === clientC.id));
  t.same((await admin.request('GET', '/api/integrations/entra/mappings')).json().items, [], 'nothing written by the preview');

  const bad = await admin.request('POST', '/api/integrations/entra/mappings', { mappings: [{ managedTenantId: byTenant(first.id).managedTenantId, action: 'map', clientId: '00000000-0000-4000-8000-000000000000' }] });
  t.equal(bad.statusCode, 400);
  t.same(bad.json().fields, [{ field: 'mappings.0.clientId', message: 'no such client' }]);
  const ok = await admin.request('POST', '/api/integrations/entra/mappings', {
    mappings: [
      { managedTenantId: byTenant(first.id).managedTenantId, action: 'map', clientId: clientA.id },
      { managedTenantId: byTenant(second.id).managedTenantId, action: 'map', clientId: clientB.id },
      { managedTenantId: byTenant(third.id).managedTenantId, action: 'skip' },
    ],
  });
  t.equal(ok.statusCode, 200, ok.body);
  const states = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items.map((p: { state: string }) => p.state).sort();
  t.same(states.filter((s: string) => ['mapped', 'skipped'].includes(s)), ['mapped', 'mapped', 'skipped']);
  const audit = await ctx.db.selectFrom('audit_log').select('action').where('tenant_id', '=', seeded.tenantId).where('action', 'like', 'entra.%').execute();
  t.ok(audit.some((a) => a.action === 'entra.mappings_confirmed'));
});

t.test('initial sync: idempotent start, users paged with Retry-After honoured, contacts created, linked and queued', async (t) => {
  ms.controls.inject({ method: 'GET', path: '^/v1\\.0/users$', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
  const started = await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' });
  t.equal(started.statusCode, 202, started.body);
  runId = started.json().run.id;
  const repeat = await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' });
  t.equal(repeat.json().run.id, runId, 'a second start while it runs returns the running run');
  t.equal(repeat.json().alreadyStarted, true);
  const run = await waitForRun(admin, runId);
  t.equal(run.status, 'succeeded', JSON.stringify(run));
  t.equal(run.tenants.length, 2, 'one tenant run per mapped tenant');
  const expectedA = members(first.id).filter((u) => u.accountEnabled).length;
  t.equal(run.counts.linked, 1, 'the existing contact linked by its proxy address');
  t.equal(run.counts.ambiguous, 1, 'the user two contacts share goes to the queue');
  const contactsA = await ctx.db.selectFrom('contacts').selectAll().where('client_id', '=', clientA.id).execute();
  t.equal(contactsA.length, expectedA - 2 + 3, 'created for the enabled members, none for guests or disabled users');
  const links = await ctx.db.selectFrom('entra_contact_links').select(['entra_user_id', 'contact_id']).where('tenant_id', '=', seeded.tenantId).execute();
  const linkedContactsA = links.filter((l) => contactsA.some((c) => c.id === l.contact_id));
  t.equal(linkedContactsA.length, expectedA - 1, 'every enabled member but the ambiguous one has exactly one contact');
  t.equal(new Set(links.map((l) => l.contact_id)).size, links.length, 'no contact is linked twice');
  t.ok(run.graphCalls > 0);
  t.ok(ms.controls.count('GET /v1.0/users/delta') >= 2, 'a delta baseline per tenant');
  const linked = await ctx.db.selectFrom('contacts').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
  t.equal(linked.job_title, 'Local title', 'without overwrite toggles a local value stays');
});

t.test('a second run with no Entra changes makes zero contact writes', async (t) => {
  const before = await ctx.db.selectFrom('contacts').select(['id', 'updated_at']).where('tenant_id', '=', seeded.tenantId).orderBy('id').execute();
  const started = await admin.request('POST', '/api/integrations/entra/sync', { scope: 'all' });
  const run = await waitForRun(admin, started.json().run.id);
  t.equal(run.status, 'succeeded');
  t.match(run.counts, { created: 0, linked: 0, updated: 0, inactivated: 0 });
  t.ok(run.tenants.every((x: { mode: string }) => x.mode === 'delta'), 'later runs read users/delta');
  const after = await ctx.db.selectFrom('contacts').select(['id', 'updated_at']).where('tenant_id', '=', seeded.tenantId).orderBy('id').execute();
  t.same(after, before);
});

t.test('disabled and deleted users make their contacts inactive, never deleted; re-enabled comes back', async (t) => {
  const enabled = members(first.id).filter((u) => u.accountEnabled && u.id !== linkable.id && u.id !== twice.id);
  const [toDisable, toDelete] = enabled;
  const link = async (id: string) => ctx.db.selectFrom('entra_contact_links').innerJoin('contacts', 'contacts.id', 'entra_contact_links.contact_id').select(['contacts.id', 'contacts.is_inactive']).where('entra_user_id', '=', id).executeTakeFirstOrThrow();
  const disabledContact = await link(toDisable.id);
  const deletedContact = await link(toDelete.id);
  ms.directory.disableUser(toDisable.id);
  ms.directory.deleteUser(toDelete.id);
  let run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.equal(run.counts.inactivated, 2);
  t.equal((await link(toDisable.id)).is_inactive, true);
  const kept = await ctx.db.selectFrom('contacts').select('is_inactive').where('id', '=', deletedContact.id).executeTakeFirst();
  t.same(kept, { is_inactive: true }, 'the deleted user’s contact is kept, inactive');
  ms.directory.updateUser(toDisable.id, { accountEnabled: true });
  run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.equal(run.counts.updated, 1);
  t.equal((await link(toDisable.id)).is_inactive, false, 'reactivated: the sync had inactivated it');
  t.equal(disabledContact.is_inactive, false);
});

t.test('field toggles: a changed Entra value overwrites only the fields enabled (and only with the flag on)', async (t) => {
  ms.directory.updateUser(linkable.id, { jobTitle: 'Entra title', displayName: 'Renamed In Entra' });
  await admin.request('PUT', '/api/integrations/entra/settings', { overwrite: { jobTitle: true } });
  await setFlags(admin, ['entra-integration-field-sync'], false);
  let run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  let contact = await ctx.db.selectFrom('contacts').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
  t.equal(contact.job_title, 'Local title', 'flag off: toggles are not applied');
  t.equal(run.counts.updated, 0);
  await setFlags(admin, ['entra-integration-field-sync'], true);
  ms.directory.updateUser(linkable.id, { jobTitle: 'Entra title' });
  run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  contact = await ctx.db.selectFrom('contacts').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
  t.equal(contact.job_title, 'Entra title', 'enabled field overwritten');
  t.equal(contact.full_name, 'Known Person', 'disabled field kept');
  t.equal(run.counts.updated, 1);
});

t.test('ambiguous queue: one item per user, refreshed not duplicated; a dismissed item stays dismissed', async (t) => {
  ms.directory.updateUser(twice.id, { jobTitle: 'Touched' });
  await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  const open = (await admin.request('GET', '/api/integrations/entra/ambiguous')).json().items;
  t.equal(open.length, 1);
  t.equal(open[0].candidates.length, 2);
  const dismissed = await admin.request('POST', `/api/integrations/entra/ambiguous/${open[0].id}/resolve`, { action: 'dismiss' });
  t.equal(dismissed.statusCode, 200);
  t.equal((await admin.request('POST', `/api/integrations/entra/ambiguous/${open[0].id}/resolve`, { action: 'dismiss' })).statusCode, 409);
  ms.directory.updateUser(twice.id, { jobTitle: 'Touched again' });
  const run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.equal(run.counts.ambiguous, 0);
  t.same((await admin.request('GET', '/api/integrations/entra/ambiguous')).json().items, []);
  t.equal((await admin.request('GET', '/api/integrations/entra/ambiguous?status=dismissed')).json().items.length, 1);
});

t.test('an expired delta link falls back to a full listing without duplicates', async (t) => {
  const count = async () => Number((await ctx.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', seeded.tenantId).executeTakeFirstOrThrow()).n);
  const before = await count();
  ms.directory.expireDeltaTokens('expired');
  const run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', {})).json().run.id);
  t.equal(run.status, 'succeeded', JSON.stringify(run.tenants.map((x: { error: string }) => x.error)));
  t.equal(run.counts.created, 0);
  t.equal(await count(), before);
});

t.test('client action: syncs only that client’s tenants; runs list shows it', async (t) => {
  const res = await admin.request('POST', `/api/integrations/entra/clients/${clientB.id}/sync`, {});
  t.equal(res.statusCode, 202, res.body);
  const run = await waitForRun(admin, res.json().run.id);
  t.equal(run.tenants.length, 1);
  t.equal(run.tenants[0].entraTenantId, second.id);
  t.equal((await admin.request('POST', `/api/integrations/entra/clients/${clientC.id}/sync`, {})).statusCode, 409, 'no tenant mapped to it');
  const runs = (await admin.request('GET', `/api/integrations/entra/runs?clientId=${clientB.id}`)).json().items;
  t.equal(runs.length, 1);
});

t.test('schedule: a due tenant gets one all-tenants run per slot, then waits for the next', async (t) => {
  t.equal((await admin.request('PUT', '/api/integrations/entra/settings', { schedule: 'hourly' })).statusCode, 200);
  const started = await startDueScheduledRuns(ctx.db, ctx.app.jobs);
  t.equal(started.length, 1);
  t.same(await startDueScheduledRuns(ctx.db, ctx.app.jobs), [], 'not due again within the hour');
  const run = await waitForRun(admin, started[0]);
  t.match(run, { scope: 'all', trigger: 'schedule', status: 'succeeded' });
  const later = await startDueScheduledRuns(ctx.db, ctx.app.jobs, new Date(Date.now() + 2 * 3600_000));
  t.equal(later.length, 1);
  t.not(later[0], started[0]);
  await waitForRun(admin, later[0]);
  await setFlags(admin, ['entra-integration-ui'], false);
  t.same(await startDueScheduledRuns(ctx.db, ctx.app.jobs, new Date(Date.now() + 5 * 3600_000)), [], 'flag off: no scheduled runs');
  await setFlags(admin, ['entra-integration-ui'], true);
});

t.test('disconnect keeps mappings and contacts, frees the profile, and stops syncs', async (t) => {
  t.equal((await admin.request('DELETE', '/api/integrations/entra/connection')).statusCode, 204);
  t.equal((await admin.request('GET', '/api/integrations/entra/connection')).json().connection, null);
  t.equal((await admin.request('POST', '/api/integrations/entra/sync', {})).statusCode, 409);
  t.equal((await admin.request('GET', '/api/integrations/entra/mappings')).json().items.length, 3);
  const secrets = await ctx.db.selectFrom('tenant_secrets').select('name').where('tenant_id', '=', seeded.tenantId).where('name', 'like', 'entra_connection:%').execute();
  t.same(secrets, [], 'the refresh token is gone');
});
