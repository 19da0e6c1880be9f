// How `npm start` and `npm run worker` end: gracefully on a signal, and on an uncaught exception or
// unhandled rejection, which leave the process in an unknown state. One exception: a rejection
// that only says the database is away. pg-boss 10 does not await the write that completes or fails
// a job (manager.js `work`: `this.complete(...)`, `this.fail(...)`), so a connection lost at that
// moment is an unhandled rejection although nothing is broken: pg-boss retries the job after it
// expires. Such a rejection is reported once per outage and the process keeps serving.
import closeWithGrace from 'close-with-grace';
import type { FastifyBaseLogger } from 'fastify';
import { createOutageReporter } from '@switchboard/core';

export interface ShutdownOptions {
  log: FastifyBaseLogger;
  /** How long closing may take before the process exits anyway. */
  delayMs: number;
  /** Stops accepting work, drains what is in flight and closes the database. */
  close(): Promise<void>;
}

export function shutDownGracefully({ log, delayMs, close }: ShutdownOptions): void {
  const outage = createOutageReporter(log, 'background database write');
  process.on('unhandledRejection', (reason) => {
    if (outage.failed(reason)) return;
    // Anything else is a bug: rethrown as an uncaught exception, which shuts down below.
    queueMicrotask(() => {
      throw reason;
    });
  });
  closeWithGrace({ delay: delayMs, skip: ['unhandledRejection'] }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    await close();
  });
}
