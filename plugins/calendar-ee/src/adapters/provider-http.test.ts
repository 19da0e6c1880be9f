import t from 'tap';
import { isTransient, parseRetryAfter, ProviderResponseError, withAccessToken, withRetry } from './provider-http.js';
import { AuthorizationRevoked, ProviderUnavailable } from './types.js';

const failure = (status: number | undefined, reason?: string, retryAfterMs?: number) => new ProviderResponseError(status, reason, `HTTP ${status}`, retryAfterMs);

t.test('Retry-After is read as (fractional) seconds or an HTTP date in each RFC 9110 form; anything else is ignored', async (t) => {
  t.equal(parseRetryAfter('10'), 10_000);
  t.equal(parseRetryAfter('0'), 0);
  // Graph's throttling doc shows "Retry-After: 2.128".
  t.equal(parseRetryAfter('2.128'), 2128);
  t.equal(parseRetryAfter('1.5'), 1500);
  t.equal(parseRetryAfter(' 3 '), 3000);
  const now = Date.parse('1994-11-06T08:49:00Z');
  t.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now), 37_000, 'IMF-fixdate');
  t.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now), 37_000, 'obsolete RFC 850 date');
  t.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', now), 37_000, 'asctime, which is GMT without saying so');
  t.equal(parseRetryAfter('Sun, 06 Nov 1994 08:48:00 GMT', now), 0, 'a date in the past: no wait');
  for (const bad of ['soon', '', ' ', '-1', '1e3', '0x10', 'Infinity', '1.5s', null, undefined]) {
    t.equal(parseRetryAfter(bad, now), undefined, JSON.stringify(bad));
  }
});

t.test('throttling, outages and lost connections are transient; client errors are not', async (t) => {
  for (const error of [failure(429), failure(403, 'rateLimitExceeded'), failure(403, 'userRateLimitExceeded'), failure(500), failure(503), failure(undefined, 'timeout')]) {
    t.ok(isTransient(error), `${error.status} ${error.reason ?? ''}`);
  }
  for (const error of [failure(400), failure(401), failure(403, 'forbiddenForNonOrganizer'), failure(404), failure(409), failure(412), failure(501), new Error('bug')]) {
    t.notOk(isTransient(error), error.message);
  }
});

t.test('a Retry-After longer than the policy allows is not slept through: ProviderUnavailable says how long', async (t) => {
  const waits: number[] = [];
  let attempts = 0;
  const policy = { retries: 5, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 60_000, sleep: async (ms: number) => void waits.push(ms) };
  const error = await withRetry('Create the calendar event', policy, async () => {
    attempts += 1;
    throw failure(429, 'TooManyRequests', 600_000);
  }).catch((e: unknown) => e);
  t.ok(error instanceof ProviderUnavailable);
  t.match(error, { status: 429, retryAfterMs: 600_000, message: /^Create the calendar event failed: the provider is unavailable \(HTTP 429 TooManyRequests\)/ });
  t.equal(attempts, 1);
  t.strictSame(waits, []);
});

t.test('backoff grows between retries and a permanent error stops at once', async (t) => {
  const waits: number[] = [];
  let attempts = 0;
  const policy = { retries: 3, minDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000, sleep: async (ms: number) => void waits.push(ms) };
  const result = await withRetry('Read', policy, async () => {
    attempts += 1;
    if (attempts < 4) throw failure(500);
    return 'ok';
  });
  t.equal(result, 'ok');
  t.equal(waits.length, 3);
  t.ok(waits[0] >= 50 && waits[0] <= 100 && waits[2] >= 200 && waits[2] <= 400, `waits ${waits}`);
  await t.rejects(withRetry('Read', policy, async () => Promise.reject(failure(412))), failure(412));
});

t.test('a 401 refreshes the token once; a second 401 is AuthorizationRevoked', async (t) => {
  const seen: string[] = [];
  let token = 'old';
  const tokens = { accessToken: async () => token, invalidate: () => void (token = 'new') };
  const ok = await withAccessToken(tokens, async (access) => {
    seen.push(access);
    if (access === 'old') throw failure(401);
    return access;
  });
  t.equal(ok, 'new');
  t.strictSame(seen, ['old', 'new']);
  await t.rejects(withAccessToken(tokens, async () => Promise.reject(failure(401))), AuthorizationRevoked);
});
