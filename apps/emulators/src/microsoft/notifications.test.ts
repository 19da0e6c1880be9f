import t from 'tap';
import { echoHandshake, signIn, startGraph, startReceiver, type GraphUser, type Receiver } from './graph-calendar-testing.js';

const ms = await startGraph(t);
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const event = (subject: string) => ({ subject, start: { dateTime: '2026-06-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-06-01T11:00:00', timeZone: 'UTC' } });

async function subscribe(user: GraphUser, hook: Receiver, extra: Record<string, unknown> = {}) {
  const response = await user.call('POST', '/subscriptions', {
    changeType: 'created,updated,deleted',
    notificationUrl: hook.url,
    resource: 'me/events',
    expirationDateTime: inMinutes(60),
    clientState: 'SecretClientState',
    ...extra,
  });
  if (response.status !== 201) throw new Error(`subscribe answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

t.test('every create, update and delete is POSTed to the notificationUrl', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  const sub = await subscribe(user, hook);
  const created = (await user.call('POST', '/me/events', event('Review'))).body;
  const updated = (await user.call('PATCH', `/me/events/${created.id}`, { subject: 'Review 2' })).body;
  await user.call('DELETE', `/me/events/${created.id}`);
  const received = await hook.waitFor(3);
  const items = received.map((n) => n.value[0]);
  t.same(items.map((i) => i.changeType).sort(), ['created', 'deleted', 'updated']);
  const update = items.find((i) => i.changeType === 'updated');
  t.match(update, {
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: sub.expirationDateTime,
    clientState: 'SecretClientState',
    tenantId: user.tenantId,
    resource: `Users/${user.userId}/Events/${created.id}`,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Event',
      '@odata.id': `Users/${user.userId}/Events/${created.id}`,
      '@odata.etag': updated['@odata.etag'],
      id: created.id,
    },
  });
  const post = hook.received.find((r) => !r.query.has('validationToken'))!;
  t.match(post.headers['content-type'], /^application\/json/);
});

t.test('only the subscribed change types and mailbox are notified; delivery does not block the reply', async (t) => {
  const user = signIn(ms);
  const neighbour = signIn(ms, ['Calendars.ReadWrite'], { tenantId: user.tenantId });
  const hook = await startReceiver(t, (request, response) => {
    // A slow receiver (under the delivery timeout): the API must not wait for it.
    if (request.query.has('validationToken')) return echoHandshake(request, response);
    setTimeout(() => echoHandshake(request, response), 400);
  });
  await subscribe(user, hook, { changeType: 'deleted' });
  const started = Date.now();
  const created = (await user.call('POST', '/me/events', event('a'))).body;
  t.ok(Date.now() - started < 300, 'the create answered before the receiver did');
  await neighbour.call('DELETE', `/me/events/${(await neighbour.call('POST', '/me/events', event('b'))).body.id}`);
  await user.call('DELETE', `/me/events/${created.id}`);
  const received = await hook.waitFor(1);
  await ms.calendar.notificationsIdle();
  t.equal(hook.notifications().length, 1);
  t.equal(received[0].value[0].changeType, 'deleted');
  t.equal(received[0].value[0].resourceData.id, created.id);
});

t.test('injected drop and duplicate faults', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  await subscribe(user, hook, { changeType: 'created' });
  await fetch(`${ms.url}/_emulator/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ drop: 1 }) });
  await user.call('POST', '/me/events', event('dropped'));
  await fetch(`${ms.url}/_emulator/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ duplicate: 1 }) });
  const twice = (await user.call('POST', '/me/events', event('twice'))).body;
  await ms.calendar.notificationsIdle();
  const ids = hook.notifications().map((n) => n.value[0].resourceData.id);
  t.same(ids, [twice.id, twice.id]);
  const deliveries = (await (await fetch(`${ms.url}/_emulator/graph/deliveries`)).json()).value;
  t.ok(deliveries.some((d: any) => d.outcome === 'dropped'));
});

t.test('a failing receiver is retried until it answers 2xx, then given up', async (t) => {
  const user = signIn(ms);
  let failures = 2;
  const flaky = await startReceiver(t, (request, response) => {
    if (request.query.has('validationToken')) return echoHandshake(request, response);
    if (failures-- > 0) return void response.writeHead(503).end();
    response.writeHead(202).end();
  });
  await subscribe(user, flaky, { changeType: 'created' });
  await user.call('POST', '/me/events', event('retried'));
  await ms.calendar.notificationsIdle();
  t.equal(flaky.notifications().length, 3, 'two 503s then a 202');
  const delivery = ms.calendar.deliveries.find((d) => d.url === flaky.url)!;
  t.match(delivery, { attempts: 3, status: 202, outcome: 'delivered' });

  const down = await startReceiver(t, (request, response) => {
    if (request.query.has('validationToken')) return echoHandshake(request, response);
    // Never answers within the delivery timeout.
    setTimeout(() => response.writeHead(202).end(), 2000);
  });
  ms.calendar.configure({ deliveryTimeoutMs: 100 });
  t.teardown(() => ms.calendar.configure({ deliveryTimeoutMs: 1000 }));
  const other = signIn(ms);
  await subscribe(other, down, { changeType: 'created' });
  await other.call('POST', '/me/events', event('lost'));
  await ms.calendar.notificationsIdle();
  t.match(ms.calendar.deliveries.find((d) => d.url === down.url), { attempts: 3, status: null, outcome: 'failed' });
});

t.test('lifecycle notifications: reauthorizationRequired, missed and subscriptionRemoved', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  const lifecycle = await startReceiver(t);
  const sub = await subscribe(user, hook, { lifecycleNotificationUrl: lifecycle.url });
  for (const lifecycleEvent of ['reauthorizationRequired', 'missed', 'subscriptionRemoved']) {
    const sent = await fetch(`${ms.url}/_emulator/graph/subscriptions/${sub.id}/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lifecycleEvent }),
    });
    t.equal(sent.status, 200);
  }
  const received = await lifecycle.waitFor(3);
  t.same(received.map((n) => n.value[0].lifecycleEvent).sort(), ['missed', 'reauthorizationRequired', 'subscriptionRemoved']);
  t.same(received[0].value[0], {
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: sub.expirationDateTime,
    tenantId: user.tenantId,
    clientState: 'SecretClientState',
    lifecycleEvent: received[0].value[0].lifecycleEvent,
  });
  t.equal((await user.call('GET', `/subscriptions/${sub.id}`)).status, 404, 'subscriptionRemoved removes it');
  await user.call('POST', '/me/events', event('after removal'));
  await ms.calendar.notificationsIdle();
  t.same(hook.notifications(), []);
  const unknown = await fetch(`${ms.url}/_emulator/graph/subscriptions/${sub.id}/lifecycle`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lifecycleEvent: 'missed' }),
  });
  t.equal(unknown.status, 404);
});
