// The public Graph webhook under hostile input: malformed deliveries are a 400 with a field message
// (never a 500), an oversized delivery is refused before any database work, and every subscription
// id of a delivery is looked up in one query, so forged ids cost one query per delivery.
import { randomBytes } from 'node:crypto';
import t from 'tap';
import type { KyselyPlugin } from 'kysely';
import { buildTestApp, seedTenant } from '@switchboard/testing';
import { BadRequest } from '@switchboard/core';
import { MAX_GRAPH_NOTIFICATIONS } from '../schemas.js';
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

/** The database as the ingest sees it, counting every statement sent through it (a Kysely plugin). */
function countingDb() {
  const counter = { queries: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      counter.queries += 1;
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
