// The public webhooks under hostile input and in bursts: malformed Graph deliveries are a 400 with a
// field message (never a 500), an oversized delivery is refused before any database work, every
// subscription id of a delivery is looked up in one query, a burst for one connection queues one
// pull, and each address has a per-minute budget (429 with Retry-After past it).
import { randomBytes } from 'node:crypto';
import t from 'tap';
import type { KyselyPlugin } from 'kysely';
import { buildTestApp, seedTenant } from '@switchboard/testing';
import { BadRequest, type JobQueue } from '@switchboard/core';
import { MAX_GRAPH_NOTIFICATIONS } from '../schemas.js';
import { PULL_JOB } from './calendar-jobs.js';
import { webhookSecretName } from './providers.js';
import { createWebhookIngest } from './webhooks.js';

const ctx = await buildTestApp({ edition: 'ee' });
t.teardown(ctx.close);
const { app, db } = ctx;
const seeded = await seedTenant(db, 'webhook-input');

// A Microsoft connection with a subscription and its clientState, as watch.ts leaves them.
const subscriptionId = `sub-${randomBytes(8).toString('hex')}`;
const clientState = randomBytes(32).toString('base64url');
const provider = await db
  .insertInto('calendar_providers')
  .values({ tenant_id: seeded.tenantId, user_id: seeded.technician.id, provider_type: 'microsoft', display_name: 'Outlook', channel_id: subscriptionId })
  .returning('id')
  .executeTakeFirstOrThrow();
await app.secrets.put(db, seeded.tenantId, webhookSecretName(provider.id), clientState);

// A Google connection with a live channel, as watch.ts leaves it.
const googleChannel = { id: `ch-${randomBytes(8).toString('hex')}`, resourceId: randomBytes(9).toString('base64url'), token: randomBytes(32).toString('base64url') };
const googleProvider = await db
  .insertInto('calendar_providers')
  .values({ tenant_id: seeded.tenantId, user_id: seeded.technician.id, provider_type: 'google', display_name: 'Google', channel_id: googleChannel.id, channel_resource_id: googleChannel.resourceId })
  .returning('id')
  .executeTakeFirstOrThrow();
await app.secrets.put(db, seeded.tenantId, webhookSecretName(googleProvider.id), googleChannel.token);
const googleHeaders = (overrides: Record<string, string> = {}) => ({
  'x-goog-channel-id': googleChannel.id,
  'x-goog-channel-token': googleChannel.token,
  'x-goog-resource-id': googleChannel.resourceId,
  'x-goog-resource-state': 'exists',
  ...overrides,
});

/** The database as the ingest sees it, counting every statement sent through it (a Kysely plugin). */
function countingDb() {
  const counter = { queries: 0, updates: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      counter.queries += 1;
      if (args.node.kind === 'UpdateQueryNode') counter.updates += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), counter };
}

const post = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/api/calendar/webhooks/microsoft', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

t.test('malformed deliveries are a 400 naming the field, never a 500', async (t) => {
  const cases: [unknown, string][] = [
    [{ value: [null] }, 'value.0'],
    [{ value: [{ subscriptionId, clientState: 12345 }] }, 'value.0.clientState'],
    [{ value: [{ subscriptionId }] }, 'value.0.clientState'],
    [{ value: [{ subscriptionId: 7, clientState }] }, 'value.0.subscriptionId'],
    [{ value: [{ subscriptionId: [subscriptionId], clientState }] }, 'value.0.subscriptionId'],
    [{ value: [{ subscriptionId: 'sub\u0000-nul', clientState }] }, 'value.0.subscriptionId'], // PostgreSQL cannot compare it
    [{ value: [{ subscriptionId, clientState, lifecycleEvent: { missed: true } }] }, 'value.0.lifecycleEvent'],
    [{ value: 'all of them' }, 'value'],
    [{ value: [] }, 'value'],
    [{}, 'value'],
    [null, 'body'],
    [[{ subscriptionId, clientState }], 'body'],
  ];
  for (const [payload, field] of cases) {
    const res = await post(payload);
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.equal(res.json().fields?.[0]?.field, field, `${JSON.stringify(payload)} ${res.body}`);
  }
  const good = await post({ value: [{ subscriptionId, clientState, changeType: 'updated', resource: 'me/events/1' }] });
  t.equal(good.statusCode, 202, 'a well-formed notification of ours is still accepted');
});

t.test('a delivery over the cap is refused before any database work', async (t) => {
  const { db: counted, counter } = countingDb();
  const ingest = createWebhookIngest({ db: counted, secrets: app.secrets, jobs: app.jobs });
  const items = Array.from({ length: MAX_GRAPH_NOTIFICATIONS + 1 }, (_, i) => ({ subscriptionId: `forged-${i}`, clientState: 'x' }));
  await t.rejects(ingest.graph({ value: items }), BadRequest);
  t.equal(counter.queries, 0);
  const res = await post({ value: items });
  t.equal(res.statusCode, 400);
  t.same(res.json().fields, [{ field: 'value', message: `must hold at most ${MAX_GRAPH_NOTIFICATIONS} notifications` }]);
});

t.test('every subscription id of a delivery is looked up in one query', async (t) => {
  const { db: counted, counter } = countingDb();
  const ingest = createWebhookIngest({ db: counted, secrets: app.secrets, jobs: app.jobs });
  const forged = Array.from({ length: MAX_GRAPH_NOTIFICATIONS - 1 }, (_, i) => ({ subscriptionId: `forged-${i}`, clientState }));
  const result = await ingest.graph({ value: [...forged, { subscriptionId, clientState }] });
  t.match(result, { status: 202, accepted: 1, rejected: MAX_GRAPH_NOTIFICATIONS - 1 });
  // One lookup of all ids, the one matching connection's clientState, its last_notification_at.
  t.equal(counter.queries, 3);

  counter.queries = 0;
  const again = await ingest.graph({ value: forged });
  t.match(again, { status: 401, accepted: 0, rejected: MAX_GRAPH_NOTIFICATIONS - 1 });
  t.equal(counter.queries, 1, 'forged ids cost one query per delivery, however many they are');
});

t.test('a burst of notifications for one connection queues one pull and writes the health timestamp once', async (t) => {
  const clock = { time: 1_000_000 };
  const pulls: unknown[] = [];
  // The real queue, counting what the ingest sends through it.
  const jobs: JobQueue = { ...app.jobs, send: (name, data, options, trx) => (name === PULL_JOB && pulls.push(data), app.jobs.send(name, data, options, trx)) };
  const { db: counted, counter } = countingDb();
  // A window longer than the test, so the pull queued for its end stays pending here.
  const ingest = createWebhookIngest({ db: counted, secrets: app.secrets, jobs }, { now: () => clock.time, coalesceMs: 3_600_000, touchEveryMs: 10_000 });

  const burst = await Promise.all(Array.from({ length: 10 }, () => ingest.google(googleHeaders())));
  t.same(burst.map((r) => r.status), Array(10).fill(200));
  t.same(pulls, [{ tenantId: seeded.tenantId, providerId: googleProvider.id }], 'ten concurrent notifications, one pull queued now');
  t.equal(counter.updates, 1, 'last_notification_at written once');

  clock.time += 5_000;
  for (let i = 0; i < 5; i++) t.equal((await ingest.google(googleHeaders())).status, 200);
  const queries = counter.queries;
  t.equal((await ingest.google(googleHeaders({ 'x-goog-resource-state': 'sync' }))).status, 200, 'the channel confirmation');
  t.equal(counter.queries, queries, 'a cached channel inside the window costs no query');
  t.equal(pulls.length, 1, 'later notifications in the window wait for the pull at its end');
  t.equal(counter.updates, 1);

  clock.time += 3_600_000;
  t.equal((await ingest.google(googleHeaders())).status, 200);
  t.equal(pulls.length, 2, 'after the window, a notification queues a pull at once');
  t.equal(counter.updates, 2, 'and the health timestamp is written again');
});

t.test('a pull that could not be queued is queued by the next notification, not left to the window', async (t) => {
  const clock = { time: 1_000_000 };
  const pulls: unknown[] = [];
  let refuse = true;
  const jobs: JobQueue = {
    ...app.jobs,
    send: async (name, data, options, trx) => {
      if (name === PULL_JOB && refuse) throw new Error('the queue is unreachable');
      if (name === PULL_JOB) pulls.push(data);
      return app.jobs.send(name, data, options, trx);
    },
  };
  const ingest = createWebhookIngest({ db, secrets: app.secrets, jobs }, { now: () => clock.time, coalesceMs: 3_600_000 });
  await t.rejects(ingest.google(googleHeaders()), /unreachable/, 'the provider gets an error and retries');
  refuse = false;
  clock.time += 100;
  t.equal((await ingest.google(googleHeaders())).status, 200);
  t.equal(pulls.length, 1, 'queued at once, although inside the window of the failed one');
});

t.test('Google notifications are verified: unknown channel 404, wrong token or resource 401, missing headers 400', async (t) => {
  const ingest = createWebhookIngest({ db, secrets: app.secrets, jobs: app.jobs });
  t.equal((await ingest.google(googleHeaders({ 'x-goog-channel-id': 'no-such-channel' }))).status, 404);
  t.equal((await ingest.google(googleHeaders({ 'x-goog-channel-token': randomBytes(32).toString('base64url') }))).status, 401);
  t.equal((await ingest.google(googleHeaders({ 'x-goog-channel-token': 'short' }))).status, 401);
  t.equal((await ingest.google(googleHeaders({ 'x-goog-resource-id': 'someone-elses' }))).status, 401);
  t.equal((await ingest.google({ 'x-goog-channel-id': googleChannel.id })).status, 400);
  t.match(await ingest.google(googleHeaders()), { status: 200, accepted: 1, rejected: 0 });
});

t.test('each address gets WEBHOOK_RATE_LIMIT_PER_MINUTE webhook requests a minute, then a 429 with Retry-After', async (t) => {
  const limited = await buildTestApp({ edition: 'ee', database: ctx.database, keyring: ctx.keyring, env: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '3' } });
  t.teardown(limited.close);
  const google = (remoteAddress: string) => limited.app.inject({ method: 'POST', url: '/api/calendar/webhooks/google', remoteAddress, headers: googleHeaders() });
  const handshake = (remoteAddress: string) => limited.app.inject({ method: 'POST', url: '/api/calendar/webhooks/microsoft?validationToken=hello', remoteAddress });

  t.same([(await google('203.0.113.5')).statusCode, (await google('203.0.113.5')).statusCode, (await handshake('203.0.113.5')).statusCode], [200, 200, 200]);
  for (const refused of [await google('203.0.113.5'), await handshake('203.0.113.5')]) {
    t.equal(refused.statusCode, 429, 'both webhook URLs share the address budget');
    const wait = Number(refused.headers['retry-after']);
    t.ok(wait >= 1 && wait <= 60, `Retry-After ${refused.headers['retry-after']}`);
    t.match(refused.json(), { statusCode: 429, error: 'Too Many Requests', message: /retry in \d+ seconds/ });
    t.equal(refused.headers['x-content-type-options'], 'nosniff', 'still with the security headers');
  }
  t.equal((await google('198.51.100.9')).statusCode, 200, 'another address has its own budget');
  t.equal((await handshake('198.51.100.9')).body, 'hello');
});

t.test('a webhook logs nothing when all goes well; a rejection is logged at warn with its request id', async (t) => {
  const before = ctx.logs.length;
  t.equal((await app.inject({ method: 'POST', url: '/api/calendar/webhooks/google', headers: googleHeaders() })).statusCode, 200);
  t.same(ctx.logs.slice(before), [], 'no line for an accepted notification');
  t.equal((await app.inject({ method: 'POST', url: '/api/calendar/webhooks/google', headers: googleHeaders({ 'x-goog-resource-id': 'forged' }) })).statusCode, 401);
  const lines = ctx.logs.slice(before).map((line) => JSON.parse(line) as { level: number; msg: string; reqId?: string; status?: number });
  t.match(lines, [{ level: 40, msg: 'calendar webhook rejected', status: 401, reqId: /^req-/ }]);
});
