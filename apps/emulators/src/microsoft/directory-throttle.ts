// Identity and access throttling of the directory routes, as Graph documents it
// (https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits):
// a token bucket of resource units per application + tenant pair, 3,500 / 5,000 / 8,000 units per
// 10 seconds for tenants under 50 users / 50–500 users / above 500 users. A request costs its
// path's base cost (GET users 2, GET contracts 3, any other GET 1), minus 1 with $select, minus 1
// with $top under 20, plus 1 with $expand, never under 1. Over the limit: 429 TooManyRequests with
// Retry-After and the x-ms-throttle-scope / x-ms-throttle-information headers; every answer carries
// x-ms-resource-unit. (The per-application limit, 150,000 units per 20 s, is not modelled: one
// partner app never gets near it here.)

export interface ThrottleSettings {
  enabled: boolean;
  /** Replaces the size-based quota (units per window) for every pair: lets a test reach the limit. */
  quota?: number;
  windowSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { enabled: true, windowSeconds: 10 };

/** The documented quota for a tenant of `users` users (S < 50, M 50–500, L > 500). */
export function tenantQuota(users: number): number {
  if (users < 50) return 3_500;
  return users <= 500 ? 5_000 : 8_000;
}

/** The directory routes that belong to identity and access (delegatedAdminCustomers is the partner service's). */
const IDENTITY_PATHS = new Set(['/contracts', '/domains', '/organization', '/users', '/users/delta']);

/** Resource units of a GET on `path` (relative to /v1.0) with these query options; null outside identity and access. */
export function requestCost(path: string, query: Record<string, string | undefined>): number | null {
  if (!IDENTITY_PATHS.has(path)) return null;
  const base = path === '/users' ? 2 : path === '/contracts' ? 3 : 1;
  let cost = base;
  if (query.$select) cost -= 1;
  const top = Number(query.$top);
  if (query.$top !== undefined && Number.isInteger(top) && top < 20) cost -= 1;
  if (query.$expand) cost += 1;
  return Math.max(1, cost);
}

export type ThrottleDecision = { ok: true; units: number; usedPercent: number } | { ok: false; units: number; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class DirectoryThrottle {
  private buckets = new Map<string, Bucket>();
  settings: ThrottleSettings = { ...DEFAULT_THROTTLE };
  /** 429s answered since the last reset. */
  throttled = 0;
  /** Requests of a pair that came back before its last refusal's Retry-After ran out (a client ignoring it). */
  retriedEarly = 0;
  private notBefore = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** Charge `units` to the app + tenant pair; refused when the bucket holds fewer. */
  take(input: { appId: string; tenantId: string; tenantUsers: number; units: number }): ThrottleDecision {
    if (!this.settings.enabled) return { ok: true, units: input.units, usedPercent: 0 };
    const quota = this.settings.quota ?? tenantQuota(input.tenantUsers);
    const perMs = quota / (this.settings.windowSeconds * 1000);
    const key = `${input.appId}/${input.tenantId}`;
    const now = this.now();
    if (now < (this.notBefore.get(key) ?? 0)) this.retriedEarly++;
    const bucket = this.buckets.get(key) ?? { tokens: quota, at: now };
    bucket.tokens = Math.min(quota, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < input.units) {
      this.throttled++;
      // Whole seconds until the bucket holds this request's units again.
      const retryAfterSeconds = Math.max(1, Math.ceil((input.units - bucket.tokens) / perMs / 1000));
      this.notBefore.set(key, now + retryAfterSeconds * 1000);
      return { ok: false, units: input.units, retryAfterSeconds };
    }
    bucket.tokens -= input.units;
    return { ok: true, units: input.units, usedPercent: 1 - bucket.tokens / quota };
  }

  configure(settings: Partial<ThrottleSettings>): void {
    this.settings = { ...this.settings, ...settings };
    this.buckets.clear();
    this.notBefore.clear();
  }

  reset(): void {
    this.settings = { ...DEFAULT_THROTTLE };
    this.buckets.clear();
    this.notBefore.clear();
    this.throttled = 0;
    this.retriedEarly = 0;
  }
}
