// Deletions and drift, through the API, the worker and the Microsoft emulator: a contact deleted in
// Switchboard leaves a tombstoned link, so its Entra user is neither re-created nor forgotten but
// queued for review (re-create, link, ignore); a user removed from the directory (@removed)
// inactivates its contact and a restored one brings it back.
import t from 'tap';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 1, usersPerCustomer: 30, seed: 31 });
const ctx = await entraApp(t, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-deletions');
const store = ms.directory.store;
const customer = partner.customers[0];

await connectDirect(admin, partner);
await admin.request('POST', '/api/integrations/entra/discover');
const client = (await admin.request('POST', '/api/clients', { name: 'Deletions Client', domains: [store.defaultDomain(customer)] })).json();
const managedTenantId = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items[0].managedTenantId;
await admin.request('POST', '/api/integrations/entra/mappings', { mappings: [{ managedTenantId, action: 'map', clientId: client.id }] });

const sync = async () => {
  const started = await admin.request('POST', '/api/integrations/entra/sync', {});
  if (started.statusCode !== 202) throw new Error(`sync: ${started.statusCode} ${started.body}`);
  return waitForRun(admin, started.json().run.id);
};
const initial = await sync();
t.equal(initial.status, 'succeeded', 'initial sync');

// Enabled members whose mail nobody else in the tenant has: each is linked to a contact of its own.
const mailCount = (mail: string) => store.users(customer.id).filter((u) => u.mail?.toLowerCase() === mail.toLowerCase()).length;
const people = store.users(customer.id).filter((u) => u.userType === 'Member' && u.accountEnabled && u.mail && mailCount(u.mail) === 1);
const [recreated, ignored, relinked, softDeleted, hardDeleted, handInactivated, goneBoth, goneLater] = people;
t.ok(goneLater, 'enough distinct people in the seeded tenant');

const linkOf = (userId: string) => ctx.db.selectFrom('entra_contact_links').selectAll().where('tenant_id', '=', seeded.tenantId).where('entra_user_id', '=', userId).executeTakeFirstOrThrow();
const contact = (id: string) => ctx.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const contactsWithMail = async (mail: string) => (await ctx.db.selectFrom('contacts').select('id').where('tenant_id', '=', seeded.tenantId).where('email', 'ilike', mail).execute()).length;
const countContacts = async () => Number((await ctx.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', seeded.tenantId).executeTakeFirstOrThrow()).n);
const queue = async (status = 'open') => (await admin.request('GET', `/api/integrations/entra/ambiguous?status=${status}`)).json().items as { id: string; reason: string; entraUserId: string; displayName: string; candidates: { id: string }[] }[];
const itemOf = async (userId: string, status = 'open') => (await queue(status)).find((i) => i.entraUserId === userId);
const deleteContactOf = async (userId: string) => {
  const res = await admin.request('DELETE', `/api/contacts/${(await linkOf(userId)).contact_id}`);
  if (res.statusCode !== 200) throw new Error(`delete contact: ${res.statusCode} ${res.body}`);
};

t.test('a contact deleted in Switchboard is not re-created: its user waits for review, once', async (t) => {
  const before = await countContacts();
  await deleteContactOf(recreated.id);
  const link = await linkOf(recreated.id);
  t.equal(link.contact_id, null, 'the link stays as a tombstone');

  let run = await sync();
  t.equal(run.status, 'succeeded', JSON.stringify(run.tenants.map((x: { error: string | null }) => x.error)));
  t.equal(run.tenants[0].mode, 'full', 'delta would not show the user again: the tenant is listed in full once');
  t.match(run.counts, { created: 0, linked: 0, ambiguous: 1 });
  t.equal(await countContacts(), before - 1, 'nothing re-created');
  t.equal(await contactsWithMail(recreated.mail!), 0);
  const item = await itemOf(recreated.id);
  t.match(item, { reason: 'contact_deleted', displayName: recreated.displayName, candidates: [] });

  run = await sync();
  t.equal(run.tenants[0].mode, 'delta', 'queued: delta rounds resume');
  t.match(run.counts, { created: 0, ambiguous: 0 });

  ms.directory.updateUser(recreated.id, { displayName: 'Renamed In Entra' });
  run = await sync();
  t.match(run.counts, { created: 0, linked: 0, ambiguous: 1 }, 'a repeat sighting counts as waiting for review');
  const items = (await queue()).filter((i) => i.entraUserId === recreated.id);
  t.equal(items.length, 1, 'one item per user');
  t.equal(items[0].id, item!.id, 'the open item is refreshed, not duplicated');
  t.equal(items[0].displayName, 'Renamed In Entra');
  t.equal(await countContacts(), before - 1);
});

t.test('re-create: a new contact, the tombstoned link points at it, the item is resolved', async (t) => {
  const item = (await itemOf(recreated.id))!;
  const res = await admin.request('POST', `/api/integrations/entra/ambiguous/${item.id}/resolve`, { action: 'create' });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { status: 'resolved', resolution: 'created' });
  const link = await linkOf(recreated.id);
  t.equal(link.contact_id, res.json().contactId);
  t.equal(link.origin, 'created');
  t.match(await contact(link.contact_id!), { client_id: client.id, full_name: 'Renamed In Entra', email: recreated.mail, is_inactive: false });
  t.notOk(await itemOf(recreated.id), 'gone from the open queue');
  t.ok(await itemOf(recreated.id, 'resolved'));
  const audit = await ctx.db.selectFrom('audit_log').select('details').where('tenant_id', '=', seeded.tenantId).where('action', '=', 'entra.ambiguous_resolved').where('target_id', '=', item.id).executeTakeFirstOrThrow();
  t.match(audit.details, { reason: 'contact_deleted', resolution: 'created' });

  ms.directory.updateUser(recreated.id, { jobTitle: 'Back again' });
  const run = await sync();
  t.match(run.counts, { created: 0, linked: 0, ambiguous: 0 });
  t.equal(await contactsWithMail(recreated.mail!), 1, 'exactly one contact for the user');
});

t.test('ignore: the item is dismissed, the link stays a tombstone, later syncs create nothing', async (t) => {
  await deleteContactOf(ignored.id);
  await sync();
  const item = (await itemOf(ignored.id))!;
  t.equal(item.reason, 'contact_deleted');
  const res = await admin.request('POST', `/api/integrations/entra/ambiguous/${item.id}/resolve`, { action: 'dismiss' });
  t.equal(res.statusCode, 200, res.body);
  t.equal((await linkOf(ignored.id)).contact_id, null);

  ms.directory.updateUser(ignored.id, { jobTitle: 'Still here' });
  let run = await sync();
  t.equal(run.tenants[0].mode, 'delta', 'an ignored tombstone does not force full listings');
  t.match(run.counts, { created: 0, linked: 0, ambiguous: 0 });
  // A full listing (the delta link expired) sees the user too, and still leaves it alone.
  ms.directory.expireDeltaTokens('expired');
  run = await sync();
  t.equal(run.tenants[0].mode, 'full');
  t.match(run.counts, { created: 0, linked: 0, ambiguous: 0 });
  t.equal(await contactsWithMail(ignored.mail!), 0, 'never re-created');
  t.equal((await linkOf(ignored.id)).contact_id, null, 'never re-matched');
  t.ok(await itemOf(ignored.id, 'dismissed'));
  t.notOk(await itemOf(ignored.id));
});

t.test('link: a contact with the same address, made by hand, is offered and can be linked', async (t) => {
  await deleteContactOf(relinked.id);
  const other = (await admin.request('POST', '/api/clients', { name: 'Other Client', domains: [] })).json();
  const elsewhere = (await admin.request('POST', '/api/contacts?confirm=true', { clientId: other.id, fullName: 'Elsewhere', email: relinked.mail })).json();
  const byHand = (await admin.request('POST', '/api/contacts?confirm=true', { clientId: client.id, fullName: 'Made By Hand', email: relinked.mail!.toUpperCase() })).json();
  const run = await sync();
  t.match(run.counts, { created: 0, linked: 0, ambiguous: 1 }, 'offered, not linked automatically');
  const item = (await itemOf(relinked.id))!;
  t.same(item.candidates.map((c) => c.id), [byHand.id], "only the client's contact");
  const wrong = await admin.request('POST', `/api/integrations/entra/ambiguous/${item.id}/resolve`, { action: 'link', contactId: elsewhere.id });
  t.equal(wrong.statusCode, 400);
  t.same(wrong.json().fields, [{ field: 'contactId', message: "no such contact at this user's client" }]);
  const res = await admin.request('POST', `/api/integrations/entra/ambiguous/${item.id}/resolve`, { action: 'link', contactId: byHand.id });
  t.equal(res.statusCode, 200, res.body);
  t.match(await linkOf(relinked.id), { contact_id: byHand.id, origin: 'linked' });
  t.equal((await admin.request('POST', `/api/integrations/entra/ambiguous/${item.id}/resolve`, { action: 'create' })).statusCode, 409, 'already resolved');
});

t.test('@removed (soft delete) inactivates the contact; a restored user brings it back', async (t) => {
  const contactId = (await linkOf(softDeleted.id)).contact_id!;
  ms.directory.deleteUser(softDeleted.id);
  let run = await sync();
  t.equal(run.tenants[0].mode, 'delta');
  t.match(run.counts, { inactivated: 1, created: 0 });
  t.equal((await contact(contactId)).is_inactive, true, 'inactive, never deleted');
  t.match(await linkOf(softDeleted.id), { entra_state: 'deleted', inactivated_by_sync: true });

  ms.directory.restoreUser(softDeleted.id);
  run = await sync();
  t.equal(run.tenants[0].mode, 'delta');
  t.match(run.counts, { updated: 1, created: 0, inactivated: 0 });
  t.equal((await contact(contactId)).is_inactive, false, 'active again');
  t.match(await linkOf(softDeleted.id), { entra_state: 'active', inactivated_by_sync: false });
});

t.test('@removed (permanent) inactivates the contact too', async (t) => {
  const contactId = (await linkOf(hardDeleted.id)).contact_id!;
  ms.directory.deleteUser(hardDeleted.id, true);
  const run = await sync();
  t.match(run.counts, { inactivated: 1 });
  t.equal((await contact(contactId)).is_inactive, true);
});

t.test('a restored user does not reactivate a contact someone had made inactive by hand', async (t) => {
  const contactId = (await linkOf(handInactivated.id)).contact_id!;
  t.equal((await admin.request('PATCH', `/api/contacts/${contactId}`, { isInactive: true })).statusCode, 200);
  ms.directory.deleteUser(handInactivated.id);
  await sync();
  t.match(await linkOf(handInactivated.id), { entra_state: 'deleted', inactivated_by_sync: false });
  ms.directory.restoreUser(handInactivated.id);
  const run = await sync();
  t.match(run.counts, { updated: 0, inactivated: 0 });
  t.equal((await contact(contactId)).is_inactive, true, 'left as the person set it');
});

t.test('a tombstone whose user is also removed from Entra is settled, not queued nor looked for again', async (t) => {
  await deleteContactOf(goneBoth.id);
  ms.directory.deleteUser(goneBoth.id);
  let run = await sync();
  t.equal(run.status, 'succeeded');
  t.match(run.counts, { created: 0, ambiguous: 0 });
  t.equal((await linkOf(goneBoth.id)).entra_state, 'deleted');
  t.notOk(await itemOf(goneBoth.id));
  run = await sync();
  t.equal(run.tenants[0].mode, 'delta', 'no full listing on every run');
});

t.test('a queued user removed from Entra before review: re-created inactive, back with the user', async (t) => {
  await deleteContactOf(goneLater.id);
  await sync();
  const item = (await itemOf(goneLater.id))!;
  ms.directory.deleteUser(goneLater.id);
  await sync();
  t.equal((await linkOf(goneLater.id)).entra_state, 'deleted');
  const res = await admin.request('POST', `/api/integrations/entra/ambiguous/${item.id}/resolve`, { action: 'create' });
  t.equal(res.statusCode, 200, res.body);
  t.equal((await contact(res.json().contactId)).is_inactive, true, 'no active contact for a removed user');
  t.match(await linkOf(goneLater.id), { contact_id: res.json().contactId, inactivated_by_sync: true });
  ms.directory.restoreUser(goneLater.id);
  const run = await sync();
  t.match(run.counts, { created: 0, updated: 1 });
  t.equal((await contact(res.json().contactId)).is_inactive, false, 'active again with its user');
});
