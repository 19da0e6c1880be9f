// Google's 403s and 429s told apart as its errors guide says
// (https://developers.google.com/calendar/api/guides/errors): rate limits (429, 403
// rateLimitExceeded/userRateLimitExceeded) are backed off exponentially and retried, honouring a
// fractional Retry-After; spent quotas and refusals (quotaExceeded, dailyLimitExceeded,
// forbiddenForNonOrganizer, insufficientPermissions, forbidden) are given up at once with the reason.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { connectGoogleAccount, startGoogleEmulator } from '@switchboard/emulators';
import { createGoogleAdapter } from './google-adapter.js';
import { roundTripCases } from './fixtures/round-trip-cases.js';
import { ProviderResponseError } from './provider-http.js';

const client = { clientId: 'errors-test.apps.googleusercontent.com', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/cb' };
const g = await startGoogleEmulator({ seed: { clients: [{ ...client, redirectUris: [client.redirectUri] }] } });
t.teardown(() => g.close());
t.afterEach(() => g.controls.clearFaults());

const account = await connectGoogleAccount(g, { email: 'errors@example.com', client });
const waits: number[] = [];
// Waits are recorded, not slept: the test checks what the policy asks for.
const adapter = createGoogleAdapter({
  rootUrl: g.rootUrl,
  calendarId: 'primary',
  tokens: { accessToken: async () => (await account.auth.getAccessToken()).token!, invalidate: () => undefined },
  retry: { retries: 5, minDelayMs: 100, maxDelayMs: 10_000, sleep: async (ms) => void waits.push(ms) },
});
const INSERT = 'POST /calendar/v3/calendars/:calendarId/events';
const event = { ...roundTripCases[0].event, start: '2026-06-10T13:00:00.000Z', end: '2026-06-10T14:00:00.000Z' };

/** Insert with `times` injected failures; how many requests reached Google and the waits between them. */
async function insertThrough(status: number, reason: string, times: number, retryAfterSeconds?: number) {
  waits.length = 0;
  const before = g.controls.count(INSERT);
  g.controls.inject({ method: 'POST', path: '/events$', kind: 'status', status, reason, times, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
  const outcome = await adapter.createEvent(event, randomUUID()).catch((error: unknown) => error);
  return { outcome, requests: g.controls.count(INSERT) - before, waits: [...waits] };
}

t.test('rate limits are retried with exponential backoff until they pass', async (t) => {
  for (const [status, reason] of [[429, 'rateLimitExceeded'], [403, 'rateLimitExceeded'], [403, 'userRateLimitExceeded']] as const) {
    const { outcome, requests, waits } = await insertThrough(status, reason, 3);
    t.notOk(outcome instanceof Error, `${status} ${reason} passed in the end`);
    t.equal(requests, 4, 'three refusals and the success');
    // Jitter keeps each wait within [½, 1] of its step; the steps double: 100, 200, 400 ms.
    t.ok(waits.length === 3 && waits.every((ms, i) => ms >= 50 * 2 ** i && ms <= 100 * 2 ** i), `${reason}: ${waits}`);
  }
});

t.test('a fractional Retry-After on a rate limit is waited for, to the millisecond', async (t) => {
  const { outcome, requests, waits } = await insertThrough(403, 'userRateLimitExceeded', 1, 1.5);
  t.notOk(outcome instanceof Error);
  t.equal(requests, 2);
  t.same(waits, [1500]);
});

t.test('spent quotas and refusals are not retried: the error names Google’s reason and message', async (t) => {
  const cases: Array<[string, string]> = [
    ['quotaExceeded', 'Calendar usage limits exceeded.'],
    ['dailyLimitExceeded', 'Daily Limit Exceeded'],
    ['forbiddenForNonOrganizer', 'Shared properties can only be changed by the organizer of the event.'],
    ['insufficientPermissions', 'Request had insufficient authentication scopes.'],
    ['forbidden', 'Forbidden'],
  ];
  for (const [reason, message] of cases) {
    const { outcome, requests, waits } = await insertThrough(403, reason, 1);
    t.ok(outcome instanceof ProviderResponseError, reason);
    t.match(outcome, { status: 403, reason, message: `Google answered 403 ${reason}: ${message}` });
    t.equal(requests, 1, `${reason} was sent once`);
    t.same(waits, []);
  }
});
