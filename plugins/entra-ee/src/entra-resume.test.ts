// A worker that stops in the middle of a sync: another process on the same database resumes the run
// from what was committed, and no contact is created twice.
import t from 'tap';
import { createTestDatabase } from '@switchboard/testing';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';
import { recoverStaleRuns } from './services/sync-worker.js';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 4, usersPerCustomer: 30, seed: 23 });
const database = await createTestDatabase();
t.teardown(database.close);

t.test('resume after the worker is stopped mid-run: no duplicate contacts', async (t) => {
  const first = await entraApp(t, ms, { database });
  const { seeded, admin } = await seedEntraTenant(first.app, first.db, 'entra-resume');
  await connectDirect(admin, partner);
  await admin.request('POST', '/api/integrations/entra/discover');
  const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items;
  const mappings = [];
  for (const p of preview) {
    const client = (await admin.request('POST', '/api/clients', { name: `Client for ${p.displayName}`, domains: [p.domains[0]] })).json();
    mappings.push({ managedTenantId: p.managedTenantId, action: 'map', clientId: client.id });
  }
  t.equal((await admin.request('POST', '/api/integrations/entra/mappings', { mappings })).statusCode, 200);

  // Two tenants' user listings hang, so the worker stops with two tenants done and two in flight.
  ms.controls.inject({ method: 'GET', path: '^/v1\\.0/users$', kind: 'latency', delayMs: 4000, times: 2 });
  const runId = (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' })).json().run.id;
  const done = async () => (await first.db.selectFrom('entra_sync_runs').select('id').where('parent_run_id', '=', runId).where('status', '=', 'succeeded').execute()).length;
  for (let i = 0; i < 200 && (await done()) < 2; i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await done(), 2, 'two tenants finished before the stop');
  // Worker processes share the secret key; test apps each get their own, so carry the secrets over.
  const names = await first.db.selectFrom('tenant_secrets').select('name').where('tenant_id', '=', seeded.tenantId).execute();
  const secrets = await Promise.all(names.map(async ({ name }) => ({ name, value: (await first.app.secrets.get(first.db, seeded.tenantId, name))! })));
  await first.close();
  const mid = await database.db.selectFrom('entra_sync_runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow();
  t.equal(mid.status, 'running', 'the run is left unfinished');

  const second = await entraApp(t, ms, { database });
  for (const { name, value } of secrets) await second.app.secrets.put(second.db, seeded.tenantId, name, value);
  await recoverStaleRuns(second.db, second.app.jobs, 0);
  const { signIn } = await import('@switchboard/testing');
  const again = await signIn(second.app, seeded.admin.email);
  const run = await waitForRun(again, runId);
  t.equal(run.status, 'succeeded', JSON.stringify(run.tenants.map((x: { error: string | null }) => x.error)));

  const enabledMembers = partner.customers.flatMap((c) => ms.directory.store.users(c.id)).filter((u) => u.userType === 'Member' && u.accountEnabled).length;
  const links = await second.db.selectFrom('entra_contact_links').select(['entra_user_id', 'contact_id']).where('tenant_id', '=', seeded.tenantId).execute();
  const contacts = await second.db.selectFrom('contacts').select('id').where('tenant_id', '=', seeded.tenantId).execute();
  t.equal(links.length, enabledMembers, 'every enabled member linked once');
  t.equal(contacts.length, enabledMembers, 'one contact per member, none twice');
  t.equal(run.counts.created, enabledMembers);
});
