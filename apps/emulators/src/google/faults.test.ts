import t from 'tap';
import { startGoogleEmulator } from './server.js';
import { connectAccount } from './testing.js';

const client = { clientId: 'faults-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const emulator = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] } });
t.teardown(emulator.close);
const { calendar: api } = await connectAccount(emulator, { email: 'faults@example.com', client });

const LIST = 'GET /calendar/v3/calendars/:calendarId/events';
const INSERT = 'POST /calendar/v3/calendars/:calendarId/events';
const EVENTS_PATH = '^/calendar/v3/calendars/[^/]+/events$';
const timed = { start: { dateTime: '2026-07-01T09:00:00Z' }, end: { dateTime: '2026-07-01T10:00:00Z' } };
const inject = (rule: object) => fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });

t.test('a 429 on a GET carries Retry-After and the usageLimits body; the client library retries it', async (t) => {
  const raw = await inject({ method: 'GET', path: EVENTS_PATH, kind: 'status', status: 429, retryAfterSeconds: 2, times: 1 });
  t.equal(raw.status, 200);
  const before = emulator.controls.count(LIST);
  const { status } = await api.events.list({ calendarId: 'primary' });
  t.equal(status, 200, 'gaxios retries 429 for GET');
  t.equal(emulator.controls.count(LIST), before + 2);

  emulator.controls.inject({ method: 'POST', path: EVENTS_PATH, kind: 'status', status: 429, retryAfterSeconds: 7 });
  const failed = await api.events.insert({ calendarId: 'primary', requestBody: timed }).catch((e) => e);
  t.equal(failed.status, 429, 'POST is not retried by the library');
  t.equal(failed.response.headers.get('retry-after'), '7');
  t.same(failed.response.data, {
    error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }], status: 'RESOURCE_EXHAUSTED' },
  });
});

t.test('each 403 of the errors guide comes with its real body; Retry-After when asked', async (t) => {
  const bodies: Array<[string, string, string]> = [
    ['userRateLimitExceeded', 'usageLimits', 'User Rate Limit Exceeded'],
    ['rateLimitExceeded', 'usageLimits', 'Rate Limit Exceeded'],
    ['quotaExceeded', 'usageLimits', 'Calendar usage limits exceeded.'],
    ['dailyLimitExceeded', 'usageLimits', 'Daily Limit Exceeded'],
    ['forbiddenForNonOrganizer', 'calendar', 'Shared properties can only be changed by the organizer of the event.'],
    ['insufficientPermissions', 'global', 'Request had insufficient authentication scopes.'],
    ['forbidden', 'global', 'Forbidden'],
  ];
  for (const [reason, domain, message] of bodies) {
    emulator.controls.inject({ path: EVENTS_PATH, kind: 'status', status: 403, reason, retryAfterSeconds: 1.5 });
    const failed = await api.events.list({ calendarId: 'primary' }).catch((e) => e);
    t.equal(failed.status, 403, '403 is not retried by the library');
    t.same(failed.response.data, { error: { code: 403, message, errors: [{ domain, reason, message }], status: 'PERMISSION_DENIED' } }, reason);
    t.equal(failed.response.headers.get('retry-after'), '1.5');
  }
});

t.test('a 500 on insert surfaces as backendError; the next request succeeds', async (t) => {
  emulator.controls.inject({ method: 'POST', path: EVENTS_PATH, kind: 'status', status: 500 });
  const failed = await api.events.insert({ calendarId: 'primary', requestBody: timed }).catch((e) => e);
  t.equal(failed.status, 500);
  t.match(failed.response.data.error, { code: 500, errors: [{ domain: 'global', reason: 'backendError' }] });
  t.equal((await api.events.insert({ calendarId: 'primary', requestBody: timed })).status, 200);
});

t.test('a timeout drops the connection after the delay', async (t) => {
  emulator.controls.inject({ method: 'POST', path: EVENTS_PATH, kind: 'timeout', delayMs: 150 });
  const stored = emulator.events('faults@example.com').length;
  const started = Date.now();
  const failed = await api.events.insert({ calendarId: 'primary', requestBody: timed }).catch((e) => e);
  t.ok(Date.now() - started >= 140);
  t.notOk(failed.status, 'no HTTP answer at all');
  t.ok(failed instanceof Error);
  t.equal(emulator.events('faults@example.com').length, stored, 'the dropped insert stored nothing');
});

t.test('latency delays every provider request; request counts are per route; reset clears data and re-seeds', async (t) => {
  await fetch(`${emulator.url}/_emulator/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 120 }) });
  const started = Date.now();
  await api.events.list({ calendarId: 'primary' });
  t.ok(Date.now() - started >= 110);
  emulator.controls.setLatency(0);

  const counts = await (await fetch(`${emulator.url}/_emulator/requests`)).json();
  t.ok(counts[INSERT] >= 4);
  t.ok(counts['POST /token'] >= 1);
  t.ok(counts['GET /o/oauth2/v2/auth'] >= 1);

  t.equal((await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' })).status, 200);
  t.same(emulator.controls.counts(), {});
  const gone = await api.events.list({ calendarId: 'primary' }).catch((e) => e);
  t.equal(gone.status, 401, 'tokens are gone after a reset');
  const state = await (await fetch(`${emulator.url}/_emulator/google/state`)).json();
  t.same(state.clients.map((c: { clientId: string }) => c.clientId), [client.clientId], 'the start-up seed is applied again');
  t.same(state.accounts, []);
});
