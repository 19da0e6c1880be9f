// What both adapters do around every provider call: a fresh access token per request (one refresh
// and replay after a 401), and retries with backoff for throttling and outages, honouring
// Retry-After, before giving up with ProviderUnavailable. Client libraries' own retries stay off so
// this is the one policy (gaxios would retry 429s without reading Retry-After).
import pRetry from 'p-retry';
import { AuthorizationRevoked, ProviderUnavailable, type TokenSource } from './types.js';

/** One failed provider response (or no response: `status` undefined for timeouts and network errors). */
export class ProviderResponseError extends Error {
  override name = 'ProviderResponseError';
  constructor(
    readonly status: number | undefined,
    /** Google `errors[0].reason` / Graph `error.code`. */
    readonly reason: string | undefined,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff; doubles per retry up to `maxDelayMs`, with jitter. */
  minDelayMs: number;
  maxDelayMs: number;
  /** A provider asking to wait longer than this is not waited for: ProviderUnavailable carries the wait instead. */
  maxRetryAfterMs: number;
  /** Injectable so tests need not wait (and can observe the waits). */
  sleep?: (ms: number) => Promise<void>;
  /** Told the outcome of every attempt (for metrics): answered, throttled (429 / rate limit) or failed. */
  observe?: (outcome: 'ok' | 'throttled' | 'error') => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, minDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

const GOOGLE_RATE_LIMITS = ['rateLimitExceeded', 'userRateLimitExceeded'];

/** 429, Google's 403 rate limits, 5xx (but 501, which will not change), timeouts and network errors. */
export function isTransient(error: unknown): error is ProviderResponseError {
  if (!(error instanceof ProviderResponseError)) return false;
  const { status, reason } = error;
  if (status === undefined || status === 429) return true;
  if (status === 403) return GOOGLE_RATE_LIMITS.includes(reason ?? '');
  return status >= 500 && status !== 501;
}

/** delay-seconds (RFC 9110 §10.2.3), with the fraction Graph sends ("Retry-After: 2.128", https://learn.microsoft.com/graph/throttling). */
const DELAY_SECONDS = /^\d+(\.\d+)?$/;
/** HTTP-date (RFC 9110 §5.6.7) in any of its three forms; each starts with the day name. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * Retry-After in milliseconds, or undefined when absent or malformed (then our own backoff applies):
 * delay-seconds, fractional ones included, or an HTTP-date. asctime dates carry no zone but are
 * GMT, which Date.parse would not assume.
 */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim() ?? '';
  if (DELAY_SECONDS.test(value)) return Math.ceil(Number(value) * 1000);
  if (!HTTP_DATE.test(value)) return undefined;
  const date = Date.parse(/GMT$/.test(value) ? value : `${value} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with jitter in [½, 1] of the step, so retrying clients spread out. */
function backoff(policy: RetryPolicy, retry: number): number {
  const step = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (Math.random() * step) / 2);
}

function unavailable(what: string, error: ProviderResponseError): ProviderUnavailable {
  const cause = error.status === undefined ? error.message : `HTTP ${error.status}${error.reason ? ` ${error.reason}` : ''}`;
  return new ProviderUnavailable(`${what} failed: the provider is unavailable (${cause}).`, error.status, error.retryAfterMs);
}

/**
 * Run `attempt` until it succeeds, fails permanently (rethrown as is) or stays transient past the
 * policy (ProviderUnavailable). p-retry runs the loop; the wait is ours (max of Retry-After and
 * backoff), so p-retry's own delay is zero.
 */
export async function withRetry<T>(what: string, policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  const sleep = policy.sleep ?? realSleep;
  const tooLong = (error: ProviderResponseError) => (error.retryAfterMs ?? 0) > policy.maxRetryAfterMs;
  try {
    const observed = policy.observe ? observedAttempt(attempt, policy.observe) : attempt;
    return await pRetry(observed, {
      retries: policy.retries,
      minTimeout: 0,
      factor: 1,
      shouldRetry: ({ error }) => isTransient(error) && !tooLong(error),
      onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
        if (!isTransient(error) || tooLong(error) || retriesLeft <= 0) return;
        await sleep(Math.max(error.retryAfterMs ?? 0, backoff(policy, retriesConsumed + 1)));
      },
    });
  } catch (error) {
    if (isTransient(error)) throw unavailable(what, error);
    throw error;
  }
}

function observedAttempt<T>(attempt: () => Promise<T>, observe: NonNullable<RetryPolicy['observe']>) {
  return async () => {
    try {
      const result = await attempt();
      observe('ok');
      return result;
    } catch (error) {
      const throttled = error instanceof ProviderResponseError && (error.status === 429 || (error.status === 403 && GOOGLE_RATE_LIMITS.includes(error.reason ?? '')));
      observe(throttled ? 'throttled' : 'error');
      throw error;
    }
  };
}

/**
 * Call with the current access token; after a 401 invalidate it and replay once with a fresh one.
 * A second 401 means the grant no longer works: AuthorizationRevoked.
 */
export async function withAccessToken<T>(tokens: TokenSource, call: (accessToken: string) => Promise<T>): Promise<T> {
  const unauthorized = (error: unknown) => error instanceof ProviderResponseError && error.status === 401;
  try {
    return await call(await tokens.accessToken());
  } catch (error) {
    if (!unauthorized(error)) throw error;
  }
  tokens.invalidate();
  try {
    return await call(await tokens.accessToken());
  } catch (error) {
    if (unauthorized(error)) throw new AuthorizationRevoked('The calendar account refused a freshly issued access token.');
    throw error;
  }
}
