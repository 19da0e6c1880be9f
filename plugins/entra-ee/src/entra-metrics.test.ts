// Entra sync observability: a finished run counts once by outcome and per managed tenant, its job's
// log lines carry tenantId, runId and jobId, and the partner app's secret never reaches a log.
import t from 'tap';
import { buildTestApp } from '@switchboard/testing';
import { startMicrosoftEmulator } from '@switchboard/emulators';
import { CLIENT_SECRET, connectDirect, PUBLIC_URL, seedEntraTenant, seedPartnerFor, waitForRun } from '@switchboard/testing/entra';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const partner = seedPartnerFor(ms, { customers: 2, usersPerCustomer: 5, seed: 41 });
const ctx = await buildTestApp({ edition: 'ee', runWorkers: true, env: { PUBLIC_URL, MICROSOFT_LOGIN_URL: ms.url, MICROSOFT_GRAPH_URL: ms.url, LOG_LEVEL: 'info' } });
t.teardown(ctx.close);
const { app, db } = ctx;

const count = async (metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> }, outcome: string) =>
  (await metric.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

t.test('a run with one failing tenant counts as partial, one tenant succeeded and one failed', async (t) => {
  const { seeded, admin } = await seedEntraTenant(app, db, 'entra-metrics');
  await connectDirect(admin, partner);
  await admin.request('POST', '/api/integrations/entra/discover');
  const preview = (await admin.request('GET', '/api/integrations/entra/mappings/preview')).json().items;
  const mappings = [];
  for (const p of preview) {
    const client = (await admin.request('POST', '/api/clients', { name: `Client for ${p.displayName}`, domains: [p.domains[0]] })).json();
    mappings.push({ managedTenantId: p.managedTenantId, action: 'map', clientId: client.id });
  }
  t.equal((await admin.request('POST', '/api/integrations/entra/mappings', { mappings })).statusCode, 200);

  ms.controls.inject({ method: 'GET', path: '^/v1\\.0/users$', kind: 'status', status: 403, times: 1 });
  const runId = (await admin.request('POST', '/api/integrations/entra/sync', { scope: 'initial' })).json().run.id;
  const run = await waitForRun(admin, runId);
  t.equal(run.status, 'partial');
  // The outcome is recorded just after the run row is finished.
  for (let i = 0; i < 100 && (await count(app.metrics.entraRuns, 'partial')) === 0; i++) await new Promise((r) => setTimeout(r, 50));
  t.equal(await count(app.metrics.entraRuns, 'partial'), 1);
  t.equal(await count(app.metrics.entraTenantRuns, 'succeeded'), 1);
  t.equal(await count(app.metrics.entraTenantRuns, 'failed'), 1);

  const lines = ctx.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.runId === runId);
  t.ok(lines.some((l) => l.msg === 'entra sync run finished'), 'the finished run is logged');
  t.ok(lines.every((l) => l.tenantId === seeded.tenantId && typeof l.jobId === 'string'), 'every line names the tenant and the job');
  t.notOk(ctx.logs.some((l) => l.includes(CLIENT_SECRET)), 'the client secret is never logged');
  const stored = await db.selectFrom('tenant_secrets').select('name').where('tenant_id', '=', seeded.tenantId).execute();
  for (const { name } of stored) {
    const value = await app.secrets.get(db, seeded.tenantId, name);
    t.notOk(value && ctx.logs.some((l) => l.includes(value)), `${name} is never logged`);
  }
});
