// Benchmark: Direct initial sync of 200 customer tenants × 250 users (50,000 users) against the
// Microsoft emulator with 20 ms latency on every request, then a re-run with no Entra changes.
// Prints wall time, Graph/identity requests, contact writes and peak RSS.
// Run: npx tsx scripts/bench/entra-initial-sync.ts [customers] [usersPerCustomer] [latencyMs]
import { performance } from 'node:perf_hooks';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { connectDirect, entraApp, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';

const [customers = 200, usersPerCustomer = 250, latencyMs = 20] = process.argv.slice(2).map(Number);
const fakeTest = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as import('tap').Test;
const cleanups: (() => unknown)[] = [];
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

const ms = await startMicrosoftEmulator();
const partner = seedPartnerFor(ms, { customers, usersPerCustomer, seed: 2026 });
const ctx = await entraApp(fakeTest, ms);
const { seeded, admin } = await seedEntraTenant(ctx.app, ctx.db, 'bench');
await connectDirect(admin, partner);
ms.controls.setLatency(latencyMs);

let t0 = performance.now();
const discovered = (await admin.request('POST', '/api/integrations/entra/discover')).json();
console.log(`discover: ${discovered.discovered} tenants in ${Math.round(performance.now() - t0)} ms`);
const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items as { managedTenantId: string; domains: string[] }[];
const mappings = [];
for (const [i, p] of preview.entries()) {
  const client = (await admin.request('POST', '/api/clients', { name: `Bench client ${i}`, domains: [p.domains[0]] })).json();
  mappings.push({ managedTenantId: p.managedTenantId, action: 'map', clientId: client.id });
}
await admin.request('POST', '/api/integrations/entra/mappings', { mappings });

const countRequests = () => Object.values(ms.controls.counts()).reduce((a, b) => a + b, 0);
let before = countRequests();
t0 = performance.now();
let run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' })).json().run.id, 3_600_000);
const initialMs = performance.now() - t0;
console.log(`initial sync: ${run.status}, ${Math.round(initialMs)} ms wall, ${run.graphCalls} requests counted by the run (${countRequests() - before} seen by the emulator), counts ${JSON.stringify(run.counts)}`);

const snapshot = async () => (await ctx.db.selectFrom('contacts').select(['id', 'updated_at']).where('tenant_id', '=', seeded.tenantId).orderBy('id').execute()).map((c) => `${c.id}@${c.updated_at.toISOString()}`).join();
const contactsBefore = await snapshot();
before = countRequests();
t0 = performance.now();
run = await waitForRun(admin, (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'all' })).json().run.id, 3_600_000);
const rerunMs = performance.now() - t0;
const writes = run.counts.created + run.counts.linked + run.counts.updated + run.counts.inactivated;
console.log(`no-change re-run: ${run.status}, ${Math.round(rerunMs)} ms wall, ${countRequests() - before} requests, contact writes ${writes}, contacts unchanged: ${contactsBefore === (await snapshot())}`);
console.log(`peak RSS (API + emulator in one process): ${mb(process.resourceUsage().maxRSS)}`);

for (const fn of cleanups.reverse()) await fn();
await ms.close();
process.exit(0);
