import t from 'tap';
import { echoHandshake, signIn, startGraph, startReceiver } from './graph-calendar-testing.js';
import { startMicrosoftEmulator } from './server.js';

const ms = await startGraph(t);
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

t.test('creating a subscription validates the notification and lifecycle URLs first', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  const lifecycle = await startReceiver(t);
  const created = await user.call('POST', '/subscriptions', {
    changeType: 'created,updated,deleted',
    notificationUrl: `${hook.url}?tenant=contoso`,
    lifecycleNotificationUrl: lifecycle.url,
    resource: '/me/events',
    expirationDateTime: inMinutes(60),
    clientState: 'secretClientValue',
  });
  t.equal(created.status, 201);
  t.match(created.body, {
    resource: '/me/events',
    changeType: 'created,updated,deleted',
    clientState: 'secretClientValue',
    applicationId: user.clientId,
    creatorId: user.userId,
    latestSupportedTlsVersion: 'v1_2',
    includeResourceData: false,
  });
  t.match(created.body.id, /^[0-9a-f-]{36}$/);

  const handshake = hook.received[0];
  t.equal(handshake.headers['content-type'], 'text/plain; charset=utf-8');
  t.equal(handshake.query.get('tenant'), 'contoso', 'the subscriber query string is kept');
  t.match(handshake.query.get('validationToken'), /^Validation: Testing client application reachability for subscription Request-Id: /);
  t.equal(lifecycle.received.length, 1, 'the lifecycle URL is validated too');

  const read = await user.call('GET', `/subscriptions/${created.body.id}`);
  t.same(read.body, created.body);
  const list = await user.call('GET', '/subscriptions');
  t.equal(list.body.value.length, 1);
});

t.test('a receiver that does not echo the token, or answers too slowly, gets no subscription', async (t) => {
  const user = signIn(ms);
  const wrong = await startReceiver(t, (_request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end('not the token'));
  const body = { changeType: 'created', resource: 'me/events', expirationDateTime: inMinutes(60), clientState: 'x' };
  const refused = await user.call('POST', '/subscriptions', { ...body, notificationUrl: wrong.url });
  t.equal(refused.status, 400);
  t.match(refused.body.error.message, /^Subscription validation request failed\. Response must exactly match validationToken query parameter\./);

  const notFound = await startReceiver(t, (_request, response) => void response.writeHead(404).end());
  const refused404 = await user.call('POST', '/subscriptions', { ...body, notificationUrl: notFound.url });
  t.equal(refused404.status, 400);
  t.match(refused404.body.error.message, /must respond with 200 OK/);

  ms.calendar.configure({ validationTimeoutMs: 200 });
  t.teardown(() => ms.calendar.configure({ validationTimeoutMs: 1000 }));
  const slow = await startReceiver(t, (request, response) => {
    setTimeout(() => echoHandshake(request, response), 600);
  });
  const started = Date.now();
  const timedOut = await user.call('POST', '/subscriptions', { ...body, notificationUrl: slow.url });
  t.equal(timedOut.status, 400);
  t.ok(Date.now() - started < 600, 'gives up after the configured timeout');

  const good = await startReceiver(t);
  const badLifecycle = await user.call('POST', '/subscriptions', { ...body, notificationUrl: good.url, lifecycleNotificationUrl: wrong.url });
  t.equal(badLifecycle.status, 400);
  t.same((await user.call('GET', '/subscriptions')).body.value, [], 'nothing was created');
});

t.test('lifetime, clientState, changeType and resource limits', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  const base = { changeType: 'created', notificationUrl: hook.url, resource: 'me/events', clientState: 'x' };
  const tooLong = await user.call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(10_071) });
  t.equal(tooLong.status, 400);
  t.equal(tooLong.body.error.message, 'Subscription expiration can only be 10070 minutes in the future.');
  t.equal((await user.call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(10_069) })).status, 201);
  t.equal((await user.call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(-1) })).status, 400);
  t.equal((await user.call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(60), clientState: 'x'.repeat(129) })).status, 400);
  t.equal((await user.call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(60), clientState: 'x'.repeat(128) })).status, 201);
  t.equal((await user.call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(60), changeType: 'moved' })).status, 400);
  t.equal((await user.call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(60), resource: 'me/messages' })).status, 400);
  t.equal((await signIn(ms, ['User.Read']).call('POST', '/subscriptions', { ...base, expirationDateTime: inMinutes(60) })).status, 403);
});

t.test('renew with PATCH, then delete', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  const sub = (await user.call('POST', '/subscriptions', { changeType: 'updated', notificationUrl: hook.url, resource: 'me/events', expirationDateTime: inMinutes(60) })).body;
  const renewedTo = inMinutes(3000);
  const renewed = await user.call('PATCH', `/subscriptions/${sub.id}`, { expirationDateTime: renewedTo });
  t.equal(renewed.status, 200);
  t.equal(Date.parse(renewed.body.expirationDateTime), Date.parse(renewedTo));
  t.equal((await user.call('PATCH', `/subscriptions/${sub.id}`, { expirationDateTime: inMinutes(20_000) })).status, 400);
  t.equal((await user.call('PATCH', `/subscriptions/${sub.id}`, { lifecycleNotificationUrl: hook.url })).status, 400);
  t.equal((await user.call('POST', `/subscriptions/${sub.id}/reauthorize`)).status, 204);

  const stranger = signIn(ms);
  t.equal((await stranger.call('GET', `/subscriptions/${sub.id}`)).status, 404, 'another app cannot see it');
  t.equal((await user.call('DELETE', `/subscriptions/${sub.id}`)).status, 204);
  t.equal((await user.call('GET', `/subscriptions/${sub.id}`)).status, 404);
  t.equal((await user.call('DELETE', `/subscriptions/${sub.id}`)).status, 404);
});

t.test('an expired subscription disappears', async (t) => {
  const user = signIn(ms);
  const hook = await startReceiver(t);
  const sub = (await user.call('POST', '/subscriptions', { changeType: 'created', notificationUrl: hook.url, resource: 'me/events', expirationDateTime: inMinutes(60) })).body;
  await fetch(`${ms.url}/_emulator/graph/subscriptions/${sub.id}/expire`, { method: 'POST' });
  t.equal((await user.call('GET', `/subscriptions/${sub.id}`)).status, 404);
  await user.call('POST', '/me/events', { subject: 'x', start: { dateTime: '2026-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-01-01T11:00:00', timeZone: 'UTC' } });
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(hook.notifications(), [], 'expired subscriptions stop delivering');
});

t.test('outside loopback mode http notification URLs are refused as Graph refuses them, before any handshake', async (t) => {
  const strict = await startMicrosoftEmulator({ allowHttpWebhooks: false });
  t.teardown(() => strict.close());
  const user = signIn(strict);
  const hook = await startReceiver(t);
  const body = { changeType: 'created', resource: 'me/events', expirationDateTime: inMinutes(60) };
  const plain = await user.call('POST', '/subscriptions', { ...body, notificationUrl: hook.url });
  t.equal(plain.status, 400);
  t.match(plain.body.error, { code: 'InvalidRequest', message: "NotificationUrl scheme='http' is not supported." });
  const lifecycle = await user.call('POST', '/subscriptions', { ...body, notificationUrl: 'https://127.0.0.1:9/hook', lifecycleNotificationUrl: hook.url });
  t.match(lifecycle.body.error, { code: 'InvalidRequest', message: "LifecycleNotificationUrl scheme='http' is not supported." });
  t.equal(hook.received.length, 0, 'no validation request was sent');
  t.equal(strict.calendar.subscriptions().length, 0);
});
