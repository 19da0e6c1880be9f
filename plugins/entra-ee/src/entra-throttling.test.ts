// Graph's identity throttling (per app + tenant, 429 + Retry-After) met by a Direct sync: the shared
// provider client waits as long as Retry-After says (the emulator counts any request that comes back
// sooner) and every tenant still finishes.
import t from 'tap';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 2, usersPerCustomer: 30, seed: 21 });
const ctx = await entraApp(t, ms);
const { admin } = await seedEntraTenant(ctx.app, ctx.db, 'entra-throttling');
await connectDirect(admin, partner);

t.test('a sync that runs into 429s waits for Retry-After and completes every tenant', async (t) => {
  t.equal((await admin.request('POST', '/api/integrations/entra/discover')).statusCode, 200);
  const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items as { managedTenantId: string; domains: string[] }[];
  const mappings = [];
  for (const [i, item] of preview.entries()) {
    const client = (await admin.request('POST', '/api/clients', { name: `Throttled ${i}`, domains: [item.domains[0]] })).json();
    mappings.push({ managedTenantId: item.managedTenantId, action: 'map', clientId: client.id });
  }
  t.equal((await admin.request('POST', '/api/integrations/entra/mappings', { mappings })).statusCode, 200);

  // One resource unit per 2 s for each app + tenant pair: a tenant's sync (delta baseline, then the
  // users listing) needs more than that.
  ms.directory.setThrottling({ quota: 1, windowSeconds: 2 });
  t.teardown(() => ms.directory.setThrottling({ quota: undefined, windowSeconds: 10 }));
  const run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' })).json().run.id);
  t.equal(run.status, 'succeeded', JSON.stringify(run.tenants.map((x: { error: string | null }) => x.error)));
  t.ok(ms.directory.throttled >= 2, `throttled ${ms.directory.throttled} times`);
  t.equal(ms.directory.retriedEarly, 0, 'no request came back before its Retry-After');
  const members = partner.customers.flatMap((c) => ms.directory.store.users(c.id)).filter((u) => u.userType === 'Member' && u.accountEnabled);
  t.equal(run.counts.created, members.length);
});
