// A per-address request budget for public URLs that take bursts (provider webhooks): a fixed window
// whose counts live in one Map, cleared when the window ends. @fastify/rate-limit does the same job
// for the rest of the API, but its per-request cost (a store call through a promise, three
// X-RateLimit headers) was about an eighth of the webhook ingest benchmark (docs/BENCHMARKS.md).

export interface AddressLimiterOptions {
  /** Requests an address may make per window. */
  max: number;
  windowMs: number;
  /**
   * Addresses counted at once. Past it the longest-counted address is forgotten (its count starts
   * again), so memory stays bounded whatever a flood of addresses does; a sender able to rotate
   * through this many addresses is beyond a per-address limit anyway.
   */
  maxAddresses?: number;
  now?: () => number;
}

export interface AddressLimiter {
  /**
   * Counts one request from `address`: 0 when it is within the budget, otherwise the whole seconds
   * until the window ends (for Retry-After). A refused request is not counted.
   */
  take(address: string): number;
  /** Addresses currently counted. */
  readonly size: number;
}

export function createAddressLimiter(options: AddressLimiterOptions): AddressLimiter {
  const { max, windowMs } = options;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const now = options.now ?? Date.now;
  const counts = new Map<string, number>();
  let windowEnds = 0;

  return {
    take(address) {
      const time = now();
      // One window for every address: at its end all counts restart, which is also the sweep.
      if (time >= windowEnds) {
        counts.clear();
        windowEnds = time + windowMs;
      }
      const count = counts.get(address) ?? 0;
      if (count >= max) return Math.max(1, Math.ceil((windowEnds - time) / 1000));
      if (count === 0 && counts.size >= maxAddresses) counts.delete(counts.keys().next().value!);
      counts.set(address, count + 1);
      return 0;
    },
    get size() {
      return counts.size;
    },
  };
}
