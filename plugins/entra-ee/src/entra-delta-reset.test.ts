// Tenants of one run never block each other, and a stored users/delta link that Graph refuses in an
// unexpected way resets to a full listing (once per run) instead of failing the tenant forever —
// except for token/consent refusals (401/403) and outages, which fail readably and keep the link.
import t from 'tap';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { CLIENT_SECRET, connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';
import { TENANT_CONCURRENCY } from './services/sync-worker.js';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
// More tenants than lanes, so the slow one holds a lane while the rest queue through the others.
const partner = seedPartnerFor(ms, { customers: TENANT_CONCURRENCY + 2, usersPerCustomer: 8, seed: 47 });
const ctx = await entraApp(t, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-delta-reset');
const store = ms.directory.store;

await connectDirect(admin, partner);
await admin.request('POST', '/api/integrations/entra/discover');
const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items as { managedTenantId: string; entraTenantId: string; displayName: string; domains: string[] }[];
const clientOf = new Map<string, string>();
for (const p of preview) {
  const client = (await admin.request('POST', '/api/clients', { name: `Client of ${p.displayName}`, domains: [p.domains[0]] })).json();
  clientOf.set(p.entraTenantId, client.id);
}
await admin.request('POST', '/api/integrations/entra/mappings', { mappings: preview.map((p) => ({ managedTenantId: p.managedTenantId, action: 'map', clientId: clientOf.get(p.entraTenantId) })) });

const [failing, slow, first] = partner.customers;
const tenantRuns = (runId: string) =>
  ctx.db.selectFrom('entra_sync_runs as r').innerJoin('entra_managed_tenants as m', 'm.id', 'r.managed_tenant_id').select(['m.entra_tenant_id', 'r.status', 'r.mode', 'r.error', 'r.finished_at']).where('r.parent_run_id', '=', runId).execute();
const deltaLinks = async () => new Map((await ctx.db.selectFrom('entra_managed_tenants').select(['entra_tenant_id', 'delta_link']).where('tenant_id', '=', seeded.tenantId).execute()).map((m) => [m.entra_tenant_id, m.delta_link]));
const start = async (path = '/api/integrations/entra/sync') => {
  const started = await admin.request('POST', path, {});
  if (started.statusCode !== 202) throw new Error(`sync: ${started.statusCode} ${started.body}`);
  return started.json().run.id as string;
};
const sync = async (path?: string) => waitForRun(admin, await start(path));
const syncClient = (entraTenantId: string) => sync(`/api/integrations/entra/clients/${clientOf.get(entraTenantId)}/sync`);
type TenantRun = { entraTenantId: string; status: string; mode: string; error: string | null };
const modes = (run: { tenants: TenantRun[] }) => [...new Set(run.tenants.map((x) => x.mode))];
const errors = (run: { tenants: TenantRun[] }) => run.tenants.map((x) => x.error);

t.test('a tenant that fails and one that is slow do not hold up the others', async (t) => {
  // Per-tenant faults on the token endpoint (its path names the tenant): one refused, one answering late.
  ms.controls.inject({ method: 'POST', path: `^/${failing.id}/oauth2/v2\\.0/token$`, kind: 'status', status: 500, times: 0 });
  ms.controls.inject({ method: 'POST', path: `^/${slow.id}/oauth2/v2\\.0/token$`, kind: 'latency', delayMs: 15_000, times: 1 });
  const runId = await start();
  const others = partner.customers.filter((c) => c !== slow && c !== failing).map((c) => c.id);
  let settled = await tenantRuns(runId);
  const othersDone = () => settled.filter((r) => others.includes(r.entra_tenant_id) && r.status === 'succeeded').length === others.length;
  for (let i = 0; i < 600 && !othersDone(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    settled = await tenantRuns(runId);
  }
  t.ok(othersDone(), 'every other tenant finished');
  const slowRow = settled.find((r) => r.entra_tenant_id === slow.id)!;
  t.equal(slowRow.finished_at, null, 'the slow tenant is still in flight while every other tenant has finished');
  t.notOk(settled.some((r) => others.includes(r.entra_tenant_id) && r.error), 'the others succeeded');

  const run = await waitForRun(admin, runId);
  ms.controls.clearFaults();
  t.equal(run.status, 'partial');
  const byTenant = new Map<string, TenantRun>(run.tenants.map((x: TenantRun) => [x.entraTenantId, x]));
  t.equal(byTenant.get(slow.id)!.status, 'succeeded', 'the slow tenant finishes too');
  t.equal(byTenant.get(failing.id)!.status, 'failed');
  t.match(byTenant.get(failing.id)!.error, new RegExp(`Microsoft refused a token for tenant ${failing.id}`));
  t.notOk(JSON.stringify(run).includes(CLIENT_SECRET));
  const contacts = await ctx.db.selectFrom('contacts').select('client_id').where('tenant_id', '=', seeded.tenantId).execute();
  for (const c of partner.customers) {
    const made = contacts.filter((x) => x.client_id === clientOf.get(c.id)).length;
    if (c === failing) t.equal(made, 0, 'nothing for the failed tenant');
    else t.ok(made > 0, `contacts for ${c.displayName}`);
  }

  const again = await sync();
  t.equal(again.status, 'succeeded', 'the failed tenant catches up on the next run');
});

t.test('a stored delta link answered 404 UnknownError resets to a full listing', async (t) => {
  const before = await deltaLinks();
  const gone = store.users(first.id).find((u) => u.userType === 'Member' && u.accountEnabled)!;
  const link = await ctx.db.selectFrom('entra_contact_links').select('contact_id').where('entra_user_id', '=', gone.id).executeTakeFirstOrThrow();
  ms.directory.deleteUser(gone.id);
  ms.directory.expireDeltaTokens({ status: 404, code: 'UnknownError' });
  const run = await sync();
  t.equal(run.status, 'succeeded', JSON.stringify(errors(run)));
  t.same(modes(run), ['full'], 'every tenant listed in full');
  t.match(run.counts, { created: 0, linked: 0, inactivated: 1 }, 'the user the listing no longer sees is inactivated; nobody is duplicated');
  t.equal((await ctx.db.selectFrom('contacts').select('is_inactive').where('id', '=', link.contact_id!).executeTakeFirstOrThrow()).is_inactive, true);
  const after = await deltaLinks();
  t.ok([...after].every(([id, l]) => l && l !== before.get(id)), 'a new delta baseline for every tenant');
  const next = await sync();
  t.same(modes(next), ['delta'], 'delta rounds resume');
  t.match(next.counts, { created: 0, updated: 0, inactivated: 0 });
});

t.test('a 400 with another error code resets too', async (t) => {
  ms.directory.expireDeltaTokens({ status: 400, code: 'Request_BadRequest' });
  const run = await sync();
  t.equal(run.status, 'succeeded', JSON.stringify(errors(run)));
  t.same(modes(run), ['full']);
  t.match(run.counts, { created: 0, linked: 0 });
});

for (const [status, code] of [
  [401, 'InvalidAuthenticationToken'],
  [403, 'Authorization_RequestDenied'],
] as const) {
  t.test(`no reset on ${status}: each tenant fails readably and keeps its delta link`, async (t) => {
    const before = await deltaLinks();
    const listings = ms.controls.count('GET /v1.0/users');
    ms.directory.expireDeltaTokens({ status, code });
    const run = await sync();
    t.equal(run.status, 'failed');
    t.ok(run.tenants.every((x: TenantRun) => x.status === 'failed' && x.error === `Microsoft Graph answered ${status} (${code})`), JSON.stringify(errors(run)));
    t.same(await deltaLinks(), before, 'the links are kept');
    t.equal(ms.controls.count('GET /v1.0/users'), listings, 'no full listing was attempted');
  });
}

t.test('no reset on a server error: the tenant fails and keeps its link', async (t) => {
  ms.directory.expireDeltaTokens('expired');
  await sync(); // recovers from the 401/403 rounds above (syncStateNotFound → full listing)
  const before = await deltaLinks();
  ms.controls.inject({ method: 'GET', path: '^/v1\\.0/users/delta$', kind: 'status', status: 500, times: 1 });
  const run = await syncClient(first.id);
  t.equal(run.status, 'failed');
  t.match(run.tenants[0].error, /answered 500/);
  t.equal((await deltaLinks()).get(first.id), before.get(first.id));
  t.equal((await syncClient(first.id)).status, 'succeeded', 'the next run reads the same link');
});

t.test('reset once per run: when the full listing fails too, the tenant fails', async (t) => {
  const deltaCalls = ms.controls.count('GET /v1.0/users/delta');
  // The stored link and then the new baseline are both refused.
  ms.controls.inject({ method: 'GET', path: '^/v1\\.0/users/delta$', kind: 'status', status: 400, times: 2 });
  const run = await syncClient(first.id);
  t.equal(run.status, 'failed');
  t.match(run.tenants[0].error, /answered 400/);
  t.equal(ms.controls.count('GET /v1.0/users/delta'), deltaCalls + 2, 'one reset, no loop');
  t.equal((await deltaLinks()).get(first.id), null, 'the refused link is gone');
  const next = await syncClient(first.id);
  t.equal(next.status, 'succeeded');
  t.equal(next.tenants[0].mode, 'full', 'the next run lists the tenant in full');
  t.ok((await deltaLinks()).get(first.id));
});
