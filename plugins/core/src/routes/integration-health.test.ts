// Integration health: the admin view lists each condition with reason and action, tenant-scoped;
// the periodic reconcile raises each to the admins once and resolves it when it clears. Also: with
// no METRICS_TOKEN configured, /metrics does not exist.
import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp, seedTenant, signIn } from '@switchboard/testing';
import { reconcileHealthNotifications } from '../services/integration-health.js';
import { HEALTH_JOB } from './integration-health.js';

// Push over http is allowed (as against the emulators), so a plain-http PUBLIC_URL adds no condition
// here; calendar-ee's push-availability test covers that one.
const ctx = await buildTestApp({ edition: 'ee', env: { SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS: 'true' } });
t.teardown(ctx.close);
const { app, db } = ctx;
const a = await seedTenant(db, 'health-a');
const b = await seedTenant(db, 'health-b');
const admin = await signIn(app, a.admin.email);

const provider = await db
  .insertInto('calendar_providers')
  .values({ tenant_id: a.tenantId, user_id: a.technician.id, provider_type: 'google', display_name: 'Google Calendar', status: 'error', error_message: 'The calendar account no longer grants Switchboard access.', needs_reconnect: true })
  .returning('id')
  .executeTakeFirstOrThrow();
const renewing = await db
  .insertInto('calendar_providers')
  .values({ tenant_id: a.tenantId, user_id: a.admin.id, provider_type: 'microsoft', display_name: 'Outlook', status: 'connected', consecutive_failures: 2 })
  .returning('id')
  .executeTakeFirstOrThrow();
await db
  .insertInto('entra_sync_runs')
  .values({ tenant_id: a.tenantId, scope: 'all', scope_key: 'all', status: 'failed', error: '2 of 2 tenants failed.', finished_at: new Date(Date.now() - 60_000) })
  .execute();
const jobId = await app.jobs.send(HEALTH_JOB, { tenantId: a.tenantId });
// As if the job had been waiting for 20 minutes with no worker to take it.
await sql`update pgboss.job set start_after = now() - interval '20 minutes', created_on = now() - interval '20 minutes' where id = ${jobId}`.execute(db);

const openAlerts = (tenantId: string) =>
  db.selectFrom('notifications').select(['user_id', 'dedupe_key', 'kind', 'resolved_at']).where('tenant_id', '=', tenantId).where('dedupe_key', 'like', 'integration-health:%').where('resolved_at', 'is', null).execute();

t.test('the health view lists every condition with its reason and action', async (t) => {
  const res = await admin.request('GET', '/api/integrations/health');
  t.equal(res.statusCode, 200);
  const items = res.json().items as { kind: string; subject: string; reason: string; action: string; severity: string }[];
  t.same(items.map((i) => i.kind).sort(), ['calendar_provider_error', 'calendar_renewal_failed', 'entra_run_failed', 'stuck_jobs']);
  t.match(items.find((i) => i.kind === 'calendar_provider_error'), { severity: 'error', subject: /Google calendar of tech/, reason: /no longer grants/, action: /reconnects the calendar/ });
  t.match(items.find((i) => i.kind === 'calendar_renewal_failed'), { reason: /failed 2 time/ });
  t.match(items.find((i) => i.kind === 'stuck_jobs'), { subject: `Job queue ${HEALTH_JOB}`, reason: /1 job/ });
  t.match(items.find((i) => i.kind === 'entra_run_failed'), { reason: '2 of 2 tenants failed.' });
  for (const i of items) t.notOk(JSON.stringify(i).includes(provider.id), 'no internal ids');
});

t.test('who may see it: settings viewers yes; technicians and portal users no; other tenants see their own', async (t) => {
  t.equal((await (await signIn(app, a.viewer.email)).request('GET', '/api/integrations/health')).statusCode, 200);
  t.equal((await (await signIn(app, a.technician.email)).request('GET', '/api/integrations/health')).statusCode, 403);
  t.equal((await (await signIn(app, a.clientUser.email)).request('GET', '/api/integrations/health')).statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url: '/api/integrations/health' })).statusCode, 401);
  t.same((await (await signIn(app, b.admin.email)).request('GET', '/api/integrations/health')).json(), { items: [] });
});

t.test('each condition is raised to the admins once, not once per run', async (t) => {
  const first = await reconcileHealthNotifications(db, a.tenantId);
  t.equal(first.raised, 4, 'four conditions, one admin');
  const second = await reconcileHealthNotifications(db, a.tenantId);
  t.same(second, { raised: 0, resolved: 0 }, 'nothing new');
  const alerts = await openAlerts(a.tenantId);
  t.equal(alerts.length, 4);
  t.ok(alerts.every((n) => n.user_id === a.admin.id), 'only the admin is told');
  t.equal((await openAlerts(b.tenantId)).length, 0, 'the other tenant is not told');
  const list = (await admin.request('GET', '/api/notifications')).json();
  t.equal(list.items.filter((n: { kind: string }) => n.kind.startsWith('integration.')).length, 4);
});

t.test('conditions that clear are resolved; the rest stay open', async (t) => {
  await db.updateTable('calendar_providers').set({ status: 'connected', error_message: null, needs_reconnect: false }).where('id', '=', provider.id).execute();
  await sql`update pgboss.job set state = 'completed', completed_on = now() where id = ${jobId}`.execute(db);
  await db.insertInto('entra_sync_runs').values({ tenant_id: a.tenantId, scope: 'all', scope_key: 'all', status: 'succeeded', finished_at: new Date() }).execute();
  const result = await reconcileHealthNotifications(db, a.tenantId);
  t.same(result, { raised: 0, resolved: 3 });
  t.same((await openAlerts(a.tenantId)).map((n) => n.kind), ['integration.calendar_renewal_failed']);
  await db.updateTable('calendar_providers').set({ consecutive_failures: 0 }).where('id', '=', renewing.id).execute();
  t.same(await reconcileHealthNotifications(db, a.tenantId), { raised: 0, resolved: 1 });
  t.same((await admin.request('GET', '/api/integrations/health')).json(), { items: [] });
  // Raised again when it comes back: a new notification, since the old one is resolved.
  await db.updateTable('calendar_providers').set({ consecutive_failures: 1 }).where('id', '=', renewing.id).execute();
  t.same(await reconcileHealthNotifications(db, a.tenantId), { raised: 1, resolved: 0 });
});

t.test('an Entra connection Microsoft no longer accepts is a condition until it is reconnected', async (t) => {
  const connection = await db
    .insertInto('entra_connections')
    .values({ tenant_id: b.tenantId, kind: 'cipp', status: 'needs_reconnect', cipp_base_url: 'https://cipp.example', cipp_client_id: 'c', cipp_authority_tenant: 't', last_error: 'Microsoft no longer accepts the partner sign-in (AADSTS700082).' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const items = (await (await signIn(app, b.admin.email)).request('GET', '/api/integrations/health')).json().items;
  t.match(items, [{ kind: 'entra_needs_reconnect', severity: 'error', reason: /AADSTS700082/, action: /Reconnect/ }]);
  t.same(await reconcileHealthNotifications(db, b.tenantId), { raised: 1, resolved: 0 });
  await db.updateTable('entra_connections').set({ status: 'connected' }).where('id', '=', connection.id).execute();
  t.same(await reconcileHealthNotifications(db, b.tenantId), { raised: 0, resolved: 1 });
});

t.test('without METRICS_TOKEN, /metrics does not exist', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer anything-at-all-here' } });
  t.equal(res.statusCode, 404);
});
