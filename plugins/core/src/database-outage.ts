// A background loop (job queue, outbox relay, the process's last-resort handlers) that loses the
// database retries on its own; the operator needs to hear about it once per outage, in words, not
// a stack trace every tick. The first failure is one warning naming the cause, the return one info
// line, and the failures in between are only counted.
import type { FastifyBaseLogger } from 'fastify';
import { isDatabaseUnavailable } from './database-errors.js';

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection broken',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  '57P01': 'the database server is shutting down',
  '57P02': 'the database server is shutting down',
  '57P03': 'the database server is starting up',
  '53300': 'too many connections',
};

/** Why the database could not be reached, in a few words for a log line ("connection refused"). */
export function describeDatabaseOutage(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && CAUSES[code]) return CAUSES[code];
  const text = typeof message === 'string' ? message : String(err);
  if (/timeout exceeded when trying to connect/i.test(text)) return 'connection timed out';
  if (/connection terminated|not queryable/i.test(text)) return 'connection lost';
  return text.split('\n')[0].slice(0, 200);
}

export interface OutageReporter {
  /** Reports `err` when it means the database is away and returns true; false leaves it to the caller. */
  failed(err: unknown): boolean;
  /** The database answered again: ends the outage (one info line if one was reported). */
  recovered(): void;
}

/**
 * `what` names the loop in the log ("job queue"). An outage also ends after `quietMs` without a
 * failure, for loops that have no success to report (an idle queue), so the next one is heard.
 */
export function createOutageReporter(log: FastifyBaseLogger, what: string, opts: { quietMs?: number } = {}): OutageReporter {
  const quietMs = opts.quietMs ?? 60_000;
  let since: number | undefined;
  let lastFailure = 0;
  let failures = 0;
  return {
    failed(err) {
      if (!isDatabaseUnavailable(err)) return false;
      const now = Date.now();
      if (since !== undefined && now - lastFailure > quietMs) since = undefined;
      lastFailure = now;
      if (since === undefined) {
        since = now;
        failures = 0;
        log.warn({ cause: describeDatabaseOutage(err) }, `${what}: the database is not reachable (${describeDatabaseOutage(err)}); retrying until it is back`);
      }
      failures++;
      return true;
    },
    recovered() {
      if (since === undefined) return;
      log.info({ failures, outageMs: Date.now() - since }, `${what}: the database is reachable again`);
      since = undefined;
    },
  };
}
