import t from 'tap';
import { signIn, startGraph } from './graph-calendar-testing.js';

const ms = await startGraph(t);
const event = (subject: string) => ({ subject, start: { dateTime: '2026-06-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-06-01T11:00:00', timeZone: 'UTC' } });
const json = { 'Content-Type': 'application/json' };

t.test('a batch runs its requests and answers each with id, status, headers and body', async (t) => {
  const user = signIn(ms);
  const response = await user.call('POST', '/$batch', {
    requests: [
      { id: '1', method: 'POST', url: '/me/events', headers: json, body: event('one') },
      { id: '2', method: 'GET', url: '/me/calendar' },
      { id: '3', method: 'GET', url: '/me/events/AAMkmissing' },
    ],
  });
  t.equal(response.status, 200);
  const [one, two, three] = response.body.responses;
  t.match(one, { id: '1', status: 201, headers: { 'Content-Type': /application\/json/ }, body: { subject: 'one' } });
  t.equal(one.headers.ETag, one.body['@odata.etag']);
  t.match(two, { id: '2', status: 200, body: { isDefaultCalendar: true } });
  t.match(three, { id: '3', status: 404, body: { error: { code: 'ErrorItemNotFound' } } });
});

t.test('dependsOn orders requests and a failed dependency fails with 424', async (t) => {
  const user = signIn(ms);
  const response = await user.call('POST', '/$batch', {
    requests: [
      { id: 'list', method: 'GET', url: '/me/events', dependsOn: ['create'] },
      { id: 'create', method: 'POST', url: '/me/events', headers: json, body: event('first') },
      { id: 'broken', method: 'PATCH', url: '/me/events/AAMkmissing', headers: json, body: { subject: 'x' } },
      { id: 'after', method: 'GET', url: '/me/events', dependsOn: ['broken'] },
    ],
  });
  const byId = Object.fromEntries(response.body.responses.map((r: any) => [r.id, r]));
  t.equal(byId.create.status, 201);
  t.same(byId.list.body.value.map((e: any) => e.subject), ['first'], 'list ran after create');
  t.equal(byId.broken.status, 404);
  t.equal(byId.after.status, 424);
});

t.test('malformed batches are refused whole with 400', async (t) => {
  const user = signIn(ms);
  const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me/calendar' }));
  const tooMany = await user.call('POST', '/$batch', { requests: many });
  t.equal(tooMany.status, 400);
  t.match(tooMany.body.error.message, /20/);
  t.equal((await user.call('POST', '/$batch', { requests: many.slice(0, 20) })).status, 200, '20 is allowed');
  const dup = await user.call('POST', '/$batch', { requests: [{ id: 'a', method: 'GET', url: '/me/calendar' }, { id: 'A', method: 'GET', url: '/me/calendar' }] });
  t.equal(dup.status, 400, 'ids are unique, ignoring case');
  const noType = await user.call('POST', '/$batch', { requests: [{ id: '1', method: 'POST', url: '/me/events', body: event('x') }] });
  t.equal(noType.status, 400, 'a body needs a Content-Type header');
  t.equal((await user.call('POST', '/$batch', {})).status, 400);
  const anonymous = await fetch(`${ms.url}/v1.0/$batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests: [] }) });
  t.equal(anonymous.status, 401);
});

t.test('throttling shows inside the batch response, member by member', async (t) => {
  const user = signIn(ms);
  const fault = await fetch(`${ms.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'POST', path: '^/v1\\.0/me/events$', kind: 'status', status: 429, retryAfterSeconds: 7, times: 1 }),
  });
  t.equal(fault.status, 200);
  const before = ms.controls.count('POST /v1.0/me/events');
  const response = await user.call('POST', '/$batch', {
    requests: [
      { id: '1', method: 'POST', url: '/me/events', headers: json, body: event('a') },
      { id: '2', method: 'POST', url: '/me/events', headers: json, body: event('b'), dependsOn: ['1'] },
      { id: '3', method: 'POST', url: '/me/events', headers: json, body: event('c') },
    ],
  });
  t.equal(response.status, 200, 'the envelope succeeds');
  const statuses = response.body.responses.map((r: any) => r.status);
  t.equal(statuses.filter((s: number) => s === 429).length, 1);
  const throttled = response.body.responses.find((r: any) => r.status === 429);
  t.equal(throttled.headers['Retry-After'], '7');
  t.equal(throttled.body.error.code, 'TooManyRequests');
  t.equal(ms.controls.count('POST /v1.0/me/events') - before, statuses.filter((s: number) => s !== 424).length, 'each member is counted');
});

t.test('members count against the mailbox limit one by one: two batches at once get 429s member by member', async (t) => {
  const user = signIn(ms);
  const latency = (ms_: number) => fetch(`${ms.url}/_emulator/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: ms_ }) });
  await latency(300);
  t.teardown(async () => void (await latency(0)));
  const before = ms.controls.count('$batch member');
  const batch = (tag: string) =>
    user.call('POST', '/$batch', { requests: Array.from({ length: 4 }, (_, i) => ({ id: String(i + 1), method: 'POST', url: '/me/events', headers: json, body: event(`${tag}${i}`) })) });
  const [a, b] = await Promise.all([batch('a'), batch('b')]);
  t.same([a.status, b.status], [200, 200], 'each batch as a whole succeeds');
  const members = [...a.body.responses, ...b.body.responses];
  const throttled = members.filter((r: any) => r.status === 429);
  t.ok(throttled.length > 0, 'the members over four at once are refused');
  t.equal(members.filter((r: any) => r.status === 201).length, 8 - throttled.length, 'the others are created');
  for (const r of throttled) {
    t.equal(r.headers['Retry-After'], '1');
    t.equal(r.body.error.message, 'Application is over its MailboxConcurrency limit.');
  }
  t.equal(ms.controls.count('$batch member') - before, 8, 'every member is counted as run');
});
