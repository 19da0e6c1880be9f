import t from 'tap';
import { signIn, startGraph } from './graph-calendar-testing.js';

const ms = await startGraph(t);
const post = (path: string, body: unknown) =>
  fetch(`${ms.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
t.afterEach(async () => {
  await post('/_emulator/latency', { ms: 0 });
  await fetch(`${ms.url}/_emulator/faults`, { method: 'DELETE' });
});

t.test('a fifth concurrent request to one mailbox is refused with 429 MailboxConcurrency', async (t) => {
  const user = signIn(ms);
  await post('/_emulator/latency', { ms: 300 });
  const responses = await Promise.all(Array.from({ length: 6 }, () => user.call('GET', '/me/events')));
  const statuses = responses.map((r) => r.status).sort();
  t.same(statuses, [200, 200, 200, 200, 429, 429]);
  const refused = responses.find((r) => r.status === 429)!;
  t.equal(refused.body.error.code, 'ApplicationThrottled');
  t.equal(refused.body.error.message, 'Application is over its MailboxConcurrency limit.');
  t.equal(refused.headers.get('retry-after'), '1');
  t.equal((await user.call('GET', '/me/events')).status, 200, 'slots are released when requests finish');
});

t.test('the limit is per app and mailbox', async (t) => {
  const user = signIn(ms);
  const sameMailboxOtherApp = signIn(ms, ['Calendars.ReadWrite'], { tenantId: user.tenantId, userId: user.userId });
  const otherUser = signIn(ms, ['Calendars.ReadWrite'], { tenantId: user.tenantId, clientId: user.clientId });
  await post('/_emulator/latency', { ms: 300 });
  const calls = [
    ...Array.from({ length: 4 }, () => user.call('GET', '/me/calendar')),
    ...Array.from({ length: 4 }, () => sameMailboxOtherApp.call('GET', '/me/calendar')),
    ...Array.from({ length: 4 }, () => otherUser.call('GET', '/me/calendar')),
  ];
  t.same((await Promise.all(calls)).map((r) => r.status), Array(12).fill(200));
});

t.test('a batch hands the mailbox at most four requests at a time, so it is not refused', async (t) => {
  const user = signIn(ms);
  await post('/_emulator/latency', { ms: 100 });
  const requests = Array.from({ length: 10 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me/calendar' }));
  const response = await user.call('POST', '/$batch', { requests });
  t.same(response.body.responses.map((r: any) => r.status), Array(10).fill(200));
});

t.test('injected 429 with Retry-After and injected 5xx, in Graph error shape', async (t) => {
  const user = signIn(ms);
  await post('/_emulator/faults', { path: '^/v1\\.0/me/calendar$', kind: 'status', status: 429, retryAfterSeconds: 3, times: 1 });
  const throttled = await user.call('GET', '/me/calendar');
  t.equal(throttled.status, 429);
  t.equal(throttled.headers.get('retry-after'), '3');
  t.equal(throttled.body.error.code, 'TooManyRequests');
  t.equal((await user.call('GET', '/me/calendar')).status, 200, 'times: 1 fails only once');

  await post('/_emulator/faults', { method: 'POST', path: '^/v1\\.0/me/events$', kind: 'status', status: 503, times: 1 });
  const unavailable = await user.call('POST', '/me/events', { subject: 'x', start: { dateTime: '2026-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-01-01T11:00:00', timeZone: 'UTC' } });
  t.equal(unavailable.status, 503);
  t.equal(unavailable.body.error.code, 'ServiceUnavailable');
  t.same((await user.call('GET', '/me/events')).body.value, [], 'the failed create stored nothing');
});

t.test('request counts are kept per route pattern', async (t) => {
  const user = signIn(ms);
  await post('/_emulator/reset', {});
  const fresh = signIn(ms);
  for (let i = 0; i < 3; i += 1) await fresh.call('GET', '/me/calendar');
  await fresh.call('GET', '/me/events/AAMkwhatever');
  const counts = await (await fetch(`${ms.url}/_emulator/requests`)).json();
  t.equal(counts['GET /v1.0/me/calendar'], 3);
  t.equal(counts['GET /v1.0/me/events/:id'], 1);
  t.equal((await user.call('GET', '/me/calendar')).status, 401, 'reset also forgets tokens');
});
