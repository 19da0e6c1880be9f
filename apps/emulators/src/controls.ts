// Failure injection and request counting shared by every emulator. Each emulator mounts
// `registerControls` once; tests drive it over HTTP (`/_emulator/*`) or through the returned object.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One injected failure: the next `times` requests matching `method` + `path` fail this way. */
export interface FaultRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** A regular expression (source) matched against the request path without the query string. */
  path: string;
  /**
   * `status`: answer `status` with the provider's error body (429 and 403 rate limits add Retry-After);
   * `timeout`: hold the request for `delayMs` (default 30 s) and then drop the connection;
   * `latency`: delay by `delayMs`, then serve normally.
   */
  kind: 'status' | 'timeout' | 'latency';
  status?: number;
  /** For 403: Google's `rateLimitExceeded` reason instead of a plain forbidden. */
  reason?: string;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** How many matching requests fail; 0 means every one until cleared. Default 1. */
  times?: number;
}

/** The provider's error body for an injected status; `path` is the failed request's path. */
export type ErrorRenderer = (status: number, rule: FaultRule, path: string) => unknown;

interface ActiveRule extends FaultRule {
  pattern: RegExp;
  remaining: number;
}

/** Faults, latency, request counts and notification faults of one emulator. */
export class Controls {
  private rules: ActiveRule[] = [];
  private latencyMs = 0;
  private requestCounts = new Map<string, number>();
  private drops = 0;
  private duplicates = 0;
  private clockOffsetMs = 0;

  /**
   * The emulator's clock: `base` moved on by every `advanceClock`. Token lifetimes and expiries are
   * measured on it, so a test can let a refresh token age for months in a moment.
   */
  clock(base: () => number): () => number {
    return () => base() + this.clockOffsetMs;
  }

  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  /** Add a failure rule; rules are matched in insertion order. */
  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, pattern: new RegExp(rule.path), remaining: rule.times ?? 1 });
  }

  clearFaults(): void {
    this.rules = [];
  }

  /** Delay applied to every provider request (not control requests). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  get latency(): number {
    return this.latencyMs;
  }

  /** Requests served, keyed by `METHOD /route/pattern`. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.requestCounts);
  }

  count(key: string): number {
    return this.requestCounts.get(key) ?? 0;
  }

  record(key: string): void {
    this.requestCounts.set(key, this.count(key) + 1);
  }

  /** The rule this request falls under, consuming one of its uses. */
  match(method: string, path: string): FaultRule | null {
    const rule = this.rules.find((r) => (!r.method || r.method.toUpperCase() === method) && r.pattern.test(path));
    if (!rule) return null;
    if (rule.remaining > 0) {
      rule.remaining -= 1;
      if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    }
    return rule;
  }

  /** The next `n` notifications are dropped. */
  dropNotifications(n: number): void {
    this.drops += n;
  }

  /** The next `n` notifications are delivered twice. */
  duplicateNotifications(n: number): void {
    this.duplicates += n;
  }

  /** Called by the notifiers before each delivery. */
  takeNotificationFault(): 'drop' | 'duplicate' | null {
    if (this.drops > 0) {
      this.drops -= 1;
      return 'drop';
    }
    if (this.duplicates > 0) {
      this.duplicates -= 1;
      return 'duplicate';
    }
    return null;
  }

  /** Forget faults, latency, counts, notification faults and clock advances. */
  reset(): void {
    this.clockOffsetMs = 0;
    this.rules = [];
    this.latencyMs = 0;
    this.requestCounts = new Map();
    this.drops = 0;
    this.duplicates = 0;
  }
}

const CONTROL_PREFIX = '/_emulator';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Count, delay and fail provider requests, and expose `/_emulator/{reset,faults,latency,requests,notifications,clock}`.
 * `onReset` clears the emulator's own state (events, tokens, channels) when `/_emulator/reset` is called.
 */
export function registerControls(
  app: FastifyInstance,
  controls: Controls,
  options: { renderError: ErrorRenderer; onReset: () => void },
): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    if (path.startsWith(CONTROL_PREFIX) || path === '/favicon.ico') return;
    controls.record(`${request.method} ${request.routeOptions.url ?? path}`);
    const latency = controls.latency;
    if (latency > 0) await sleep(latency);
    const rule = controls.match(request.method, path);
    if (!rule) return;
    if (rule.kind === 'latency') {
      await sleep(rule.delayMs ?? 1000);
      return;
    }
    if (rule.kind === 'timeout') {
      await sleep(rule.delayMs ?? 30_000);
      request.raw.socket.destroy();
      return reply.hijack();
    }
    const status = rule.status ?? 500;
    if ((status === 429 || status === 403 || status === 503) && rule.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(rule.retryAfterSeconds));
    }
    return reply.code(status).send(options.renderError(status, rule, path));
  });

  // Browsers ask every origin for an icon; the consent pages have none, and a 404 shows as a console error.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());

  app.post(`${CONTROL_PREFIX}/reset`, async () => {
    controls.reset();
    options.onReset();
    return { ok: true };
  });
  app.post<{ Body: FaultRule }>(`${CONTROL_PREFIX}/faults`, async (request, reply) => {
    const rule = request.body;
    if (!rule || typeof rule.path !== 'string' || !['status', 'timeout', 'latency'].includes(rule.kind)) {
      return reply.code(400).send({ error: 'A fault needs `path` (a regular expression) and `kind` (status, timeout or latency).' });
    }
    controls.inject(rule);
    return { ok: true };
  });
  app.delete(`${CONTROL_PREFIX}/faults`, async () => {
    controls.clearFaults();
    return { ok: true };
  });
  app.post<{ Body: { ms: number } }>(`${CONTROL_PREFIX}/latency`, async (request) => {
    controls.setLatency(Number(request.body?.ms ?? 0));
    return { ok: true };
  });
  app.get(`${CONTROL_PREFIX}/requests`, async () => controls.counts());
  app.post<{ Body: { advanceSeconds?: unknown } }>(`${CONTROL_PREFIX}/clock`, async (request, reply) => {
    const seconds = request.body?.advanceSeconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      return reply.code(400).send({ error: '`advanceSeconds` must be a positive number: the clock only moves forward.' });
    }
    controls.advanceClock(seconds);
    return { ok: true };
  });
  app.post<{ Body: { drop?: number; duplicate?: number } }>(`${CONTROL_PREFIX}/notifications`, async (request) => {
    controls.dropNotifications(Number(request.body?.drop ?? 0));
    controls.duplicateNotifications(Number(request.body?.duplicate ?? 0));
    return { ok: true };
  });
}
