// Outlook's per-mailbox concurrency limit: four requests of one app to one mailbox at a time; the
// fifth is refused with 429 ApplicationThrottled "Application is over its MailboxConcurrency limit."
// Limit: https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits ; the error text
// is what Graph answers in practice (quoted by many clients, e.g. onedrive and sync engines).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MicrosoftContext } from './context.js';
import { graphError } from './errors.js';

export interface ConcurrencyOptions {
  /** Requests one app may have open against one mailbox (Outlook: 4). */
  limit: number;
  /**
   * Retry-After (seconds) on the refusal; may be fractional, as Graph sends it (e.g. "2.128"). A
   * request of the same app and mailbox that comes back sooner is counted under earlyRetryKey.
   */
  retryAfterSeconds: number;
}

/** The controls counter of requests that came back before the Retry-After of their refusal. */
export const earlyRetryKey = (userId: string) => `retried before Retry-After ${userId}`;

/**
 * Registered before the shared controls hook, so injected latency (`/_emulator/latency` or a
 * `latency` fault) happens while the request already holds its slot: that makes the limit testable.
 */
export function registerMailboxConcurrency(app: FastifyInstance, context: MicrosoftContext, options: () => ConcurrencyOptions): void {
  const inFlight = new Map<string, number>();
  /** Per app + mailbox: when its last refusal's Retry-After runs out. */
  const retryNotBefore = new Map<string, number>();
  const releases = new WeakMap<FastifyRequest, () => void>();

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (!/^\/v1\.0\/me(\/|$)/.test(path)) return;
    const claims = context.tokens.verify(request.headers.authorization);
    if (!claims?.userId) return;
    const key = `${claims.tenantId}/${claims.userId}/${claims.clientId}`;
    const current = inFlight.get(key) ?? 0;
    const { limit, retryAfterSeconds } = options();
    if (context.now() < (retryNotBefore.get(key) ?? 0)) context.controls.record(earlyRetryKey(claims.userId));
    if (current >= limit) {
      retryNotBefore.set(key, context.now() + retryAfterSeconds * 1000);
      // The shared hook that counts requests never runs for this one, so count it here.
      context.controls.record(`${request.method} ${request.routeOptions.url ?? path}`);
      reply.header('retry-after', String(retryAfterSeconds));
      return reply.code(429).send(graphError(429, { reason: 'ApplicationThrottled' }, 'Application is over its MailboxConcurrency limit.'));
    }
    inFlight.set(key, current + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left > 0) inFlight.set(key, left);
      else inFlight.delete(key);
    };
    releases.set(request, release);
    // 'close' also fires when an injected timeout destroys the socket.
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
  });
  app.addHook('onResponse', async (request) => releases.get(request)?.());
  app.addHook('onRequestAbort', async (request) => releases.get(request)?.());
}
