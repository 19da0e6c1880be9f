// JSON GETs against Graph and CIPP with throttling handled the way both document it: 429 (and 503/504)
// wait for Retry-After and try again; other failures become a ProviderError with a readable message
// that never includes the bearer token. Every request is counted for the run's outcome.

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
}

const RETRYABLE = new Set([429, 503, 504]);
const MAX_ATTEMPTS = 6;
const MAX_WAIT_MS = 60_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    }, { once: true });
  });

function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = Number(header);
  if (header && Number.isFinite(seconds)) return Math.min(MAX_WAIT_MS, Math.max(0, seconds * 1000));
  const date = header ? Date.parse(header) : NaN;
  if (Number.isFinite(date)) return Math.min(MAX_WAIT_MS, Math.max(0, date - Date.now()));
  // No Retry-After: back off exponentially with jitter.
  return Math.min(MAX_WAIT_MS, 500 * 2 ** attempt + Math.random() * 250);
}

async function errorOf(response: Response, what: string): Promise<ProviderError> {
  const text = await response.text().catch(() => '');
  let code: string | undefined;
  let detail = text.slice(0, 300);
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; innerError?: { code?: string } } };
    code = body.error?.code;
    detail = body.error?.message ?? detail;
  } catch {
    // CIPP answers failures with a plain-text body; keep it as the detail.
  }
  return new ProviderError(response.status, `${what} answered ${response.status}${detail ? `: ${detail}` : ''}`, code);
}

export async function getJson<T>(
  url: string,
  options: { token: string; counter: RequestCounter; what: string; headers?: Record<string, string>; signal?: AbortSignal },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    options.counter.calls++;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...options.headers },
        // Shutdown does not cut a request short (the worker stops after it, before writing); only the timeout does.
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      if (attempt + 1 >= MAX_ATTEMPTS) throw new ProviderError(0, `${options.what} could not be reached: ${(err as Error).message}`);
      await sleep(retryAfterMs(null, attempt), options.signal);
      continue;
    }
    if (response.ok) return (await response.json()) as T;
    if (RETRYABLE.has(response.status) && attempt + 1 < MAX_ATTEMPTS) {
      const wait = retryAfterMs(response.headers.get('retry-after'), attempt);
      await response.body?.cancel();
      await sleep(wait, options.signal);
      continue;
    }
    throw await errorOf(response, options.what);
  }
}
