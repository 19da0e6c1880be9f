// Tenants become clients: the mapping confirm's create_client decision creates a PSA client from a
// managed tenant (its name, its own verified domains) and maps the tenant to it, all or nothing,
// audited, refused when it looks like an existing client; then the sync fills the new clients.
import t from 'tap';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 4, usersPerCustomer: 8, seed: 23 });
const ctx = await entraApp(t, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-create-clients');
const store = ms.directory.store;
const [first, second, third, fourth] = partner.customers;
await connectDirect(admin, partner);
const discovered = await admin.request('POST', '/api/integrations/entra/discover');
if (discovered.statusCode !== 200) throw new Error(`discover: ${discovered.body}`);

// The PSA already knows the third customer under its Entra name, with no domain in common.
const existing = (await admin.request('POST', '/api/clients', { name: third.displayName, domains: ['known-elsewhere.example'] })).json();

const preview = async () => (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items as { managedTenantId: string; entraTenantId: string; state: string; clientId: string | null; newClient: { name: string; domains: string[] } | null }[];
const rowOf = async (entraTenantId: string) => (await preview()).find((p) => p.entraTenantId === entraTenantId)!;
const idOf = async (entraTenantId: string) => (await rowOf(entraTenantId)).managedTenantId;
const confirm = (mappings: unknown[]) => admin.request('POST', '/api/integrations/entra/mappings', { mappings });
const clientCount = async () => (await admin.request('GET', '/api/clients')).json().total as number;
const ownDomains = (tenantId: string) => store.tenants.get(tenantId)!.domains.filter((d) => d.isVerified && !d.isInitial).map((d) => d.id).sort();

t.test('the preview proposes each unmapped tenant as a client: its name and its own verified domains', async (t) => {
  const row = await rowOf(first.id);
  t.equal(row.newClient?.name, first.displayName);
  t.same(row.newClient?.domains.slice().sort(), ownDomains(first.id), 'the Microsoft-assigned onmicrosoft.com domain and unverified domains are left out');
  t.ok(ownDomains(first.id).length > 0);
  t.match(await rowOf(third.id), { state: 'needs_review' }, 'the known name is a candidate to review');
});

t.test('bad create_client decisions are refused with a 400 naming each field, and nothing is written', async (t) => {
  const before = await clientCount();
  const unknown = await confirm([{ managedTenantId: '00000000-0000-4000-8000-000000000000', action: 'create_client' }]);
  t.equal(unknown.statusCode, 400);
  t.same(unknown.json().fields, [{ field: 'mappings.0.managedTenantId', message: 'no such managed tenant' }]);

  const empty = await confirm([{ managedTenantId: await idOf(first.id), action: 'create_client', name: '   ' }]);
  t.equal(empty.statusCode, 400);
  t.same(empty.json().fields, [{ field: 'mappings.0.name', message: 'must not be empty' }]);

  const badDomain = await confirm([{ managedTenantId: await idOf(first.id), action: 'create_client', domains: ['not a domain'] }]);
  t.equal(badDomain.statusCode, 400);
  t.same(badDomain.json().fields, [{ field: 'mappings.0.domains.0', message: 'must be a domain name such as example.com' }]);

  const duplicate = await confirm([{ managedTenantId: await idOf(third.id), action: 'create_client' }]);
  t.equal(duplicate.statusCode, 400);
  t.equal(duplicate.json().fields.length, 1);
  t.match(duplicate.json().fields[0], { field: 'mappings.0.name', message: `a client named "${third.displayName}" already exists: map the tenant to it, or choose another name` });

  const sharedDomain = await confirm([{ managedTenantId: await idOf(first.id), action: 'create_client', domains: ['known-elsewhere.example'] }]);
  t.equal(sharedDomain.statusCode, 400);
  t.match(sharedDomain.json().fields, [{ field: 'mappings.0.domains', message: /the client ".+" already has known-elsewhere\.example/ }]);

  const twice = await confirm([
    { managedTenantId: await idOf(first.id), action: 'create_client', name: 'Twin Name Ltd' },
    { managedTenantId: await idOf(second.id), action: 'create_client', name: 'Twin Name Limited' },
  ]);
  t.equal(twice.statusCode, 400, 'two new clients with the same name in one request');
  t.same(twice.json().fields.map((f: { field: string }) => f.field), ['mappings.1.name']);

  // All or nothing: the first decision was valid, the second refused, so neither happened.
  const mixed = await confirm([
    { managedTenantId: await idOf(first.id), action: 'create_client' },
    { managedTenantId: await idOf(third.id), action: 'create_client' },
  ]);
  t.equal(mixed.statusCode, 400);
  t.equal(await clientCount(), before, 'no client was created');
  t.match(await rowOf(first.id), { state: 'unmatched', clientId: null }, 'no mapping was written');
});

let created: { managedTenantId: string; clientId: string; name: string; domains: string[]; created: boolean }[] = [];

t.test('create clients in bulk: each tenant mapped to its new client, audited; the preview shows them mapped', async (t) => {
  const before = await clientCount();
  const body = [
    { managedTenantId: await idOf(first.id), action: 'create_client' },
    { managedTenantId: await idOf(second.id), action: 'create_client' },
    { managedTenantId: await idOf(third.id), action: 'create_client', name: `${third.displayName} (Entra)`, domains: [] },
    { managedTenantId: await idOf(fourth.id), action: 'skip' },
  ];
  const res = await confirm(body);
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().updated, 4);
  created = res.json().clients;
  t.equal(created.length, 3);
  t.ok(created.every((c) => c.created));
  t.equal(await clientCount(), before + 3);
  const firstClient = created.find((c) => c.managedTenantId === body[0].managedTenantId)!;
  t.equal(firstClient.name, first.displayName);
  t.same(firstClient.domains.slice().sort(), ownDomains(first.id));
  t.match(created.find((c) => c.managedTenantId === body[2].managedTenantId), { name: `${third.displayName} (Entra)`, domains: [] }, 'a name and domains of the admin’s choosing');

  const rows = await preview();
  for (const c of created) t.match(rows.find((p) => p.managedTenantId === c.managedTenantId), { state: 'mapped', clientId: c.clientId, newClient: null });
  t.match(await rowOf(fourth.id), { state: 'skipped' });

  const audit = await ctx.db.selectFrom('audit_log').select(['action', 'target_id', 'details']).where('tenant_id', '=', seeded.tenantId).where('action', 'in', ['client.created', 'entra.mappings_confirmed']).execute();
  const clientAudit = audit.filter((a) => a.action === 'client.created' && created.some((c) => c.clientId === a.target_id));
  t.equal(clientAudit.length, 3, 'each new client is audited like one created by hand');
  t.match(clientAudit[0].details, { source: 'entra' });
  const confirmed = audit.filter((a) => a.action === 'entra.mappings_confirmed');
  t.equal(confirmed.length, 1, 'refused requests left no audit row');
  t.same((confirmed[0].details as { createdClientIds: string[] }).createdClientIds.sort(), created.map((c) => c.clientId).sort());
});

t.test('the same create_client again changes nothing; creating for a tenant mapped elsewhere is a 409', async (t) => {
  const before = await clientCount();
  const again = await confirm([{ managedTenantId: await idOf(first.id), action: 'create_client' }]);
  t.equal(again.statusCode, 200, again.body);
  const firstClient = created.find((c) => c.name === first.displayName)!;
  t.same(again.json().clients, [{ ...firstClient, created: false }], 'answers with the client it made the first time');
  t.equal(await clientCount(), before);

  const other = await confirm([{ managedTenantId: await idOf(first.id), action: 'create_client', name: 'Another Company' }]);
  t.equal(other.statusCode, 409);
  t.equal(other.json().message, `"${first.displayName}" is already mapped to the client "${first.displayName}". Unmap it first to create a new client for it.`);
  t.equal(await clientCount(), before);
});

t.test('the initial sync fills the new clients with their tenants’ users', async (t) => {
  const started = await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' });
  t.equal(started.statusCode, 202, started.body);
  const run = await waitForRun(admin, started.json().run.id);
  t.equal(run.status, 'succeeded', JSON.stringify(run));
  t.equal(run.tenants.length, 3, 'the three tenants mapped to new clients, not the skipped one');
  for (const [customer, client] of [first, second, third].map((c, i) => [c, created[i]] as const)) {
    const expected = store.users(customer.id).filter((u) => u.userType === 'Member' && u.accountEnabled).length;
    const contacts = await ctx.db.selectFrom('contacts').select('id').where('tenant_id', '=', seeded.tenantId).where('client_id', '=', client.clientId).execute();
    t.equal(contacts.length, expected, `${client.name}: a contact per enabled member`);
  }
});
