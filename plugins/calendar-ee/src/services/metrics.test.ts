// Operability of calendar sync against the emulators: /metrics is token-protected and its counters
// move for a successful sync, a throttled call, a failed renewal and a forged webhook; no metric
// carries an id; and no secret this test stored ever reaches a log line.
import t from 'tap';
import { createScheduleEntry } from '@switchboard/core';
import { connectCalendar, eventually, GOOGLE_SECRET, MICROSOFT_SECRET, setupTenant, startCalendarApp, startEmulators } from '@switchboard/testing/calendar';

const METRICS_TOKEN = 'metrics-token-for-the-calendar-test-7d41';
const emulators = await startEmulators(t);
const ctx = await startCalendarApp(t, emulators, { listen: true, env: { METRICS_TOKEN, LOG_LEVEL: 'trace' } });
const { app, db } = ctx;
const a = await setupTenant(ctx, emulators, 'cal-metrics');

async function scrape(): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (res.statusCode !== 200) throw new Error(`scrape failed: ${res.statusCode}`);
  return res.body;
}

/** The value of one sample, 0 when the series does not exist yet. */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of (await scrape()).split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inside.split(',');
    if (wanted.every((w) => parts.includes(w)) && parts.length === wanted.length) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

const providerRow = (id: string) => db.selectFrom('calendar_providers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

t.test('/metrics answers only with the bearer token', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-of-some-length' } })).statusCode, 401);
  const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  t.equal(ok.statusCode, 200);
  t.match(ok.headers['content-type'], /^text\/plain/);
  t.match(ok.body, /switchboard_job_queue_depth/);
});

let google: { providerId: string };
t.test('a successful sync counts the job, its provider calls and the channel it created', async (t) => {
  google = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'google');
  await eventually(async () => (await providerRow(google.providerId)).channel_id);
  const succeeded = await eventually(async () => sample('switchboard_calendar_sync_jobs_total', { provider: 'google', direction: 'sync', outcome: 'succeeded' }));
  t.equal(succeeded, 1);
  t.equal(await sample('switchboard_calendar_sync_jobs_total', { provider: 'google', direction: 'sync', outcome: 'started' }), 1);
  t.equal(await sample('switchboard_calendar_sync_jobs_total', { provider: 'google', direction: 'sync', outcome: 'failed' }), 0);
  t.ok((await sample('switchboard_calendar_provider_calls_total', { provider: 'google', outcome: 'ok' })) >= 2, 'list and watch calls counted');
  t.equal(await sample('switchboard_calendar_channel_renewals_total', { provider: 'google', outcome: 'succeeded' }), 1);
  t.ok((await sample('switchboard_calendar_sync_job_duration_seconds_count', { provider: 'google', direction: 'sync', outcome: 'succeeded' })) >= 1);
  // Routes are labelled by template, and no id appears in the exposition.
  await a.tech.request('GET', `/api/calendar/providers/${google.providerId}`);
  const body = await scrape();
  t.match(body, /route="\/api\/calendar\/providers\/:id"/);
  for (const id of [google.providerId, a.tenantId, a.technician.id]) t.notOk(body.includes(id), 'no id in any label');
});

t.test('a throttled provider call counts as a 429 and the retried push succeeds', async (t) => {
  const throttled = await sample('switchboard_calendar_provider_calls_total', { provider: 'google', outcome: 'throttled' });
  const pushes = await sample('switchboard_calendar_sync_jobs_total', { provider: 'google', direction: 'push', outcome: 'succeeded' });
  emulators.google.controls.inject({ method: 'POST', path: '^/calendar/v3/calendars/[^/]+/events$', kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
  const entry = await db.transaction().execute((trx) =>
    createScheduleEntry(trx, a.tenantId, a.admin.id, {
      title: 'Throttled',
      notes: null,
      start: '2026-12-14T15:00:00.000Z',
      end: '2026-12-14T16:00:00.000Z',
      timeZone: 'Europe/London',
      allDay: false,
      recurrence: null,
      assigneeIds: [a.technician.id],
      workItemType: 'ad_hoc',
    } as Parameters<typeof createScheduleEntry>[3]),
  );
  await eventually(async () => {
    const m = await db.selectFrom('calendar_event_mappings').select('status').where('schedule_entry_id', '=', entry.id).executeTakeFirst();
    return m?.status === 'synced';
  });
  await eventually(async () => (await sample('switchboard_calendar_sync_jobs_total', { provider: 'google', direction: 'push', outcome: 'succeeded' })) > pushes);
  t.equal((await sample('switchboard_calendar_provider_calls_total', { provider: 'google', outcome: 'throttled' })) - throttled, 2, 'both 429s counted');
});

t.test('a failed renewal counts as failed', async (t) => {
  const microsoft = await connectCalendar(ctx, emulators, a.tech, a.technician.email, 'microsoft');
  await eventually(async () => (await providerRow(microsoft.providerId)).channel_id);
  const failed = await sample('switchboard_calendar_channel_renewals_total', { provider: 'microsoft', outcome: 'failed' });
  emulators.microsoft.controls.inject({ path: '^/v1.0/subscriptions', kind: 'status', status: 400, times: 0 });
  await app.jobs.send('calendar.maintain-watch', { tenantId: a.tenantId, providerId: microsoft.providerId, force: 'renew' }, { singletonKey: microsoft.providerId });
  await eventually(async () => (await providerRow(microsoft.providerId)).consecutive_failures >= 1);
  const after = await eventually(async () => {
    const n = await sample('switchboard_calendar_channel_renewals_total', { provider: 'microsoft', outcome: 'failed' });
    return n > failed ? n : null;
  });
  t.equal(after - failed, 1);
  emulators.microsoft.controls.clearFaults();
});

t.test('a forged webhook counts as received and rejected, never enqueued', async (t) => {
  const row = await providerRow(google.providerId);
  const labels = (outcome: string) => ({ provider: 'google', outcome });
  const [received, rejected, enqueued] = await Promise.all(['received', 'rejected', 'enqueued'].map((o) => sample('switchboard_calendar_webhook_notifications_total', labels(o))));
  const timed = { method: 'POST', route: '/api/calendar/webhooks/google', status: '401' };
  const [count, fast, all] = await Promise.all([
    sample('switchboard_http_request_duration_seconds_count', timed),
    sample('switchboard_http_request_duration_seconds_bucket', { ...timed, le: '10' }),
    sample('switchboard_http_request_duration_seconds_bucket', { ...timed, le: '+Inf' }),
  ]);
  const res = await app.inject({
    method: 'POST',
    url: '/api/calendar/webhooks/google',
    headers: { 'x-goog-channel-id': row.channel_id!, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': row.channel_resource_id!, 'x-goog-channel-token': 'forged' },
  });
  t.equal(res.statusCode, 401);
  t.equal((await sample('switchboard_calendar_webhook_notifications_total', labels('received'))) - received, 1);
  t.equal((await sample('switchboard_calendar_webhook_notifications_total', labels('rejected'))) - rejected, 1);
  t.equal((await sample('switchboard_calendar_webhook_notifications_total', labels('enqueued'))) - enqueued, 0);
  t.equal((await sample('switchboard_http_request_duration_seconds_count', timed)) - count, 1, 'its duration is observed under the route template and status');
  t.equal((await sample('switchboard_http_request_duration_seconds_bucket', { ...timed, le: '10' })) - fast, 1, 'in the cumulative buckets');
  t.equal((await sample('switchboard_http_request_duration_seconds_bucket', { ...timed, le: '+Inf' })) - all, 1);
  t.ok((await sample('switchboard_http_request_duration_seconds_sum', timed)) > 0);
  t.match(await scrape(), /# TYPE switchboard_http_request_duration_seconds histogram/);
});

t.test('no secret stored by this test appears in any log line', async (t) => {
  const stored = await db.selectFrom('tenant_secrets').select(['tenant_id', 'name']).execute();
  const secrets = [GOOGLE_SECRET, MICROSOFT_SECRET, METRICS_TOKEN];
  for (const s of stored) {
    const value = await app.secrets.get(db, s.tenant_id, s.name);
    if (value) secrets.push(value);
  }
  t.ok(stored.length >= 3, `checked ${stored.length} stored secrets (tokens, client secrets, webhook secrets)`);
  t.ok(ctx.logs.length > 50, `scanned ${ctx.logs.length} log lines`);
  const leaks = secrets.filter((secret) => ctx.logs.some((line) => line.includes(secret)));
  t.same(leaks.map((s) => s.slice(0, 4) + '…'), [], 'no secret in the logs');
});
