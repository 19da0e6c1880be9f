import t from 'tap';
import Fastify from 'fastify';
import { startGoogleEmulator } from './server.js';
import { connectAccount } from './testing.js';

const client = { clientId: 'push-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const seed = { clients: [{ ...client, redirectUris: [client.redirectUri] }] };
// Loopback mode: the receiver below is plain http, which real Google refuses.
const emulator = await startGoogleEmulator({ seed, notificationRetryDelaysMs: [20, 40], allowHttpWebhooks: true });
t.teardown(emulator.close);
const { calendar: api } = await connectAccount(emulator, { email: 'push@example.com', client });

// The product's side: a webhook receiver that records what arrives and answers `nextStatus`.
interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const received: Received[] = [];
let nextStatus = 200;
const receiver = Fastify();
receiver.removeAllContentTypeParsers();
receiver.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
receiver.post('/hooks/google', async (request, reply) => {
  received.push({ headers: request.headers, body: String(request.body ?? '') });
  return reply.code(nextStatus).send();
});
await receiver.listen({ port: 0, host: '127.0.0.1' });
t.teardown(() => receiver.close());
const address = receiver.server.address();
const hook = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/google`;
const forChannel = (id: string) => received.filter((r) => r.headers['x-goog-channel-id'] === id);
const timed = { start: { dateTime: '2026-06-01T09:00:00Z' }, end: { dateTime: '2026-06-01T10:00:00Z' } };

t.test('watch returns the channel and posts sync, then exists on every change, with the X-Goog headers', async (t) => {
  const { data: channel } = await api.events.watch({
    calendarId: 'primary',
    requestBody: { id: 'channel-1', type: 'web_hook', address: hook, token: 'tenant=t1&binding=b1', params: { ttl: '3600' } },
  });
  t.match(channel, { kind: 'api#channel', id: 'channel-1', resourceId: /.+/, resourceUri: /\/calendar\/v3\/calendars\/push%40example\.com\/events/, token: 'tenant=t1&binding=b1' });
  t.type(channel.expiration, 'string', 'expiration is an int64 rendered as a string of milliseconds');
  t.ok(Math.abs(Number(channel.expiration) - (Date.now() + 3600_000)) < 5000);

  await api.events.insert({ calendarId: 'primary', requestBody: { id: 'push00001', ...timed } });
  await api.events.patch({ calendarId: 'primary', eventId: 'push00001', requestBody: { summary: 'x' } });
  await api.events.delete({ calendarId: 'primary', eventId: 'push00001' });
  emulator.insertEvent('push@example.com', { summary: 'made in Google Calendar', ...timed });
  await emulator.idle();

  const mine = forChannel('channel-1');
  t.same(mine.map((r) => r.headers['x-goog-resource-state']), ['sync', 'exists', 'exists', 'exists', 'exists']);
  t.same(mine.map((r) => Number(r.headers['x-goog-message-number'])), [1, 2, 3, 4, 5]);
  for (const r of mine) {
    t.match(r.headers, {
      'x-goog-channel-token': 'tenant=t1&binding=b1',
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-channel-expiration': new Date(Number(channel.expiration)).toUTCString(),
    });
    t.equal(r.body, '', 'notifications have no body');
  }
  t.same(emulator.deliveries().filter((d) => d.channelId === 'channel-1').map((d) => d.status), [200, 200, 200, 200, 200]);
});

t.test('channels.stop ends deliveries; stopping an unknown channel is 404', async (t) => {
  const { data: channel } = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-2', type: 'web_hook', address: hook } });
  await emulator.idle();
  const stop = await api.channels.stop({ requestBody: { id: 'channel-2', resourceId: channel.resourceId } });
  t.equal(stop.status, 204);
  await api.events.insert({ calendarId: 'primary', requestBody: timed });
  await emulator.idle();
  t.same(forChannel('channel-2').map((r) => r.headers['x-goog-resource-state']), ['sync']);
  const again = await api.channels.stop({ requestBody: { id: 'channel-2', resourceId: channel.resourceId } }).catch((e) => e);
  t.equal(again.status, 404);
  const wrongResource = await api.channels.stop({ requestBody: { id: 'channel-1', resourceId: 'other' } }).catch((e) => e);
  t.equal(wrongResource.status, 404);
  await api.channels.stop({ requestBody: { id: 'channel-1', resourceId: channel.resourceId } });
});

t.test('drop and duplicate faults: a dropped message leaves a gap, a duplicate repeats its number', async (t) => {
  await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-3', type: 'web_hook', address: hook } });
  await emulator.idle();
  await fetch(`${emulator.url}/_emulator/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ drop: 1 }) });
  await api.events.insert({ calendarId: 'primary', requestBody: timed });
  emulator.controls.duplicateNotifications(1);
  await api.events.insert({ calendarId: 'primary', requestBody: timed });
  await emulator.idle();
  t.same(forChannel('channel-3').map((r) => Number(r.headers['x-goog-message-number'])), [1, 3, 3]);
  t.match(emulator.deliveries().filter((d) => d.channelId === 'channel-3'), [{ messageNumber: 1 }, { messageNumber: 2, dropped: true }, { messageNumber: 3 }, { messageNumber: 3, duplicate: true }]);
});

t.test('a 503 answer is retried with backoff; a 404 is not', async (t) => {
  await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-4', type: 'web_hook', address: hook } });
  await emulator.idle();
  nextStatus = 503;
  await api.events.insert({ calendarId: 'primary', requestBody: timed });
  await emulator.idle();
  const attempts = emulator.deliveries().filter((d) => d.channelId === 'channel-4' && d.messageNumber === 2);
  t.same(attempts.map((d) => [d.attempt, d.status]), [[1, 503], [2, 503], [3, 503]]);
  nextStatus = 404;
  await api.events.insert({ calendarId: 'primary', requestBody: timed });
  await emulator.idle();
  t.same(emulator.deliveries().filter((d) => d.channelId === 'channel-4' && d.messageNumber === 3).map((d) => d.status), [404]);
  nextStatus = 200;
});

t.test('expired channels get nothing; the default lifetime is 7 days', async (t) => {
  const { data } = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-5', type: 'web_hook', address: hook } });
  t.ok(Math.abs(Number(data.expiration) - (Date.now() + 7 * 86_400_000)) < 5000);
  await emulator.idle();
  const expired = await (await fetch(`${emulator.url}/_emulator/google/expire-channels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
  t.ok(expired.expired >= 1);
  const before = received.length;
  await api.events.insert({ calendarId: 'primary', requestBody: timed });
  await emulator.idle();
  t.equal(received.length, before);
});

t.test('watch validation: duplicate channel id, wrong type', async (t) => {
  await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-6', type: 'web_hook', address: hook } });
  const dup = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-6', type: 'web_hook', address: hook } }).catch((e) => e);
  t.equal(dup.status, 400);
  t.equal(dup.response.data.error.errors[0].reason, 'channelIdNotUnique');
  const wrongType = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-8', type: 'email', address: hook } }).catch((e) => e);
  t.equal(wrongType.status, 400);
  await emulator.idle();
});

t.test('outside loopback mode an http address is refused as Google refuses it, even on loopback; https is taken', async (t) => {
  const strict = await startGoogleEmulator({ seed, allowHttpWebhooks: false, notificationRetryDelaysMs: [] });
  t.teardown(strict.close);
  const { calendar: strictApi } = await connectAccount(strict, { email: 'push@example.com', client });
  const insecure = await strictApi.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-9', type: 'web_hook', address: hook } }).catch((e) => e);
  t.equal(insecure.status, 400);
  t.same(insecure.response.data, {
    error: {
      code: 400,
      message: `WebHook callback must be HTTPS: ${hook}`,
      errors: [{ domain: 'global', reason: 'push.webhookUrlNotHttps', message: `WebHook callback must be HTTPS: ${hook}` }],
      status: 'INVALID_ARGUMENT',
    },
  });
  t.equal(strict.channels().length, 0, 'no channel was opened');
  const secure = await strictApi.events.watch({ calendarId: 'primary', requestBody: { id: 'channel-10', type: 'web_hook', address: 'https://127.0.0.1:9/hook' } });
  t.equal(secure.data.id, 'channel-10');
});
