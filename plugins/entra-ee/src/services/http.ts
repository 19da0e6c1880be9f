// JSON GETs against Graph and CIPP: the one retry policy of both. 429 (and 503/504) wait for
// Retry-After (seconds or an HTTP date; exponential backoff with jitter when there is none, as the
// Azure Functions host that runs CIPP sends its 429 "Too Busy" without one) and try again; other
// failures become a ProviderError with a readable message that never includes the bearer token nor
// the remote body (the status and Graph's error code only: a body may come from anywhere the URL
// pointed). Every request is counted for the run's outcome, and every 429 as `throttled`.
import { OutboundUrlRefused, type OutboundFetch } from '@switchboard/core';

export class ProviderError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Graph's error code (e.g. syncStateNotFound, resyncRequired) when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface RequestCounter {
  calls: number;
  /** Answers that were 429 (each one waited for and retried, or the last one thrown). */
  throttled?: number;
}

const RETRYABLE = new Set([429, 503, 504]);
const MAX_ATTEMPTS = 6;
const MAX_WAIT_MS = 60_000;

// The signal is the worker's shutdown signal, shared by every request of the process: the listener
// goes as soon as the wait is over, or waits would pile up on it (MaxListenersExceededWarning).
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = Number(header);
  if (header && Number.isFinite(seconds)) return Math.min(MAX_WAIT_MS, Math.max(0, seconds * 1000));
  const date = header ? Date.parse(header) : NaN;
  if (Number.isFinite(date)) return Math.min(MAX_WAIT_MS, Math.max(0, date - Date.now()));
  // No Retry-After: back off exponentially with jitter.
  return Math.min(MAX_WAIT_MS, 500 * 2 ** attempt + Math.random() * 250);
}

/** Graph's error code (`{"error":{"code":…}}`) when the body has one that looks like a code. */
async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const code = ((await response.json()) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(code) ? code : undefined;
  } catch {
    return undefined; // CIPP answers failures with a plain-text body.
  }
}

async function errorOf(response: Response, what: string): Promise<ProviderError> {
  const code = await errorCodeOf(response);
  return new ProviderError(response.status, `${what} answered ${response.status}${code ? ` (${code})` : ''}`, code);
}

export async function getJson<T>(
  url: string,
  options: {
    token: string;
    counter: RequestCounter;
    what: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
    /** The fetch to send with: a checked one (createOutboundFetch) for URLs a user supplied. */
    fetch?: OutboundFetch;
  },
): Promise<T> {
  const send = options.fetch ?? fetch;
  for (let attempt = 0; ; attempt++) {
    options.counter.calls++;
    let response: Response;
    try {
      response = await send(url, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...options.headers },
        // Shutdown does not cut a request short (the worker stops after it, before writing); only the timeout does.
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      if (err instanceof OutboundUrlRefused) throw new ProviderError(0, `${options.what} was not called: its URL ${err.message}.`);
      // The error code only (ECONNREFUSED, ENOTFOUND): the message would describe the network.
      const code = (err as { cause?: { code?: unknown }; code?: unknown }).cause?.code ?? (err as { code?: unknown }).code;
      const reason = typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'network error';
      if (attempt + 1 >= MAX_ATTEMPTS) throw new ProviderError(0, `${options.what} could not be reached (${reason})`);
      await sleep(retryAfterMs(null, attempt), options.signal);
      continue;
    }
    if (response.ok) return (await response.json()) as T;
    if (response.status === 429) options.counter.throttled = (options.counter.throttled ?? 0) + 1;
    if (RETRYABLE.has(response.status) && attempt + 1 < MAX_ATTEMPTS) {
      const wait = retryAfterMs(response.headers.get('retry-after'), attempt);
      await response.body?.cancel();
      await sleep(wait, options.signal);
      continue;
    }
    throw await errorOf(response, options.what);
  }
}
