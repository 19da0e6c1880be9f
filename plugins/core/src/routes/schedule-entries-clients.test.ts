// Entries linked to a client and one of its contacts (issue 22): linking and unlinking, what is
// refused, the client filter, what deleting a client or a contact (or moving or inactivating a
// contact) does to its entries, and the outbox events calendar sync reads.
import t from 'tap';
import { buildTestApp, seedTenant, signIn, type Session } from '@switchboard/testing';

const ctx = await buildTestApp();
t.teardown(ctx.close);
const { app, db } = ctx;
const tenantA = await seedTenant(db, 'sched-clients-a');
const tenantB = await seedTenant(db, 'sched-clients-b');
const admin = await signIn(app, tenantA.admin.email);
const tech = await signIn(app, tenantA.technician.email);

const timed = { title: 'Site visit', start: '2026-05-04T10:00:00Z', end: '2026-05-04T11:00:00Z', timeZone: 'UTC' };

async function ok(s: Session, method: string, url: string, body?: unknown) {
  const res = await s.request(method, url, body);
  if (res.statusCode >= 300) throw new Error(`${method} ${url} failed: ${res.statusCode} ${res.body}`);
  return res.json();
}
const newClient = (name: string) => ok(admin, 'POST', '/api/clients?confirm=true', { name, domains: [] });
const newContact = (clientId: string, fullName: string) => ok(admin, 'POST', '/api/contacts?confirm=true', { clientId, fullName });
const fieldErrors = (body: { fields?: { field: string; message: string }[] }) => body.fields ?? [];
const lastEvent = async (entryId: string) =>
  (await db.selectFrom('outbox_events').select(['event_type', 'payload']).where('aggregate_id', '=', entryId).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow());

t.test('an entry links to a client and contact, changes them and unlinks, each change in the outbox', async (t) => {
  const acme = await newClient('Acme Links');
  const ada = await newContact(acme.id, 'Ada Lovelace');
  const bob = await newContact(acme.id, 'Bob Builder');
  const entry = await ok(tech, 'POST', '/api/schedule-entries', { ...timed, clientId: acme.id, contactId: ada.id });
  t.match(entry, { clientId: acme.id, contactId: ada.id });
  t.same(await ok(tech, 'GET', `/api/schedule-entries/${entry.id}`), entry);
  const created = await lastEvent(entry.id);
  t.equal(created.event_type, 'schedule_entry.created');
  t.same(created.payload.entry, entry, 'the created event carries the entry as the API returns it');

  const toBob = await ok(tech, 'PATCH', `/api/schedule-entries/${entry.id}`, { contactId: bob.id, expectedVersion: 1 });
  t.match(toBob, { clientId: acme.id, contactId: bob.id, version: 2 });
  const updated = await lastEvent(entry.id);
  t.equal(updated.event_type, 'schedule_entry.updated');
  t.same(updated.payload.entry, toBob);

  const title = await ok(tech, 'PATCH', `/api/schedule-entries/${entry.id}`, { title: 'Site visit, again' });
  t.match(title, { clientId: acme.id, contactId: bob.id }, 'a patch without the links keeps them');

  const other = await newClient('Other Links');
  const moved = await ok(tech, 'PATCH', `/api/schedule-entries/${entry.id}`, { clientId: other.id });
  t.match(moved, { clientId: other.id, contactId: null }, 'another client drops the old client’s contact');

  const unlinked = await ok(tech, 'PATCH', `/api/schedule-entries/${entry.id}`, { clientId: null });
  t.match(unlinked, { clientId: null, contactId: null });
  t.same((await lastEvent(entry.id)).payload.entry, unlinked);
});

t.test('links that are not the tenant’s, or a contact of another client, are a 400 naming the field', async (t) => {
  const acme = await newClient('Acme Refusals');
  const globex = await newClient('Globex Refusals');
  const globexContact = await newContact(globex.id, 'Hank Scorpio');
  const foreignContact = await ok(await signIn(app, tenantB.admin.email), 'POST', '/api/contacts?confirm=true', { clientId: tenantB.client.id, fullName: 'Elsewhere' });
  const before = await db.selectFrom('schedule_entries').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['another tenant’s client', { clientId: tenantB.client.id }, 'clientId', /no client with id/],
    ['an unknown client', { clientId: '00000000-0000-4000-8000-000000000000' }, 'clientId', /no client with id/],
    ['a contact of another client', { clientId: acme.id, contactId: globexContact.id }, 'contactId', /contact of another client/],
    ['another tenant’s contact', { clientId: acme.id, contactId: foreignContact.id }, 'contactId', /no contact with id/],
    ['a contact without a client', { contactId: globexContact.id }, 'contactId', /together with its client/],
    ['a malformed id', { clientId: 'acme' }, 'clientId', /valid client id/],
  ];
  for (const [name, links, field, message] of cases) {
    const res = await tech.request('POST', '/api/schedule-entries', { ...timed, ...links });
    t.equal(res.statusCode, 400, name);
    t.match(fieldErrors(res.json()), [{ field, message }], name);
  }
  const after = await db.selectFrom('schedule_entries').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  t.equal(after.n, before.n, 'nothing was written');

  const entry = await ok(tech, 'POST', '/api/schedule-entries', { ...timed, clientId: acme.id });
  const patch = await tech.request('PATCH', `/api/schedule-entries/${entry.id}`, { contactId: globexContact.id });
  t.equal(patch.statusCode, 400);
  t.match(fieldErrors(patch.json()), [{ field: 'contactId', message: /contact of another client/ }]);
  const foreign = await tech.request('PATCH', `/api/schedule-entries/${entry.id}`, { clientId: tenantB.client.id });
  t.equal(foreign.statusCode, 400);
  t.match(await ok(tech, 'GET', `/api/schedule-entries/${entry.id}`), { clientId: acme.id, version: 1 }, 'the refused patches changed nothing');
});

t.test('the list filters by client, with series recurring into the window', async (t) => {
  const initech = await newClient('Initech Filter');
  const single = await ok(tech, 'POST', '/api/schedule-entries', { ...timed, title: 'Initech single', clientId: initech.id });
  const series = await ok(tech, 'POST', '/api/schedule-entries', {
    ...timed,
    title: 'Initech weekly',
    start: '2026-04-06T09:00:00Z',
    end: '2026-04-06T10:00:00Z',
    recurrence: 'FREQ=WEEKLY;BYDAY=MO',
    clientId: initech.id,
  });
  await ok(tech, 'POST', '/api/schedule-entries', { ...timed, title: 'Someone else' });
  const window = await ok(tech, 'GET', `/api/schedule-entries?clientId=${initech.id}&from=2026-05-04T00:00:00Z&to=2026-05-11T00:00:00Z`);
  t.same(window.items.map((e: { id: string }) => e.id).sort(), [single.id, series.id].sort());
  t.equal(window.total, 2);
  const all = await ok(tech, 'GET', `/api/schedule-entries?clientId=${initech.id}`);
  t.equal(all.total, 2, 'without a window too');
  const foreign = await ok(await signIn(app, tenantB.admin.email), 'GET', `/api/schedule-entries?clientId=${initech.id}`);
  t.same(foreign, { items: [], total: 0 }, 'another tenant sees none of them');
  const bad = await tech.request('GET', '/api/schedule-entries?clientId=initech');
  t.equal(bad.statusCode, 400);
});

t.test('an overridden occurrence inherits the series’ links, and follows a change of them unless it has its own', async (t) => {
  const acme = await newClient('Acme Series');
  const ada = await newContact(acme.id, 'Ada Series');
  const globex = await newClient('Globex Series');
  const series = await ok(tech, 'POST', '/api/schedule-entries', {
    ...timed,
    start: '2026-06-01T09:00:00Z',
    end: '2026-06-01T10:00:00Z',
    recurrence: 'FREQ=WEEKLY;BYDAY=MO',
    clientId: acme.id,
    contactId: ada.id,
  });
  const occurrence = (start: string) => `/api/schedule-entries/${series.id}/occurrences/${encodeURIComponent(start)}`;
  const inherited = await ok(tech, 'PUT', occurrence('2026-06-08T09:00:00.000Z'), { title: 'Moved' });
  t.match(inherited, { clientId: acme.id, contactId: ada.id });
  const own = await ok(tech, 'PUT', occurrence('2026-06-15T09:00:00.000Z'), { clientId: globex.id, contactId: null });
  t.match(own, { clientId: globex.id, contactId: null });

  const relinked = await ok(tech, 'PATCH', `/api/schedule-entries/${series.id}`, { clientId: globex.id });
  t.match(relinked, { clientId: globex.id, contactId: null });
  const followed = await ok(tech, 'GET', `/api/schedule-entries/${inherited.id}`);
  t.match(followed, { clientId: globex.id, contactId: null, version: 2 }, 'the inheriting occurrence followed');
  t.same((await lastEvent(inherited.id)).payload.entry, followed, 'with its own updated event');
  t.match(await ok(tech, 'GET', `/api/schedule-entries/${own.id}`), { clientId: globex.id, version: 1 }, 'the one with its own client was not touched');
});

t.test('deleting a client keeps its entries and clears their links; deleting, moving or inactivating a contact', async (t) => {
  const acme = await newClient('Acme Deleted');
  const ada = await newContact(acme.id, 'Ada Deleted');
  const bob = await newContact(acme.id, 'Bob Moved');
  const cleo = await newContact(acme.id, 'Cleo Inactive');
  const dora = await newContact(acme.id, 'Dora Deleted');
  const globex = await newClient('Globex Moved');
  const entryOf = async (contactId: string) => ok(tech, 'POST', '/api/schedule-entries', { ...timed, clientId: acme.id, contactId });
  const [withAda, withBob, withCleo, withDora] = [await entryOf(ada.id), await entryOf(bob.id), await entryOf(cleo.id), await entryOf(dora.id)];

  await ok(admin, 'PATCH', `/api/contacts/${cleo.id}`, { isInactive: true });
  t.match(await ok(tech, 'GET', `/api/schedule-entries/${withCleo.id}`), { clientId: acme.id, contactId: cleo.id }, 'an inactive contact stays linked');

  await ok(admin, 'DELETE', `/api/contacts/${dora.id}`);
  t.match(await ok(tech, 'GET', `/api/schedule-entries/${withDora.id}`), { clientId: acme.id, contactId: null }, 'a deleted contact is unlinked');

  await ok(admin, 'PATCH', `/api/contacts/${bob.id}`, { clientId: globex.id });
  t.match(await ok(tech, 'GET', `/api/schedule-entries/${withBob.id}`), { clientId: acme.id, contactId: null }, 'a contact moved to another client is unlinked');

  await ok(admin, 'DELETE', `/api/clients/${acme.id}`);
  for (const entry of [withAda, withBob, withCleo, withDora]) {
    t.match(await ok(tech, 'GET', `/api/schedule-entries/${entry.id}`), { title: timed.title, clientId: null, contactId: null }, 'the entry stays, unlinked');
  }
  const audit = await db.selectFrom('audit_log').select('action').where('target_id', '=', acme.id).orderBy('id').execute();
  t.same(audit.map((a) => a.action), ['client.created', 'client.deleted'], 'the client’s delete is audited as before');
  const relink = await tech.request('PATCH', `/api/schedule-entries/${withAda.id}`, { clientId: acme.id });
  t.equal(relink.statusCode, 400, 'the deleted client cannot be linked again');
});
